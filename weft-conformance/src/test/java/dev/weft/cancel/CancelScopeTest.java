package dev.weft.cancel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.spi.Backend;
import dev.weft.sync.Event;
import dev.weft.task.TaskGroup;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A cancel scope cancels the code inside it at checkpoints and catches only its own cancellation. */
class CancelScopeTest {

  @WeftTest
  void cancel_thenCheckpoint_throwsAndScopeCatchesIt(Backend backend) {
    CancelScope scope = CancelScope.create();
    AtomicInteger reachedAfterCheckpoint = new AtomicInteger();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel();
      Weft.checkpoint();
      reachedAfterCheckpoint.incrementAndGet();
    }));

    assertTrue(scope.cancelCalled());
    assertTrue(scope.cancelledCaught());
    assertEquals(0, reachedAfterCheckpoint.get());
  }

  @WeftTest
  void cancel_withoutCheckpoint_scopeExitsNormallyAndCatchesNothing(Backend backend) {
    CancelScope scope = CancelScope.create();
    AtomicInteger reachedEnd = new AtomicInteger();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel();
      reachedEnd.incrementAndGet();
    }));

    assertEquals(1, reachedEnd.get());
    assertTrue(scope.cancelCalled());
    assertFalse(scope.cancelledCaught());
  }

  @WeftTest
  void cancel_beforeEntry_takesEffectAtFirstCheckpoint(Backend backend) {
    CancelScope scope = CancelScope.create();
    scope.cancel("early");
    AtomicReference<String> reason = new AtomicReference<>();

    Runs.exec(backend, () -> scope.run(() -> {
      try {
        Weft.checkpoint();
      } catch (CancelledException e) {
        reason.set(e.reason());
        throw e;
      }
    }));

    assertEquals("early", reason.get());
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void cancel_twice_keepsTheFirstReason(Backend backend) {
    CancelScope scope = CancelScope.create();
    AtomicReference<CancelledException> seen = new AtomicReference<>();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel("first");
      scope.cancel("second");
      try {
        Weft.checkpoint();
      } catch (CancelledException e) {
        seen.set(e);
        throw e;
      }
    }));

    assertEquals("first", seen.get().reason());
    assertSame(scope, seen.get().scope());
    assertFalse(seen.get().deadlineExpired());
  }

  @WeftTest
  void cancel_afterExit_onlySetsCancelCalled(Backend backend) {
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> {
      scope.run(Weft::checkpoint);
      scope.cancel();
      Weft.checkpoint(); // nothing pending: the scope is gone
    });

    assertTrue(scope.cancelCalled());
    assertFalse(scope.cancelledCaught());
  }

  @WeftTest
  void enter_twice_throwsNamingTheScope(Backend backend) {
    CancelScope scope = CancelScope.create();

    IllegalStateException e = assertThrows(IllegalStateException.class, () ->
        Runs.exec(backend, () -> {
          scope.run(() -> {});
          scope.run(() -> {});
        }));

    assertTrue(e.getMessage().contains("already entered"), e.getMessage());
    assertTrue(e.getMessage().contains("CancelScope@"), e.getMessage());
  }

  @WeftTest
  void enter_whileActive_throws(Backend backend) {
    CancelScope scope = CancelScope.create();

    assertThrows(IllegalStateException.class, () ->
        Runs.exec(backend, () -> scope.run(() -> scope.run(() -> {}))));
  }

  @WeftTest
  void caughtCancellation_nextCheckpointThrowsAgain_levelTriggered(Backend backend) {
    CancelScope scope = CancelScope.create();
    AtomicInteger thrown = new AtomicInteger();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel();
      for (int i = 0; i < 3; i++) {
        try {
          Weft.checkpoint();
        } catch (CancelledException e) {
          thrown.incrementAndGet();
        }
      }
      Weft.checkpoint();
    }));

    assertEquals(3, thrown.get());
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void nestedCancelledScopes_outermostCancelledOneCatches(Backend backend) {
    CancelScope outer = CancelScope.create();
    CancelScope middle = CancelScope.create();
    CancelScope inner = CancelScope.create();
    AtomicReference<CancelScope> named = new AtomicReference<>();

    Runs.exec(backend, () -> outer.run(() -> middle.run(() -> inner.run(() -> {
      inner.cancel();
      middle.cancel();
      try {
        Weft.checkpoint();
      } catch (CancelledException e) {
        named.set(e.scope());
        throw e;
      }
    }))));

    assertSame(middle, named.get());
    assertFalse(inner.cancelledCaught());
    assertTrue(middle.cancelledCaught());
    assertFalse(outer.cancelCalled());
    assertFalse(outer.cancelledCaught());
  }

  @WeftTest
  void outerCancelledWhileInnerCancellationInFlight_outerCatches(Backend backend) {
    CancelScope outer = CancelScope.create();
    CancelScope inner = CancelScope.create();
    AtomicInteger betweenScopes = new AtomicInteger();

    Runs.exec(backend, () -> outer.run(() -> {
      inner.run(() -> {
        try {
          inner.cancel();
          Weft.checkpoint();
        } finally {
          outer.cancel();
        }
      });
      betweenScopes.incrementAndGet();
    }));

    assertEquals(0, betweenScopes.get());
    assertFalse(inner.cancelledCaught());
    assertTrue(outer.cancelledCaught());
  }

  @WeftTest
  void outerCancelledWhileShieldedInnerCancellationInFlight_innerCatches(Backend backend) {
    CancelScope outer = CancelScope.create();
    CancelScope inner = CancelScope.shielded();
    AtomicInteger betweenScopes = new AtomicInteger();

    Runs.exec(backend, () -> outer.run(() -> {
      inner.run(() -> {
        try {
          inner.cancel();
          Weft.checkpoint();
        } finally {
          outer.cancel();
        }
      });
      betweenScopes.incrementAndGet();
    }));

    assertEquals(1, betweenScopes.get());
    assertTrue(inner.cancelledCaught());
    assertFalse(outer.cancelledCaught());
  }

  @WeftTest
  void shield_hidesOuterCancellation_untilItIsLeft(Backend backend) {
    CancelScope outer = CancelScope.create();
    List<String> events = new ArrayList<>();

    Runs.exec(backend, () -> outer.run(() -> {
      outer.cancel();
      CancelScope.shielded().run(() -> {
        Weft.checkpoint();
        events.add("checkpoint in shield passed");
      });
      try {
        Weft.checkpoint();
      } catch (CancelledException e) {
        events.add("checkpoint after shield threw");
        throw e;
      }
    }));

    assertEquals(List.of("checkpoint in shield passed", "checkpoint after shield threw"), events);
    assertTrue(outer.cancelledCaught());
  }

  @WeftTest
  void shield_doesNotHideItsOwnCancellation(Backend backend) {
    CancelScope shield = CancelScope.shielded();

    Runs.exec(backend, () -> shield.run(() -> {
      shield.cancel();
      Weft.checkpoint();
    }));

    assertTrue(shield.cancelledCaught());
  }

  @WeftTest
  void shield_doesNotHideCancellationOfScopeNestedInIt(Backend backend) {
    CancelScope nested = CancelScope.create();

    Runs.exec(backend, () -> CancelScope.shielded().run(() -> nested.run(() -> {
      nested.cancel();
      Weft.checkpoint();
    })));

    assertTrue(nested.cancelledCaught());
  }

  @WeftTest
  void shieldRaisedWhileActive_hidesOuterCancellationFromThenOn(Backend backend) {
    CancelScope outer = CancelScope.create();
    CancelScope inner = CancelScope.create();
    AtomicInteger passed = new AtomicInteger();

    Runs.exec(backend, () -> outer.run(() -> inner.run(() -> {
      inner.setShielded(true);
      outer.cancel();
      Weft.checkpoint();
      passed.incrementAndGet();
      inner.setShielded(false);
      Weft.checkpoint();
      passed.incrementAndGet();
    })));

    assertEquals(1, passed.get());
    assertFalse(inner.cancelledCaught());
    assertTrue(outer.cancelledCaught());
    assertFalse(inner.isShielded());
  }

  @WeftTest
  void shieldLoweredByAnotherTask_abortsAWaitInProgress(Backend backend) {
    CancelScope outer = CancelScope.create();
    CancelScope shield = CancelScope.shielded();
    Event shielded = new Event();
    AtomicReference<CancelScope> caughtBy = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("sleeper", () -> outer.run(() -> shield.run(() -> {
        shielded.set();
        try {
          Weft.sleepForever();
        } catch (CancelledException e) {
          caughtBy.set(e.scope());
          throw e;
        }
      })));
      shielded.await();
      outer.cancel();
      shield.setShielded(false);
    }));

    assertSame(outer, caughtBy.get());
    assertTrue(outer.cancelledCaught());
  }

  @WeftTest
  void cancelFromAnotherTask_wakesBlockedTask(Backend backend) {
    CancelScope scope = CancelScope.create();
    Event entered = new Event();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("sleeper", () -> scope.run(() -> {
        entered.set();
        Weft.sleepForever();
      }));
      entered.await();
      scope.cancel();
    }));

    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void cancellationOfAnotherRun_isNotCaught(Backend backend) {
    CancelledException fromOtherRun = Runs.run(backend, () -> {
      CancelScope other = CancelScope.create();
      AtomicReference<CancelledException> seen = new AtomicReference<>();
      other.run(() -> {
        other.cancel();
        try {
          Weft.checkpoint();
        } catch (CancelledException e) {
          seen.set(e);
        }
      });
      return seen.get();
    });
    CancelScope scope = CancelScope.create();

    CancelledException thrown = assertThrows(CancelledException.class, () ->
        Runs.exec(backend, () -> scope.run(() -> {
          scope.cancel();
          throw fromOtherRun;
        })));

    assertSame(fromOtherRun, thrown);
    assertFalse(scope.cancelledCaught());
  }

  @WeftTest
  void cancellationRethrownOutsideItsScope_isNotCaughtByAnUnrelatedScope(Backend backend) {
    CancelScope first = CancelScope.create();
    CancelScope second = CancelScope.create();

    CancelledException thrown = assertThrows(CancelledException.class, () ->
        Runs.exec(backend, () -> {
          AtomicReference<CancelledException> stored = new AtomicReference<>();
          first.run(() -> {
            first.cancel();
            try {
              Weft.checkpoint();
            } catch (CancelledException e) {
              stored.set(e);
            }
          });
          second.run(() -> {
            second.cancel();
            throw stored.get();
          });
        }));

    assertSame(first, thrown.scope());
    assertFalse(second.cancelledCaught());
  }

  @WeftTest
  void interruptedExceptionWhileCancelled_becomesTheCancellation(Backend backend)
      throws InterruptedException {
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel();
      throw new InterruptedException("from a JDK call");
    }));

    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void interruptedExceptionWithoutCancellation_propagatesUnchanged(Backend backend) {
    InterruptedException original = new InterruptedException("foreign");

    InterruptedException thrown = assertThrows(InterruptedException.class, () ->
        Runs.exec(backend, () -> CancelScope.create().run(() -> {
          throw original;
        })));

    assertSame(original, thrown);
  }

  @WeftTest
  void checkedExceptionOfBody_propagatesUnchanged(Backend backend) {
    IOException original = new IOException("disk");
    CancelScope scope = CancelScope.create();

    IOException thrown = assertThrows(IOException.class, () ->
        Runs.exec(backend, () -> scope.run(() -> {
          scope.cancel();
          throw original;
        })));

    assertSame(original, thrown);
    assertFalse(scope.cancelledCaught());
  }

  @WeftTest
  void call_returnsTheBodysValue_orEmptyWhenCaught(Backend backend) {
    List<Optional<String>> results = Runs.run(backend, () -> {
      Optional<String> plain = CancelScope.create().call(() -> "value");
      CancelScope cancelled = CancelScope.create();
      Optional<String> caught = cancelled.call(() -> {
        cancelled.cancel();
        Weft.checkpoint();
        return "unreachable";
      });
      return List.of(plain, caught);
    });

    assertEquals(List.of(Optional.of("value"), Optional.empty()), results);
  }

  @WeftTest
  void cancellingOutermostOfManyNestedScopes_reachesTheInnermost(Backend backend) {
    CancelScope outermost = CancelScope.create();
    int depth = 500;

    Runs.exec(backend, () -> outermost.run(() -> nest(depth, outermost)));

    assertTrue(outermost.cancelledCaught());
  }

  private static void nest(int depth, CancelScope outermost) {
    if (depth == 0) {
      outermost.cancel();
      Weft.checkpoint();
      return;
    }
    CancelScope.create().run(() -> nest(depth - 1, outermost));
  }

  @WeftTest
  void run_outsideATask_throwsNamingTheOperation(Backend backend) {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> CancelScope.create().run(() -> {}));

    assertTrue(e.getMessage().contains("CancelScope.run"), e.getMessage());
  }

  @WeftTest
  void nullArguments_throwNamingTheArgument(Backend backend) {
    NullPointerException body =
        assertThrows(NullPointerException.class, () -> CancelScope.create().run(null));
    NullPointerException reason =
        assertThrows(NullPointerException.class, () -> CancelScope.create().cancel(null));

    assertEquals("body", body.getMessage());
    assertEquals("reason", reason.getMessage());
  }
}
