package dev.weft.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.spi.Backend;
import dev.weft.sync.Event;
import dev.weft.task.TaskGroup;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Deadlines cancel their scope when they pass, can be moved while active, and timeouts report
 * what happened. Until the deterministic backend's virtual clock exists these tests use real time
 * with short timeouts and assert no upper bound on how long anything took.
 */
class TimeoutsTest {

  private static final Duration SHORT = Duration.ofMillis(20);

  @WeftTest
  void moveOnAfter_bodyOutlastsTimeout_isCancelledAndCaught(Backend backend) {
    AtomicReference<CancelledException> seen = new AtomicReference<>();

    CancelScope scope = Runs.run(backend, () -> Timeouts.moveOnAfter(SHORT, () -> {
      try {
        Weft.sleepForever();
      } catch (CancelledException e) {
        seen.set(e);
        throw e;
      }
    }));

    assertTrue(scope.cancelCalled());
    assertTrue(scope.cancelledCaught());
    assertTrue(seen.get().deadlineExpired());
    assertTrue(seen.get().getMessage().startsWith("deadline expired"), seen.get().getMessage());
  }

  @WeftTest
  void moveOnAfter_zero_cancelsAtFirstCheckpoint(Backend backend) {
    AtomicInteger afterCheckpoint = new AtomicInteger();

    CancelScope scope = Runs.run(backend, () -> Timeouts.moveOnAfter(Duration.ZERO, () -> {
      Weft.checkpoint();
      afterCheckpoint.incrementAndGet();
    }));

    assertTrue(scope.cancelledCaught());
    assertEquals(0, afterCheckpoint.get());
  }

  @WeftTest
  void moveOnAfter_quickBody_isNotCancelled(Backend backend) {
    CancelScope scope =
        Runs.run(backend, () -> Timeouts.moveOnAfter(Duration.ofHours(1), Weft::checkpoint));

    assertFalse(scope.cancelCalled());
    assertFalse(scope.cancelledCaught());
  }

