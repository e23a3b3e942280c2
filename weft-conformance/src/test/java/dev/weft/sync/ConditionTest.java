package dev.weft.sync;

import static dev.weft.testing.Until.parkedInWeft;
import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.task.TaskGroup;
import dev.weft.task.TaskInfo;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A condition releases its lock while a task waits, always holds it again when {@code await}
 * returns or throws, wakes waiters in order, and never loses a signal to a cancelled waiter
 * (AnyIO's and Trio's condition tests, including AnyIO #1075 and #1319).
 */
class ConditionTest {

  // ---- misuse -----------------------------------------------------------------------------------

  @WeftTest
  void await_withoutHoldingTheLock_throwsIllegalStateSayingSo(Backend backend) {
    Condition condition = new Condition();

    List<String> messages = Runs.run(backend, () -> List.of(
        assertThrows(IllegalStateException.class, condition::await).getMessage(),
        assertThrows(IllegalStateException.class, () -> condition.waitFor(() -> true))
            .getMessage()));

    assertTrue(messages.get(0).startsWith("cannot await Condition@"), messages.get(0));
    assertTrue(messages.get(0).endsWith("without holding its lock: "
        + condition.lock() + " is not locked"), messages.get(0));
    assertTrue(messages.get(1).startsWith("cannot waitFor on Condition@"), messages.get(1));
  }

  @WeftTest
  void signal_withoutHoldingTheLock_throwsIllegalState_alsoJustAfterARelease(Backend backend) {
    Condition condition = new Condition();

    List<String> messages = Runs.run(backend, () -> {
      condition.lock().withLock(() -> condition.signal());
      return List.of(
          assertThrows(IllegalStateException.class, condition::signal).getMessage(),
          assertThrows(IllegalStateException.class, condition::signalAll).getMessage());
    });

    assertTrue(messages.get(0).contains("signal Condition@"), messages.get(0));
    assertTrue(messages.get(0).endsWith("is not locked"), messages.get(0));
    assertTrue(messages.get(1).contains("signalAll Condition@"), messages.get(1));
  }

  @WeftTest
  void signal_byATaskWhileAnotherHoldsTheLock_throwsNamingTheHolder(Backend backend) {
    Condition condition = new Condition();

    String message = Runs.run(backend, () -> condition.lock().withLock(() -> {
      AtomicReference<String> got = new AtomicReference<>();
      TaskGroup.run(group -> group.startSoon("other", () -> got.set(
          assertThrows(IllegalStateException.class, condition::signal).getMessage())));
      return got.get();
    }));

    assertTrue(message.contains("is held by task 'main'"), message);
    assertTrue(message.contains("not by the caller task 'other'"), message);
  }

  @WeftTest
  void signal_negativeCount_throwsNamingTheArgument(Backend backend) {
    Condition condition = new Condition();

    String message = Runs.run(backend, () -> condition.lock().withLock(() ->
        assertThrows(IllegalArgumentException.class, () -> condition.signal(-1)).getMessage()));

    assertEquals("n must be >= 0, but was -1", message);
  }

  // ---- waiting and signalling -------------------------------------------------------------------

  @WeftTest
  void await_releasesTheLockWhileWaiting_andHoldsItAgainWhenItReturns(Backend backend) {
    Condition condition = new Condition();
    List<Object> seen = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Thread> waiter = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("waiter", () -> {
        waiter.set(Thread.currentThread());
        condition.lock().withLock(() -> {
          condition.await();
          seen.add(condition.lock().statistics().owner().equals(TaskInfo.current()));
        });
      });
      parkedInWeft(waiter::get); // queued, lock released, parked
      seen.add(condition.lock().isLocked());
      condition.lock().withLock(() -> condition.signal());
    }));

    assertEquals(List.of(false, true), seen, "free while waiting; the waiter's own afterwards");
  }

  @WeftTest
  void signal_wakesOnlyTheLongestWaiting_thenSignalAllWakesTheRest(Backend backend) {
    Condition condition = new Condition();
    Set<Integer> finished = ConcurrentHashMap.newKeySet();
    List<Set<Integer>> seen = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      for (int i = 0; i < 3; i++) {
        int id = i;
        group.startSoon(() -> condition.lock().withLock(() -> {
          condition.await();
          finished.add(id);
        }));
        until(() -> condition.statistics().tasksWaiting() == id + 1);
      }
      condition.lock().withLock(() -> condition.signal());
      until(() -> finished.size() == 1);
      seen.add(Set.copyOf(finished));
      condition.lock().withLock(() -> condition.signalAll());
    }));

    assertEquals(List.of(Set.of(0)), seen);
    assertEquals(Set.of(0, 1, 2), finished);
  }

  @WeftTest
  void signalN_wakesNWaiters_whichThenQueueForTheLock(Backend backend) {
    Condition condition = new Condition();
    AtomicInteger finished = new AtomicInteger();

    Condition.Statistics whileHolding = Runs.run(backend, () -> {
      AtomicReference<Condition.Statistics> got = new AtomicReference<>();
      TaskGroup.run(group -> {
        for (int i = 0; i < 3; i++) {
          int queued = i + 1;
          group.startSoon(() -> condition.lock().withLock(() -> {
            condition.await();
            finished.incrementAndGet();
          }));
          until(() -> condition.statistics().tasksWaiting() == queued);
        }
        condition.lock().withLock(() -> {
          condition.signal(2);
          until(() -> condition.lock().statistics().tasksWaiting() == 2);
          got.set(condition.statistics());
        });
        until(() -> finished.get() == 2);
        condition.lock().withLock(() -> condition.signalAll());
      });
      return got.get();
    });

    assertEquals(1, whileHolding.tasksWaiting());
    assertEquals(2, whileHolding.lockStatistics().tasksWaiting());
    assertEquals(3, finished.get());
  }

  @WeftTest
  void lockSharedWithOtherCode_whoeverHoldsItMaySignal_anyio1319(Backend backend) {
    Lock lock = new Lock();
    Condition condition = new Condition(lock);
    AtomicBoolean woken = new AtomicBoolean();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon(() -> lock.withLock(() -> {
        condition.await();
        woken.set(true);
      }));
      until(() -> condition.statistics().tasksWaiting() == 1);
      lock.acquire(); // directly, not through the condition
      condition.signalAll();
      lock.release();
    }));

    assertTrue(woken.get());
  }

  @WeftTest
  void waitFor_returnsOnlyOnceThePredicateHolds_aSignalBeforeThatIsNotEnough(Backend backend) {
    Condition condition = new Condition();
    AtomicInteger value = new AtomicInteger();
    AtomicBoolean returned = new AtomicBoolean();
    List<Boolean> seen = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon(() -> condition.lock().withLock(() -> {
        condition.waitFor(() -> value.get() == 2);
        returned.set(true);
      }));
      until(() -> condition.statistics().tasksWaiting() == 1);
      condition.lock().withLock(() -> {
        value.set(1);
        condition.signalAll();
      });
      until(() -> condition.statistics().tasksWaiting() == 1
          && !condition.lock().isLocked()); // it woke, saw 1, and waits again
      seen.add(returned.get());
      condition.lock().withLock(() -> {
        value.set(2);
        condition.signalAll();
      });
    }));

    assertEquals(List.of(false), seen);
    assertTrue(returned.get());
  }

  // ---- cancellation -----------------------------------------------------------------------------

  @WeftTest
  void await_isACheckpoint_inCancelledScopeItThrowsStillHoldingTheLock(Backend backend) {
    Condition condition = new Condition();
    CancelScope scope = CancelScope.create();

    List<Object> seen = Runs.run(backend, () -> condition.lock().withLock(() -> {
      List<Object> got = new ArrayList<>();
      scope.run(() -> {
        scope.cancel();
        try {
          condition.waitFor(() -> true);
        } finally {
          got.add(condition.lock().statistics().owner().equals(TaskInfo.current()));
          got.add(condition.statistics().tasksWaiting());
        }
      });
      return got;
    }));

    assertEquals(List.of(true, 0), seen);
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void cancelledAwait_takesTheLockAgainBeforeItThrows_evenWhileAnotherTaskHoldsIt(
      Backend backend) {
    Condition condition = new Condition();
    CancelScope scope = CancelScope.create();
    AtomicReference<Thread> waiter = new AtomicReference<>();
    List<Object> seen = Collections.synchronizedList(new ArrayList<>());

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("waiter", () -> {
        waiter.set(Thread.currentThread());
        condition.lock().withLock(() -> scope.run(() -> {
          try {
            condition.await();
            seen.add("returned");
          } catch (CancelledException e) {
            seen.add(condition.lock().statistics().owner().equals(TaskInfo.current()));
            throw e;
          }
        }));
      });
      parkedInWeft(waiter::get);
      condition.lock().withLock(() -> {
        scope.cancel();
        // the cancelled waiter now waits for the lock, uncancellably
        until(() -> condition.lock().statistics().tasksWaiting() == 1);
        seen.add("holder releases");
      });
    }));

    assertEquals(List.of("holder releases", true), seen);
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void condition_notificationToCancelledWaiter_isNotLost_anyio1075(Backend backend) {
    // W1's scope is cancelled (W1 has not run since) and then the notifier signals once: the
    // signal skips W1, whose wait was aborted, and wakes W2.
    Condition condition = new Condition();
    CancelScope w1Scope = CancelScope.create();
    AtomicReference<Thread> w1 = new AtomicReference<>();
    List<String> outcomes = Collections.synchronizedList(new ArrayList<>());

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("w1", () -> {
        w1.set(Thread.currentThread());
        condition.lock().withLock(() -> {
          w1Scope.run(condition::await);
          outcomes.add(w1Scope.cancelledCaught() ? "w1 cancelled" : "w1 signalled");
        });
      });
      parkedInWeft(w1::get);
      group.startSoon("w2", () -> condition.lock().withLock(() -> {
        condition.await();
        outcomes.add("w2 signalled");
      }));
      until(() -> condition.statistics().tasksWaiting() == 2);
      condition.lock().withLock(() -> {
        w1Scope.cancel();
        condition.signal(1);
      });
    }));

    assertEquals(Set.of("w1 cancelled", "w2 signalled"), Set.copyOf(outcomes));
  }

  @WeftTest
  void signalledWaiter_cancelledRightAfter_returnsNormally_andIsCancelledAtItsNextCheckpoint(
      Backend backend) {
    Condition condition = new Condition();
    CancelScope scope = CancelScope.create();
    List<String> events = Collections.synchronizedList(new ArrayList<>());

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon(() -> condition.lock().withLock(() -> scope.run(() -> {
        condition.await();
        events.add("signalled");
        try {
          Weft.checkpoint();
        } catch (CancelledException e) {
          events.add("cancelled at the next checkpoint");
          throw e;
        }
      })));
      until(() -> condition.statistics().tasksWaiting() == 1);
      condition.lock().withLock(() -> {
        condition.signal();
        scope.cancel();
      });
    }));

    assertEquals(List.of("signalled", "cancelled at the next checkpoint"), events);
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void cancelledWaiter_isNeverCountedAsSignalled_signalAllWithNobodyLeftIsANoOp(
      Backend backend) {
    Condition condition = new Condition();
    CancelScope scope = CancelScope.create();
    AtomicBoolean signalled = new AtomicBoolean();

    Condition.Statistics after = Runs.run(backend, () -> {
      TaskGroup.run(group -> {
        group.startSoon(() -> condition.lock().withLock(() -> scope.run(() -> {
          condition.await();
          signalled.set(true);
        })));
        until(() -> condition.statistics().tasksWaiting() == 1);
        scope.cancel();
        until(() -> condition.statistics().tasksWaiting() == 0);
        condition.lock().withLock(() -> condition.signalAll());
      });
      return condition.statistics();
    });

    assertFalse(signalled.get());
    assertEquals(new Condition.Statistics(0, new Lock.Statistics(false, null, 0)), after);
  }

  @WeftTest
  void shieldedWaiterInsideCancelledScope_isSignalledNormally(Backend backend) {
    Condition condition = new Condition();
    CancelScope outer = CancelScope.create();
    AtomicBoolean signalled = new AtomicBoolean();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon(() -> outer.run(() -> {
        outer.cancel();
        CancelScope.shielded().run(() -> condition.lock().withLock(() -> {
          condition.await();
          signalled.set(true);
        }));
      }));
      until(() -> condition.statistics().tasksWaiting() == 1);
      condition.lock().withLock(() -> condition.signal());
    }));

    assertTrue(signalled.get());
  }

  // ---- outside Weft -----------------------------------------------------------------------------

  @WeftTest
  void threadOutsideWeft_interruptedWhileWaiting_isCancelled_andHoldsTheLockAgain(
      Backend backend) throws InterruptedException {
    Condition condition = new Condition();
    List<Object> seen = Collections.synchronizedList(new ArrayList<>());
    Thread plain = Thread.ofPlatform().start(() -> condition.lock().withLock(() -> {
      try {
        condition.await();
        seen.add("returned");
      } catch (CancelledException e) {
        seen.add(e);
        seen.add(condition.lock().isLocked());
        seen.add(Thread.currentThread().isInterrupted());
      }
    }));
    until(() -> condition.statistics().tasksWaiting() == 1);

    plain.interrupt();
    plain.join();

    assertInstanceOf(CancelledException.class, seen.get(0));
    assertEquals(List.of(true, true), seen.subList(1, 3));
    Runs.exec(backend, () -> assertFalse(condition.lock().isLocked()));
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM) // a task waits for a thread outside the run
  void threadOutsideWeft_isSignalledByATask(Backend backend) throws InterruptedException {
    Condition condition = new Condition();
    AtomicBoolean ready = new AtomicBoolean();
    AtomicBoolean woke = new AtomicBoolean();
    Thread plain = Thread.ofPlatform().start(() -> condition.lock().withLock(() -> {
      condition.waitFor(ready::get);
      woke.set(true);
    }));
    until(() -> condition.statistics().tasksWaiting() == 1);

    Runs.exec(backend, () -> condition.lock().withLock(() -> {
      ready.set(true);
      condition.signalAll();
    }));
    plain.join();

    assertTrue(woke.get());
  }
}
