package dev.weft.sync;

import static dev.weft.testing.Until.parkedInWeft;
import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.spi.Backend;
import dev.weft.task.TaskGroup;
import dev.weft.task.TaskInfo;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A lock is owned by one task at a time, is handed to the longest-waiting task at release, is not
 * reentrant, and obeys the exactly-once grant rule under cancellation (AnyIO's and Trio's lock
 * tests, including AnyIO #398 and #1145).
 */
class LockTest {

  private static final Lock.Statistics FREE = new Lock.Statistics(false, null, 0);

  // ---- exclusion and non-blocking acquire -----------------------------------------------------

  @WeftTest
  void withLock_secondTaskWaitsUntilTheFirstReleases(Backend backend) {
    Lock lock = new Lock();
    List<String> order = Collections.synchronizedList(new ArrayList<>());

    Runs.exec(backend, () -> TaskGroup.run(group -> lock.withLock(() -> {
      group.startSoon("second", () -> lock.withLock(() -> order.add("2")));
      until(() -> lock.statistics().tasksWaiting() == 1);
      order.add("1");
    })));

    assertEquals(List.of("1", "2"), order);
    assertEquals(FREE, lock.statistics());
  }

  @WeftTest
  void tryAcquire_onFreeLock_locksIt_andOnHeldLock_returnsFalse(Backend backend) {
    Lock lock = new Lock();

    List<Object> seen = Runs.run(backend, () -> {
      List<Object> got = new ArrayList<>();
      got.add(lock.tryAcquire());
      got.add(lock.statistics());
      TaskGroup.run(group -> group.startSoon(() -> got.add(lock.tryAcquire())));
      lock.release();
      return got;
    });

    assertEquals(true, seen.get(0));
    assertTrue(((Lock.Statistics) seen.get(1)).locked());
    assertEquals(false, seen.get(2));
    assertEquals(FREE, lock.statistics());
  }

  @WeftTest
  void heldThroughTryAcquire_acquireByAnotherTaskWaits(Backend backend) {
    Lock lock = new Lock();
    AtomicBoolean acquired = new AtomicBoolean();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      assertTrue(lock.tryAcquire());
      group.startSoon(() -> lock.withLock(() -> acquired.set(true)));
      until(() -> lock.statistics().tasksWaiting() == 1);
      assertFalse(acquired.get());
      lock.release();
    }));

    assertTrue(acquired.get());
  }

  // ---- misuse -----------------------------------------------------------------------------------

  @WeftTest
  void acquire_byTheOwner_throwsIllegalStateSayingItIsNotReentrant_andKeepsTheLock(
      Backend backend) {
    Lock lock = new Lock();

    List<Object> seen = Runs.run(backend, () -> lock.withLock(() -> {
      IllegalStateException blocking = assertThrows(IllegalStateException.class, lock::acquire);
      IllegalStateException nonBlocking =
          assertThrows(IllegalStateException.class, lock::tryAcquire);
      return List.of(blocking.getMessage(), nonBlocking.getMessage(), lock.statistics());
    }));

    assertTrue(seen.get(0).toString().contains("re-acquire"), seen.get(0).toString());
    assertTrue(seen.get(0).toString().contains("not reentrant"), seen.get(0).toString());
    assertTrue(seen.get(0).toString().contains("task 'main'"), seen.get(0).toString());
    assertEquals(seen.get(0), seen.get(1));
    assertTrue(((Lock.Statistics) seen.get(2)).locked(), "still held by its owner");
    assertEquals(FREE, lock.statistics());
  }

  @WeftTest
  void release_byAnotherTask_throwsNamingTheOwnerAndTheCaller_andTheLockStaysHeld(
      Backend backend) {
    Lock lock = new Lock();
    AtomicReference<Throwable> thrown = new AtomicReference<>();

    Runs.exec(backend, () -> lock.withLock(() -> TaskGroup.run(group ->
        group.startSoon("intruder", () -> thrown.set(assertThrows(
            IllegalStateException.class, lock::release))))));

    String message = thrown.get().getMessage();
    assertTrue(message.contains("is held by task 'main'"), message);
    assertTrue(message.contains("not by the caller task 'intruder'"), message);
    assertEquals(FREE, lock.statistics(), "the owner released it afterwards");
  }

  @WeftTest
  void release_ofUnlockedLock_throwsSayingItIsNotLocked(Backend backend) {
    Lock lock = new Lock();

    IllegalStateException thrown = Runs.run(backend, () ->
        assertThrows(IllegalStateException.class, lock::release));

    assertTrue(thrown.getMessage().contains("is not locked"), thrown.getMessage());
    assertEquals(FREE, lock.statistics());
  }

  // ---- statistics and handoff -------------------------------------------------------------------

  @WeftTest
  void statistics_showTheOwnerAndCountWaiters_andReturnToFree(Backend backend) {
    Lock lock = new Lock();
    List<Lock.Statistics> seen = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> lock.withLock(() -> {
      TaskInfo main = TaskInfo.current();
      seen.add(lock.statistics());
      group.startSoon(() -> lock.withLock(() -> { }));
      until(() -> lock.statistics().tasksWaiting() == 1);
      group.startSoon(() -> lock.withLock(() -> { }));
      until(() -> lock.statistics().tasksWaiting() == 2);
      seen.add(lock.statistics());
      assertEquals(main, lock.statistics().owner());
    })));

    assertEquals(new Lock.Statistics(true, seen.get(0).owner(), 0), seen.get(0));
    assertEquals(2, seen.get(1).tasksWaiting());
    assertEquals(FREE, lock.statistics());
  }

  @WeftTest
  void release_makesTheFirstWaiterTheOwnerBeforeItRuns_soTryAcquireFails(Backend backend) {
    Lock lock = new Lock();
    Event proceed = new Event();
    AtomicReference<TaskInfo> waiter = new AtomicReference<>();

    List<Object> afterRelease = Runs.run(backend, () -> {
      List<Object> got = new ArrayList<>();
      TaskGroup.run(group -> {
        lock.acquire();
        group.startSoon("waiter", () -> {
          waiter.set(TaskInfo.current());
          lock.withLock(proceed::await);
        });
        until(() -> lock.statistics().tasksWaiting() == 1);
        lock.release();
        got.add(lock.statistics());
        got.add(lock.tryAcquire());
        proceed.set();
      });
      return got;
    });

    assertEquals(new Lock.Statistics(true, waiter.get(), 0), afterRelease.get(0));
    assertEquals(false, afterRelease.get(1), "no barging past the handoff");
  }

  @WeftTest
  void waiters_getTheLockInTheOrderTheyStartedWaiting(Backend backend) {
    Lock lock = new Lock();
    List<String> order = Collections.synchronizedList(new ArrayList<>());

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      lock.acquire();
      for (int i = 0; i < 4; i++) {
        String name = "waiter-" + i;
        group.startSoon(name, () -> lock.withLock(() -> order.add(name)));
        int queued = i + 1;
        until(() -> lock.statistics().tasksWaiting() == queued);
      }
      lock.release();
    }));

    assertEquals(List.of("waiter-0", "waiter-1", "waiter-2", "waiter-3"), order);
  }

  // ---- cancellation -----------------------------------------------------------------------------

  @WeftTest
  void acquire_isACheckpoint_inCancelledScopeItThrowsEvenWhenTheLockIsFree(Backend backend) {
    Lock lock = new Lock();
    CancelScope scope = CancelScope.create();
    AtomicBoolean acquired = new AtomicBoolean();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel();
      lock.acquire();
      acquired.set(true);
    }));

    assertFalse(acquired.get());
    assertTrue(scope.cancelledCaught());
    assertEquals(FREE, lock.statistics());
  }

  @WeftTest
  void waiterCancelled_thenReleasedAtOnce_waiterNeverAcquires_andTheLockEndsFree(
      Backend backend) {
    assertCancelledWaiterNeverAcquires(backend, false);
  }

  @WeftTest
  void waiterCancelled_andGone_thenReleased_waiterNeverAcquires_andTheLockEndsFree(
      Backend backend) {
    assertCancelledWaiterNeverAcquires(backend, true);
  }

  /** AnyIO test_cancel_during_acquire, release first and release last. */
  private static void assertCancelledWaiterNeverAcquires(Backend backend, boolean letItLeave) {
    Lock lock = new Lock();
    CancelScope scope = CancelScope.create();
    AtomicBoolean acquired = new AtomicBoolean();
    AtomicReference<Thread> waiter = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      lock.acquire();
      group.startSoon(() -> {
        waiter.set(Thread.currentThread());
        scope.run(() -> lock.withLock(() -> acquired.set(true)));
      });
      parkedInWeft(waiter::get);
      scope.cancel();
      if (letItLeave) {
        until(() -> lock.statistics().tasksWaiting() == 0);
      }
      lock.release();
      assertEquals(FREE, lock.statistics());
    }));

    assertFalse(acquired.get());
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void releaseThenCancel_waiterOwnsTheLock_andGivesItBackAtItsNextCheckpoint(Backend backend) {
    Lock lock = new Lock();
    CancelScope scope = CancelScope.create();
    Event cancelled = new Event();
    List<String> events = Collections.synchronizedList(new ArrayList<>());

    boolean freeAfterwards = Runs.run(backend, () -> {
      TaskGroup.run(group -> {
        lock.acquire();
        group.startSoon(() -> scope.run(() -> lock.withLock(() -> {
          events.add("acquired");
          CancelScope.shielded().run(cancelled::await);
          try {
            Weft.checkpoint();
          } catch (CancelledException e) {
            events.add("cancelled at the next checkpoint");
            throw e;
          }
        })));
        until(() -> lock.statistics().tasksWaiting() == 1);
        lock.release(); // the grant: the waiter owns the lock from here
        scope.cancel();
        cancelled.set();
      });
      boolean free = lock.tryAcquire();
      lock.release();
      return free;
    });

    assertEquals(List.of("acquired", "cancelled at the next checkpoint"), events);
    assertTrue(freeAfterwards, "withLock gave the lock back on the way out");
    assertEquals(FREE, lock.statistics());
  }

  @WeftTest
  void lock_onlyCancelledWaitersQueued_releaseLeavesItFree_anyio1145(Backend backend) {
    Lock lock = new Lock();
    CancelScope scope = CancelScope.create();
    AtomicBoolean cancelledOneAcquired = new AtomicBoolean();
    AtomicBoolean freshAcquired = new AtomicBoolean();
    AtomicReference<Thread> t1 = new AtomicReference<>();

    Lock.Statistics justAfterRelease = Runs.run(backend, () -> {
      AtomicReference<Lock.Statistics> seen = new AtomicReference<>();
      TaskGroup.run(group -> {
        lock.acquire();
        group.startSoon("t1", () -> {
          t1.set(Thread.currentThread());
          scope.run(() -> lock.withLock(() -> cancelledOneAcquired.set(true)));
        });
        parkedInWeft(t1::get);
        scope.cancel();
        lock.release(); // t1 may not have run since its cancellation
        seen.set(lock.statistics());
        group.startSoon("fresh", () -> lock.withLock(() -> freshAcquired.set(true)));
      });
      return seen.get();
    });

    assertEquals(FREE, justAfterRelease);
    assertFalse(cancelledOneAcquired.get());
    assertTrue(freshAcquired.get());
  }

  @WeftTest
  void lock_cancelledWaiterAheadOfALiveOne_releaseHandsItToTheLiveOne_anyio1145(
      Backend backend) {
    Lock lock = new Lock();
    CancelScope scope = CancelScope.create();
    AtomicReference<TaskInfo> t2 = new AtomicReference<>();
    AtomicReference<Thread> t1 = new AtomicReference<>();
    Event proceed = new Event();
    List<String> acquired = Collections.synchronizedList(new ArrayList<>());

    Lock.Statistics justAfterRelease = Runs.run(backend, () -> {
      AtomicReference<Lock.Statistics> seen = new AtomicReference<>();
      TaskGroup.run(group -> {
        lock.acquire();
        group.startSoon("t1", () -> {
          t1.set(Thread.currentThread());
          scope.run(() -> lock.withLock(() -> acquired.add("t1")));
        });
        parkedInWeft(t1::get);
        group.startSoon("t2", () -> {
          t2.set(TaskInfo.current());
          lock.withLock(() -> {
            acquired.add("t2");
            proceed.await();
          });
        });
        until(() -> lock.statistics().tasksWaiting() == 2);
        scope.cancel();
        lock.release();
        seen.set(lock.statistics());
        proceed.set();
      });
      return seen.get();
    });

    assertEquals(new Lock.Statistics(true, t2.get(), 0), justAfterRelease);
    assertEquals(List.of("t2"), acquired);
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void twoAcquirers_firstCancelledRightAfterItStarts_secondStillAcquires_anyio398(
      Backend backend) {
    Lock lock = new Lock();
    AtomicBoolean secondAcquired = new AtomicBoolean();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      CancelScope first = CancelScope.create();
      group.startSoon(() -> first.run(() -> lock.withLock(Weft::checkpoint)));
      group.startSoon(() -> lock.withLock(() -> secondAcquired.set(true)));
      first.cancel();
    }));

    assertTrue(secondAcquired.get());
    assertEquals(FREE, lock.statistics());
  }

  @WeftTest
  void shieldedWaiterInsideCancelledScope_getsTheLock(Backend backend) {
    Lock lock = new Lock();
    CancelScope outer = CancelScope.create();
    AtomicBoolean acquired = new AtomicBoolean();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      lock.acquire();
      group.startSoon(() -> outer.run(() -> {
        outer.cancel();
        CancelScope.shielded().run(() -> lock.withLock(() -> acquired.set(true)));
      }));
      until(() -> lock.statistics().tasksWaiting() == 1);
      lock.release();
    }));

    assertTrue(acquired.get());
    assertTrue(outer.cancelCalled());
  }

  @WeftTest
  void cancellingGroupWithAHolderAndAWaiter_leavesTheLockFree(Backend backend) {
    Lock lock = new Lock();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("holder", () -> lock.withLock(Weft::sleepForever));
      until(lock::isLocked);
      group.startSoon("waiter", () -> lock.withLock(() -> { }));
      until(() -> lock.statistics().tasksWaiting() == 1);
      group.cancelScope().cancel();
    }));

    assertEquals(FREE, lock.statistics());
  }

  // ---- withLock ---------------------------------------------------------------------------------

  @WeftTest
  void withLock_returnsTheBodysValue_andRethrowsItsCheckedExceptionAfterReleasing(
      Backend backend) {
    Lock lock = new Lock();
    IOException failure = new IOException("disk full");

    List<Object> seen = Runs.run(backend, () -> {
      List<Object> got = new ArrayList<>();
      got.add(lock.withLock(() -> "value"));
      try {
        lock.withLock(() -> {
          throw failure;
        });
      } catch (IOException e) {
        got.add(e);
        got.add(lock.statistics());
      }
      return got;
    });

    assertEquals("value", seen.get(0));
    assertSame(failure, seen.get(1));
    assertEquals(FREE, seen.get(2));
  }

  // ---- outside Weft -----------------------------------------------------------------------------

  @WeftTest
  void lockCreatedOutsideARun_isFree_andUsableInsideOne(Backend backend) {
    Lock lock = new Lock();
    assertEquals(FREE, lock.statistics());

    String result = Runs.run(backend, () -> lock.withLock(() -> "inside"));

    assertEquals("inside", result);
    assertFalse(lock.isLocked());
  }

  @WeftTest
  void threadOutsideWeft_waitsForATaskToReleaseTheLock_andOwnsItThen(Backend backend)
      throws InterruptedException {
    Lock lock = new Lock();
    AtomicReference<Object> seen = new AtomicReference<>();
    Thread[] plain = new Thread[1];

    Runs.exec(backend, () -> {
      lock.acquire();
      plain[0] = Thread.ofPlatform().start(() -> {
        lock.acquire();
        seen.set(lock.statistics());
        lock.release();
      });
      until(() -> lock.statistics().tasksWaiting() == 1);
      lock.release();
    });
    plain[0].join();

    assertEquals(new Lock.Statistics(true, null, 0), seen.get(),
        "held by a thread outside Weft: locked, with no task as owner");
    assertEquals(FREE, lock.statistics());
  }

  @WeftTest
  void threadOutsideWeft_interruptedWhileWaiting_isCancelled_andNeverAcquires(Backend backend)
      throws InterruptedException {
    Lock lock = new Lock();
    AtomicReference<Throwable> outcome = new AtomicReference<>();

    Runs.exec(backend, () -> lock.withLock(() -> {
      Thread plain = Thread.ofPlatform().start(() -> {
        try {
          lock.acquire();
          outcome.set(new AssertionError("acquired"));
        } catch (Throwable t) {
          outcome.set(t);
        }
      });
      until(() -> lock.statistics().tasksWaiting() == 1);
      plain.interrupt();
      plain.join();
    }));

    CancelledException cancelled = assertInstanceOf(CancelledException.class, outcome.get());
    assertNull(cancelled.scope());
    assertEquals(FREE, lock.statistics());
  }
}
