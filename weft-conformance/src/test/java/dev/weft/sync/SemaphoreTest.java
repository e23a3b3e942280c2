package dev.weft.sync;

import static dev.weft.testing.Until.parkedInWeft;
import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.spi.Backend;
import dev.weft.task.TaskGroup;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A semaphore counts permits, hands a released permit straight to the longest-waiting task,
 * refuses to exceed its maximum, and obeys the exactly-once grant rule under cancellation
 * (AnyIO's and Trio's semaphore tests, including AnyIO #1145).
 */
class SemaphoreTest {

  // ---- creation ---------------------------------------------------------------------------------

  @WeftTest
  void create_negativeInitialValue_throwsNamingTheArgumentAndTheRange(Backend backend) {
    IllegalArgumentException thrown = Runs.run(backend, () ->
        assertThrows(IllegalArgumentException.class, () -> Semaphore.create(-1)));

    assertEquals("initialValue must be >= 0, but was -1", thrown.getMessage());
  }

  @WeftTest
  void bounded_maxValueBelowInitialValue_throwsNamingBoth(Backend backend) {
    List<IllegalArgumentException> thrown = Runs.run(backend, () -> List.of(
        assertThrows(IllegalArgumentException.class, () -> Semaphore.bounded(2, 1)),
        assertThrows(IllegalArgumentException.class, () -> Semaphore.bounded(-1, 1))));

    assertEquals("maxValue must be >= initialValue (2), but was 1", thrown.get(0).getMessage());
    assertEquals("initialValue must be >= 0, but was -1", thrown.get(1).getMessage());
  }

  @WeftTest
  void maxValue_isTheBoundGiven_orEmptyForAnUnboundedSemaphore(Backend backend) {
    List<OptionalInt> seen = Runs.run(backend, () ->
        List.of(Semaphore.bounded(1, 3).maxValue(), Semaphore.create(1).maxValue()));

    assertEquals(List.of(OptionalInt.of(3), OptionalInt.empty()), seen);
  }

  // ---- counting ---------------------------------------------------------------------------------

  @WeftTest
  void unboundedRelease_raisesTheValueAboveTheInitialValue(Backend backend) {
    Semaphore semaphore = Semaphore.create(1);

    int value = Runs.run(backend, () -> {
      semaphore.release();
      return semaphore.value();
    });

    assertEquals(2, value);
  }

  @WeftTest
  void tryAcquire_takesAPermit_andAtZeroReturnsFalse(Backend backend) {
    Semaphore semaphore = Semaphore.create(1);

    List<Boolean> seen = Runs.run(backend, () ->
        List.of(semaphore.tryAcquire(), semaphore.tryAcquire()));

    assertEquals(List.of(true, false), seen);
    assertEquals(new Semaphore.Statistics(0, 0), semaphore.statistics());
  }

  @WeftTest
  void release_atMaxValue_throwsNamingTheMax_andLeavesTheValueUnchanged(Backend backend) {
    Semaphore semaphore = Semaphore.bounded(1, 2);

    IllegalStateException thrown = Runs.run(backend, () -> {
      semaphore.release();
      return assertThrows(IllegalStateException.class, semaphore::release);
    });

    assertEquals(
        "semaphore released too many times: its value is already at maxValue 2",
        thrown.getMessage());
    assertEquals(2, semaphore.value());
  }

  @WeftTest
  void withPermit_holdsAPermitAroundTheBody_andGivesItBack(Backend backend) {
    Semaphore semaphore = Semaphore.create(2);
    List<Integer> inside = Collections.synchronizedList(new ArrayList<>());

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      for (int i = 0; i < 2; i++) {
        group.startSoon(() -> semaphore.withPermit(() -> inside.add(semaphore.value())));
      }
    }));

    assertTrue(Set.of(0, 1).containsAll(inside), inside.toString());
    assertEquals(2, semaphore.value());
  }

  @WeftTest
  void withPermit_rethrowsTheBodysCheckedException_afterGivingThePermitBack(Backend backend) {
    Semaphore semaphore = Semaphore.create(1);
    IOException failure = new IOException("boom");

    Throwable thrown = Runs.run(backend, () -> {
      try {
        semaphore.withPermit(() -> {
          throw failure;
        });
        return null;
      } catch (IOException e) {
        return e;
      }
    });

    assertSame(failure, thrown);
    assertEquals(1, semaphore.value());
  }

  // ---- waiting and handoff ----------------------------------------------------------------------

  @WeftTest
  void statistics_countWaiters_andReturnToZeroWaiting(Backend backend) {
    Semaphore semaphore = Semaphore.create(0);
    List<Semaphore.Statistics> seen = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon(semaphore::acquire);
      until(() -> semaphore.statistics().tasksWaiting() == 1);
      seen.add(semaphore.statistics());
      group.startSoon(semaphore::acquire);
      until(() -> semaphore.statistics().tasksWaiting() == 2);
      seen.add(semaphore.statistics());
      semaphore.release();
      semaphore.release();
    }));

    assertEquals(
        List.of(new Semaphore.Statistics(0, 1), new Semaphore.Statistics(0, 2)), seen);
    assertEquals(new Semaphore.Statistics(0, 0), semaphore.statistics());
  }

  @WeftTest
  void release_handsThePermitToTheWaiter_valueStaysZero_andTryAcquireFails(Backend backend) {
    Semaphore semaphore = Semaphore.create(0);
    Event proceed = new Event();

    List<Object> afterRelease = Runs.run(backend, () -> {
      List<Object> got = new ArrayList<>();
      TaskGroup.run(group -> {
        group.startSoon(() -> {
          semaphore.acquire();
          proceed.await();
        });
        until(() -> semaphore.statistics().tasksWaiting() == 1);
        semaphore.release();
        got.add(semaphore.statistics());
        got.add(semaphore.tryAcquire());
        proceed.set();
      });
      return got;
    });

    assertEquals(new Semaphore.Statistics(0, 0), afterRelease.get(0));
    assertEquals(false, afterRelease.get(1), "no barging past the handoff");
  }

  @WeftTest
  void waiters_getPermitsInTheOrderTheyStartedWaiting(Backend backend) {
    Semaphore semaphore = Semaphore.create(0);
    List<String> order = Collections.synchronizedList(new ArrayList<>());

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      for (int i = 0; i < 4; i++) {
        String name = "waiter-" + i;
        group.startSoon(name, () -> {
          semaphore.acquire();
          order.add(name);
          semaphore.release();
        });
        int queued = i + 1;
        until(() -> semaphore.statistics().tasksWaiting() == queued);
      }
      semaphore.release();
    }));

    assertEquals(List.of("waiter-0", "waiter-1", "waiter-2", "waiter-3"), order);
  }

  // ---- cancellation -----------------------------------------------------------------------------

  @WeftTest
  void acquire_isACheckpoint_inCancelledScopeItThrowsEvenWithPermitsAvailable(Backend backend) {
    Semaphore semaphore = Semaphore.create(1);
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel();
      semaphore.acquire();
    }));

    assertTrue(scope.cancelledCaught());
    assertEquals(1, semaphore.value());
  }

  @WeftTest
  void waiterCancelled_thenReleasedAtOnce_waiterNeverAcquires_andTheValueEndsAtOne(
      Backend backend) {
    assertCancelledWaiterNeverAcquires(backend, false);
  }

  @WeftTest
  void waiterCancelled_andGone_thenReleased_waiterNeverAcquires_andTheValueEndsAtOne(
      Backend backend) {
    assertCancelledWaiterNeverAcquires(backend, true);
  }

  private static void assertCancelledWaiterNeverAcquires(Backend backend, boolean letItLeave) {
    Semaphore semaphore = Semaphore.bounded(0, 1);
    CancelScope scope = CancelScope.create();
    AtomicBoolean acquired = new AtomicBoolean();
    AtomicReference<Thread> waiter = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon(() -> {
        waiter.set(Thread.currentThread());
        scope.run(() -> {
          semaphore.acquire();
          acquired.set(true);
        });
      });
      parkedInWeft(waiter::get);
      scope.cancel();
      if (letItLeave) {
        until(() -> semaphore.statistics().tasksWaiting() == 0);
      }
      semaphore.release();
      assertEquals(new Semaphore.Statistics(1, 0), semaphore.statistics());
    }));

    assertFalse(acquired.get());
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void releaseThenCancel_waiterHasThePermit_andGivesItBackAtItsNextCheckpoint(Backend backend) {
    Semaphore semaphore = Semaphore.bounded(0, 1);
    CancelScope scope = CancelScope.create();
    Event cancelled = new Event();
    List<String> events = Collections.synchronizedList(new ArrayList<>());

    List<Object> seen = Runs.run(backend, () -> {
      List<Object> got = new ArrayList<>();
      TaskGroup.run(group -> {
        group.startSoon(() -> scope.run(() -> {
          semaphore.acquire();
          try {
            events.add("acquired");
            CancelScope.shielded().run(cancelled::await);
            Weft.checkpoint();
          } finally {
            semaphore.release();
          }
        }));
        until(() -> semaphore.statistics().tasksWaiting() == 1);
        semaphore.release(); // the grant
        got.add(semaphore.statistics());
        scope.cancel();
        cancelled.set();
      });
      got.add(semaphore.tryAcquire());
      return got;
    });

    assertEquals(new Semaphore.Statistics(0, 0), seen.get(0), "the permit was handed over");
    assertEquals(true, seen.get(1), "the cancelled waiter gave its permit back");
    assertEquals(List.of("acquired"), events);
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void semaphore_onlyCancelledWaitersQueued_releaseLeavesThePermitFree_anyio1145(
      Backend backend) {
    Semaphore semaphore = Semaphore.bounded(1, 1);
    CancelScope scope = CancelScope.create();
    AtomicBoolean freshAcquired = new AtomicBoolean();
    AtomicReference<Thread> t1 = new AtomicReference<>();

    Semaphore.Statistics justAfterRelease = Runs.run(backend, () -> {
      AtomicReference<Semaphore.Statistics> seen = new AtomicReference<>();
      TaskGroup.run(group -> {
        semaphore.acquire();
        group.startSoon("t1", () -> {
          t1.set(Thread.currentThread());
          scope.run(semaphore::acquire);
        });
        parkedInWeft(t1::get);
        scope.cancel();
        semaphore.release(); // no "released too many times": the permit was never handed out
        seen.set(semaphore.statistics());
        group.startSoon("fresh", () -> semaphore.withPermit(() -> freshAcquired.set(true)));
      });
      return seen.get();
    });

    assertEquals(new Semaphore.Statistics(1, 0), justAfterRelease);
    assertTrue(freshAcquired.get());
    assertTrue(scope.cancelledCaught());
    assertEquals(1, semaphore.value());
  }

  @WeftTest
  void semaphore_cancelledWaiterAheadOfALiveOne_releaseHandsThePermitToTheLiveOne_anyio1145(
      Backend backend) {
    Semaphore semaphore = Semaphore.bounded(1, 1);
    CancelScope scope = CancelScope.create();
    Event proceed = new Event();
    AtomicReference<Thread> t1 = new AtomicReference<>();
    List<String> acquired = Collections.synchronizedList(new ArrayList<>());

    Semaphore.Statistics justAfterRelease = Runs.run(backend, () -> {
      AtomicReference<Semaphore.Statistics> seen = new AtomicReference<>();
      TaskGroup.run(group -> {
        semaphore.acquire();
        group.startSoon("t1", () -> {
          t1.set(Thread.currentThread());
          scope.run(() -> semaphore.withPermit(() -> acquired.add("t1")));
        });
        parkedInWeft(t1::get);
        group.startSoon("t2", () -> semaphore.withPermit(() -> {
          acquired.add("t2");
          proceed.await();
        }));
        until(() -> semaphore.statistics().tasksWaiting() == 2);
        scope.cancel();
        semaphore.release();
        seen.set(semaphore.statistics());
        proceed.set();
      });
      return seen.get();
    });

    assertEquals(new Semaphore.Statistics(0, 0), justAfterRelease, "handed to t2");
    assertEquals(List.of("t2"), acquired);
    assertEquals(1, semaphore.value());
  }

  @WeftTest
  void twoAcquirers_firstCancelledRightAfterItStarts_secondStillAcquires_anyio398(
      Backend backend) {
    Semaphore semaphore = Semaphore.create(1);
    AtomicBoolean secondAcquired = new AtomicBoolean();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      CancelScope first = CancelScope.create();
      group.startSoon(() -> first.run(() -> semaphore.withPermit(Weft::checkpoint)));
      group.startSoon(() -> semaphore.withPermit(() -> secondAcquired.set(true)));
      first.cancel();
    }));

    assertTrue(secondAcquired.get());
    assertEquals(1, semaphore.value());
  }

  // ---- outside Weft -----------------------------------------------------------------------------

  @WeftTest
  void threadOutsideWeft_interruptedWhileWaiting_isCancelled_andTakesNoPermit(Backend backend)
      throws InterruptedException {
    Semaphore semaphore = Semaphore.create(0);
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread plain = Thread.ofPlatform().start(() -> {
      try {
        semaphore.acquire();
        outcome.set(new AssertionError("acquired"));
      } catch (Throwable t) {
        outcome.set(t);
      }
    });
    until(() -> semaphore.statistics().tasksWaiting() == 1);

    plain.interrupt();
    plain.join();
    Runs.exec(backend, semaphore::release);

    assertInstanceOf(CancelledException.class, outcome.get());
    assertEquals(new Semaphore.Statistics(1, 0), semaphore.statistics());
  }

  @WeftTest
  void threadOutsideWeft_getsThePermitATaskReleases(Backend backend) throws InterruptedException {
    Semaphore semaphore = Semaphore.create(0);
    AtomicBoolean acquired = new AtomicBoolean();
    Thread plain = Thread.ofPlatform().start(() -> {
      semaphore.acquire();
      acquired.set(true);
    });
    until(() -> semaphore.statistics().tasksWaiting() == 1);

    Runs.exec(backend, semaphore::release);
    plain.join();

    assertTrue(acquired.get());
    assertEquals(0, semaphore.value());
  }

  @WeftTest
  void releaseHandedToAWaiter_neverCountsAgainstTheMax(Backend backend) {
    Semaphore semaphore = Semaphore.bounded(0, 0);
    AtomicBoolean acquired = new AtomicBoolean();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon(() -> {
        semaphore.acquire();
        acquired.set(true);
      });
      until(() -> semaphore.statistics().tasksWaiting() == 1);
      semaphore.release(); // the value stays 0: the permit goes straight to the waiter
    }));

    assertTrue(acquired.get());
    assertEquals(0, semaphore.value());
  }
}