  @WeftTest
  void moveOnAt_passedDeadline_cancelsAtOnce(Backend backend) {
    CancelScope scope = Runs.run(backend, () -> Timeouts.moveOnAt(Deadline.PAST, () -> {
      Weft.sleepForever();
    }));

    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void failAfter_timeout_throwsNamingTheDeadline(Backend backend) {
    AtomicReference<Deadline> deadline = new AtomicReference<>();

    DeadlineExceededException e = assertThrows(DeadlineExceededException.class, () ->
        Runs.exec(backend, () -> Timeouts.failAfter(SHORT, () -> {
          deadline.set(Weft.currentEffectiveDeadline());
          Weft.sleepForever();
        })));

    assertEquals(deadline.get(), e.deadline());
    assertTrue(e.getMessage().contains(deadline.get().toString()), e.getMessage());
  }

  @WeftTest
  void failAfter_quickBody_returnsItsValue(Backend backend) {
    String value = Runs.run(backend, () -> Timeouts.failAfter(Duration.ofHours(1), () -> "ok"));

    assertEquals("ok", value);
  }

  @WeftTest
  void failAfter_insideScopeCancelledByAnotherTask_doesNotThrowTimeout(Backend backend) {
    CancelScope outer = CancelScope.create();
    Event inside = new Event();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon(() -> outer.run(() -> Timeouts.failAfter(Duration.ofHours(1), () -> {
        inside.set();
        Weft.sleepForever();
      })));
      inside.await();
      outer.cancel();
    }));

    assertTrue(outer.cancelledCaught());
  }

  @WeftTest
  void nestedTimeouts_earlierOuterFires_innerIsNotCancelled(Backend backend) {
    AtomicReference<CancelScope> inner = new AtomicReference<>();
    AtomicInteger afterInner = new AtomicInteger();

    CancelScope outer = Runs.run(backend, () -> Timeouts.moveOnAfter(SHORT, () -> {
      inner.set(CancelScope.withTimeout(Duration.ofHours(1)));
      inner.get().run(Weft::sleepForever);
      afterInner.incrementAndGet();
    }));

    assertTrue(outer.cancelledCaught());
    assertFalse(inner.get().cancelCalled());
    assertFalse(inner.get().cancelledCaught());
    assertEquals(0, afterInner.get());
  }

  @WeftTest
  void deadlineMovedToNeverBeforeItFires_doesNotCancel(Backend backend) {
    CancelScope scope = CancelScope.withTimeout(SHORT);

    Runs.exec(backend, () -> scope.run(() -> {
      scope.setDeadline(Deadline.NEVER);
      Weft.sleep(SHORT.multipliedBy(3));
    }));

    assertFalse(scope.cancelCalled());
    assertEquals(Deadline.NEVER, scope.deadline());
  }

  @WeftTest
  void deadlineMovedIntoThePast_cancelsAtOnce_andStaysCancelled(Backend backend) {
    CancelScope scope = CancelScope.create();
    AtomicInteger thrown = new AtomicInteger();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.setDeadline(Deadline.now());
      for (int i = 0; i < 2; i++) {
        try {
          Weft.checkpoint();
        } catch (CancelledException e) {
          thrown.incrementAndGet();
        }
      }
    }));

    assertEquals(2, thrown.get());
    assertTrue(scope.cancelCalled());
  }

  @WeftTest
  void deadlineMovedEarlier_firesAtTheNewDeadline(Backend backend) {
    CancelScope scope = CancelScope.withTimeout(Duration.ofHours(1));

    Runs.exec(backend, () -> scope.run(() -> {
      scope.setDeadline(Deadline.after(SHORT));
      Weft.sleepForever();
    }));

    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void relativeTimeout_startsWhenTheScopeIsEntered(Backend backend) {
    CancelScope scope = CancelScope.withTimeout(Duration.ofHours(1));
    Deadline beforeEntry = scope.deadline();

    List<Deadline> bounds = Runs.run(backend, () -> {
      Deadline before = Deadline.now();
      AtomicReference<Deadline> inside = new AtomicReference<>();
      scope.run(() -> inside.set(scope.deadline()));
      Deadline after = Deadline.now();
      return List.of(before.plus(Duration.ofHours(1)), inside.get(), after.plus(Duration.ofHours(1)));
    });

    assertEquals(Deadline.NEVER, beforeEntry);
    assertTrue(bounds.get(0).compareTo(bounds.get(1)) <= 0, bounds.toString());
    assertTrue(bounds.get(1).compareTo(bounds.get(2)) <= 0, bounds.toString());
  }

  @WeftTest
  void sleep_lastsAtLeastItsDuration(Backend backend) {
    Duration slept = Runs.run(backend, () -> {
      Deadline start = Deadline.now();
      Weft.sleep(SHORT);
      return start.remaining().negated();
    });

    assertTrue(slept.compareTo(SHORT) >= 0, slept.toString());
  }

  @WeftTest
  void sleepZero_isACheckpoint(Backend backend) {
    CancelScope scope = CancelScope.create();
    AtomicInteger after = new AtomicInteger();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel();
      Weft.sleep(Duration.ZERO);
      after.incrementAndGet();
    }));

    assertEquals(0, after.get());
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void sleepUntilPassedDeadline_isACheckpoint(Backend backend) {
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel();
      Weft.sleepUntil(Deadline.PAST);
    }));

    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void currentEffectiveDeadline_isNeverWithoutDeadlines(Backend backend) {
    Deadline d = Runs.run(backend, Weft::currentEffectiveDeadline);

    assertEquals(Deadline.NEVER, d);
  }

  @WeftTest
  void currentEffectiveDeadline_isTheEarliestOfTheEnclosingScopes(Backend backend) {
    List<Deadline> seen = Runs.run(backend, () -> {
      Deadline early = Deadline.after(Duration.ofHours(1));
      Deadline late = Deadline.after(Duration.ofHours(2));
      AtomicReference<List<Deadline>> result = new AtomicReference<>();
      CancelScope.withDeadline(early).run(() -> {
        CancelScope inner = CancelScope.withDeadline(late);
        inner.run(() -> {
          Deadline first = Weft.currentEffectiveDeadline();
          inner.setDeadline(Deadline.ofNanos(early.toNanos() - 1));
          Deadline second = Weft.currentEffectiveDeadline();
          result.set(List.of(first, second, early));
        });
      });
      return result.get();
    });

    assertEquals(seen.get(2), seen.get(0));
    assertEquals(seen.get(2).toNanos() - 1, seen.get(1).toNanos());
  }

  @WeftTest
  void currentEffectiveDeadline_shieldHidesOuterDeadlines(Backend backend) {
    Deadline seen = Runs.run(backend, () -> {
      AtomicReference<Deadline> d = new AtomicReference<>();
      Timeouts.moveOnAfter(Duration.ofHours(1), () ->
          CancelScope.shielded().run(() -> d.set(Weft.currentEffectiveDeadline())));
      return d.get();
    });

    assertEquals(Deadline.NEVER, seen);
  }

  @WeftTest
  void currentEffectiveDeadline_isPastWhenCancelled_andNotInAShield(Backend backend) {
    List<Deadline> seen = Runs.run(backend, () -> {
      CancelScope scope = CancelScope.create();
      AtomicReference<List<Deadline>> d = new AtomicReference<>();
      scope.run(() -> {
        scope.cancel();
        Deadline cancelled = Weft.currentEffectiveDeadline();
        AtomicReference<Deadline> shielded = new AtomicReference<>();
        CancelScope.shielded().run(() -> shielded.set(Weft.currentEffectiveDeadline()));
        d.set(List.of(cancelled, shielded.get(), Weft.currentEffectiveDeadline()));
      });
      return d.get();
    });

    assertEquals(List.of(Deadline.PAST, Deadline.NEVER, Deadline.PAST), seen);
  }

  @WeftTest
  void badDurations_throwNamingTheArgumentAndRange(Backend backend) {
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> CancelScope.withTimeout(Duration.ofMillis(-1)));
    IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
        () -> CancelScope.withTimeout(Duration.ofDays(365L * 1000)));
    NullPointerException missing = assertThrows(NullPointerException.class,
        () -> CancelScope.withTimeout(null));
    IllegalArgumentException sleep = assertThrows(IllegalArgumentException.class,
        () -> Runs.exec(backend, () -> Weft.sleep(Duration.ofSeconds(-5))));

    assertTrue(negative.getMessage().startsWith("timeout must not be negative"), negative.getMessage());
    assertTrue(huge.getMessage().startsWith("timeout must be at most"), huge.getMessage());
    assertEquals("timeout", missing.getMessage());
    assertTrue(sleep.getMessage().startsWith("duration must not be negative"), sleep.getMessage());
  }

  @WeftTest
  void deadlineOutsideATask_throwsNamingTheOperation(Backend backend) {
    Deadline later = Deadline.ofNanos(1_000);
    IllegalStateException now = assertThrows(IllegalStateException.class, Deadline::now);
    IllegalStateException after =
        assertThrows(IllegalStateException.class, () -> Deadline.after(Duration.ofSeconds(1)));
    IllegalStateException remaining = assertThrows(IllegalStateException.class, later::remaining);
    IllegalStateException hasPassed = assertThrows(IllegalStateException.class, later::hasPassed);

    assertTrue(now.getMessage().startsWith("Deadline.now must be called"), now.getMessage());
    assertTrue(after.getMessage().startsWith("Deadline.after must"), after.getMessage());
    assertTrue(remaining.getMessage().startsWith("Deadline.remaining must"),
        remaining.getMessage());
    assertTrue(hasPassed.getMessage().startsWith("Deadline.hasPassed must"),
        hasPassed.getMessage());
  }

  @WeftTest
  void deadlineArithmetic_saturatesAndOrders(Backend backend) {
    Deadline d = Deadline.ofNanos(10);

    assertEquals(Deadline.NEVER, Deadline.ofNanos(Long.MAX_VALUE - 1).plus(Duration.ofNanos(5)));
    assertSame(Deadline.NEVER, Deadline.NEVER.plus(Duration.ofDays(1)));
    assertSame(Deadline.PAST, Deadline.ofNanos(Long.MIN_VALUE));
    assertEquals(Deadline.ofNanos(15), d.plus(Duration.ofNanos(5)));
    assertTrue(Deadline.PAST.compareTo(d) < 0 && d.compareTo(Deadline.NEVER) < 0);
  }

  @WeftTest
  void deadlineOfCancelledException_saysSoOnlyForDeadlines(Backend backend) {
    CancelScope explicit = CancelScope.create();
    AtomicReference<CancelledException> seen = new AtomicReference<>();

    Runs.exec(backend, () -> explicit.run(() -> {
      explicit.cancel("stop");
      try {
        Weft.checkpoint();
      } catch (CancelledException e) {
        seen.set(e);
        throw e;
      }
    }));

    assertFalse(seen.get().deadlineExpired());
    assertTrue(seen.get().getMessage().startsWith("cancelled: stop"), seen.get().getMessage());
  }

  @WeftTest
  void deadlineSetBeforeEntry_replacesTheRelativeTimeout(Backend backend) {
    CancelScope scope = Runs.run(backend, () -> {
      CancelScope s = CancelScope.withTimeout(Duration.ofHours(1));
      s.setDeadline(Deadline.now());
      s.run(Weft::checkpoint);
      return s;
    });

    assertTrue(scope.cancelledCaught());
  }

  // ---- values and reachable scopes (T11) ------------------------------------------------------

  @WeftTest
  void resultWithin_quickBody_returnsItsValue(Backend backend) {
    java.util.Optional<String> value =
        Runs.run(backend, () -> Timeouts.resultWithin(Duration.ofHours(1), () -> "ok"));

    assertEquals(java.util.Optional.of("ok"), value);
  }

  @WeftTest
  void resultWithin_bodyOutlastsTimeout_isEmpty(Backend backend) {
    java.util.Optional<String> value = Runs.run(backend, () -> Timeouts.resultWithin(SHORT, () -> {
      Weft.sleepForever();
      return "never";
    }));

    assertTrue(value.isEmpty());
  }

  @WeftTest
  void resultBy_passedDeadline_isEmpty_andTheBodyRanToItsFirstCheckpoint(Backend backend) {
    AtomicInteger ran = new AtomicInteger();

    java.util.Optional<Integer> value = Runs.run(backend, () -> Timeouts.resultBy(Deadline.PAST, () -> {
      ran.incrementAndGet();
      Weft.checkpoint();
      ran.incrementAndGet();
      return 1;
    }));

    assertTrue(value.isEmpty());
    assertEquals(1, ran.get());
  }

  @WeftTest
  void resultWithin_bodyReturningNull_throwsNamingTheMethod(Backend backend) {
    NullPointerException e = assertThrows(NullPointerException.class, () ->
        Runs.run(backend, () -> Timeouts.resultWithin(Duration.ofHours(1), () -> null)));

    assertTrue(e.getMessage().startsWith("Timeouts.resultWithin: the body returned null"),
        e.getMessage());
  }

  @WeftTest
  void failIn_deadlinePasses_throws_andTheScopeSaysItCaughtIt(Backend backend) {
    CancelScope scope = CancelScope.withTimeout(SHORT);

    DeadlineExceededException e = assertThrows(DeadlineExceededException.class, () ->
        Runs.exec(backend, () -> Timeouts.failIn(scope, () -> {
          Weft.sleepForever();
        })));

    assertTrue(scope.cancelCalled());
    assertTrue(scope.cancelledCaught());
    assertEquals(scope.deadline(), e.deadline());
  }

  @WeftTest
  void failIn_scopeCancelledExplicitly_exitsSilently(Backend backend) {
    CancelScope scope = CancelScope.withTimeout(Duration.ofHours(1));

    String value = Runs.run(backend, () -> Timeouts.failIn(scope, () -> {
      scope.cancel("no longer needed");
      Weft.sleepForever();
      return "never";
    }));

    assertEquals(null, value);
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void failIn_deadlineMovedLaterByTheBody_isHonoured(Backend backend) {
    CancelScope scope = CancelScope.withTimeout(SHORT);

    String value = Runs.run(backend, () -> Timeouts.failIn(scope, () -> {
      scope.setDeadline(Deadline.NEVER);
      Weft.sleep(SHORT.multipliedBy(3)); // past the first deadline, which no longer holds
      return "in time";
    }));

    assertEquals("in time", value);
    assertFalse(scope.cancelCalled());
  }
}
