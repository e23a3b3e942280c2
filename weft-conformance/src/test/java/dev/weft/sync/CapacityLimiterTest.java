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
import dev.weft.task.TaskInfo;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A capacity limiter lends at most its total of tokens, one per borrower, hands a freed token
 * straight to the longest-waiting task (reserving it before that task runs), admits waiters by
 * spare capacity when the total changes, and obeys the exactly-once grant rule under
 * cancellation (AnyIO's and Trio's limiter tests, including AnyIO #398, #947, #1170 and #1223,
 * and Trio #548).
 */
class CapacityLimiterTest {

  // ---- creation and the total -------------------------------------------------------------------

  @WeftTest
  void create_negativeTotal_throwsNamingTotalTokensAndTheRange(Backend backend) {
    IllegalArgumentException thrown = Runs.run(backend, () ->
        assertThrows(IllegalArgumentException.class, () -> CapacityLimiter.create(-1)));

    assertEquals("totalTokens must be >= 0, but was -1", thrown.getMessage());
  }

  @WeftTest
  void setTotalTokens_negative_throwsNamingTheArgument_andLeavesTheTotalUnchanged(
      Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(2);

    IllegalArgumentException thrown = Runs.run(backend, () ->
        assertThrows(IllegalArgumentException.class, () -> limiter.setTotalTokens(-3)));

    assertEquals("totalTokens must be >= 0, but was -3", thrown.getMessage());
    assertEquals(2, limiter.totalTokens());
  }

  @WeftTest
  void zeroTokens_isAllowed_andLendsNothingUntilRaised(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(0);
    AtomicBoolean acquired = new AtomicBoolean();

    boolean tried = Runs.run(backend, () -> {
      boolean got = limiter.tryAcquireOnBehalfOf("x");
      TaskGroup.run(group -> {
        group.startSoon(() -> limiter.withToken(() -> acquired.set(true)));
        until(() -> limiter.statistics().tasksWaiting() == 1);
        limiter.setTotalTokens(1);
      });
      return got;
    });

    assertFalse(tried);
    assertTrue(acquired.get());
  }

  // ---- borrowing --------------------------------------------------------------------------------

  @WeftTest
  void acquire_borrowsOneTokenForTheCurrentTask_shownInStatistics(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(2);

    List<Object> seen = Runs.run(backend, () -> limiter.withToken(() ->
        List.of(limiter.statistics(), TaskInfo.current())));

    CapacityLimiter.Statistics inside = (CapacityLimiter.Statistics) seen.get(0);
    assertEquals(new CapacityLimiter.Statistics(1, 2, List.of(seen.get(1)), 0), inside);
    assertEquals(1, inside.availableTokens());
    assertEquals(new CapacityLimiter.Statistics(0, 2, List.of(), 0), limiter.statistics());
  }

  @WeftTest
  void acquire_bySameBorrowerTwice_throwsBeforeWouldBlock_andBorrowedIsUnchanged(
      Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(1);

    List<Object> seen = Runs.run(backend, () -> limiter.withToken(() -> List.of(
        assertThrows(IllegalStateException.class, limiter::acquire).getMessage(),
        assertThrows(IllegalStateException.class, limiter::tryAcquire).getMessage(),
        limiter.statistics().borrowedTokens())));

    assertTrue(seen.get(0).toString().startsWith(
        "task 'main' (#1) is already holding one of the tokens of CapacityLimiter@"),
        seen.get(0).toString());
    assertEquals(seen.get(0), seen.get(1));
    assertEquals(1, seen.get(2));
  }

  @WeftTest
  void release_withoutHoldingAToken_throwsNamingTheBorrower(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(1);

    List<String> messages = Runs.run(backend, () -> List.of(
        assertThrows(IllegalStateException.class, limiter::release).getMessage(),
        assertThrows(IllegalStateException.class, () -> limiter.releaseOnBehalfOf("job-7"))
            .getMessage()));

    assertTrue(messages.get(0).startsWith(
        "task 'main' (#1) is not holding any of the tokens of CapacityLimiter@"), messages.get(0));
    assertTrue(messages.get(1).startsWith(
        "borrower job-7 is not holding any of the tokens of"), messages.get(1));
  }

  @WeftTest
  void onBehalfOf_explicitBorrowers_shareTheTokens_andAFullLimiterRefusesTryAcquire(
      Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(2);

    List<Object> seen = Runs.run(backend, () -> {
      List<Object> got = new ArrayList<>();
      got.add(limiter.tryAcquireOnBehalfOf("a"));
      limiter.acquireOnBehalfOf("b");
      got.add(limiter.tryAcquireOnBehalfOf("c"));
      got.add(limiter.statistics());
      limiter.releaseOnBehalfOf("a");
      limiter.releaseOnBehalfOf("b");
      return got;
    });

    assertEquals(true, seen.get(0));
    assertEquals(false, seen.get(1));
    assertEquals(new CapacityLimiter.Statistics(2, 2, List.of("a", "b"), 0), seen.get(2));
    assertEquals(0, limiter.statistics().borrowedTokens());
  }

  @WeftTest
  void borrowerAlreadyWaiting_secondAcquireOnItsBehalf_throwsNamingIt(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(1);

    String message = Runs.run(backend, () -> {
      AtomicReference<String> got = new AtomicReference<>();
      TaskGroup.run(group -> {
        limiter.acquire();
        group.startSoon(() -> {
          limiter.acquireOnBehalfOf("job");
          limiter.releaseOnBehalfOf("job");
        });
        until(() -> limiter.statistics().tasksWaiting() == 1);
        got.set(assertThrows(IllegalStateException.class,
            () -> limiter.acquireOnBehalfOf("job")).getMessage());
        limiter.release();
      });
      return got.get();
    });

    assertTrue(message.startsWith("borrower job is already waiting for a token of"), message);
  }

  @WeftTest
  void withToken_rethrowsTheBodysCheckedException_afterGivingTheTokenBack(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(1);
    IOException failure = new IOException("boom");

    Throwable thrown = Runs.run(backend, () -> {
      try {
        limiter.withToken(() -> {
          throw failure;
        });
        return null;
      } catch (IOException e) {
        return e;
      }
    });

    assertSame(failure, thrown);
    assertEquals(0, limiter.statistics().borrowedTokens());
  }

  // ---- waiting and handoff ----------------------------------------------------------------------

  @WeftTest
  void release_handsTheTokenToTheWaiter_borrowedStaysAtTheTotal_andTryAcquireFails(
      Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(2);
    Event proceed = new Event();

    List<Object> afterRelease = Runs.run(backend, () -> {
      List<Object> got = new ArrayList<>();
      TaskGroup.run(group -> {
        limiter.acquireOnBehalfOf("a");
        limiter.acquireOnBehalfOf("b");
        group.startSoon(() -> {
          limiter.acquireOnBehalfOf("w");
          proceed.await();
          limiter.releaseOnBehalfOf("w");
        });
        until(() -> limiter.statistics().tasksWaiting() == 1);
        limiter.releaseOnBehalfOf("a");
        got.add(limiter.statistics());
        got.add(limiter.tryAcquireOnBehalfOf("x"));
        proceed.set();
      });
      limiter.releaseOnBehalfOf("b");
      return got;
    });

    assertEquals(new CapacityLimiter.Statistics(2, 2, List.of("b", "w"), 0), afterRelease.get(0));
    assertEquals(false, afterRelease.get(1), "no barging past the handoff");
  }

  @WeftTest
  void waiters_getTokensInTheOrderTheyStartedWaiting(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(1);
    List<Integer> order = Collections.synchronizedList(new ArrayList<>());

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      limiter.acquire();
      for (int i = 0; i < 3; i++) {
        int id = i;
        group.startSoon(() -> limiter.withToken(() -> order.add(id)));
        until(() -> limiter.statistics().tasksWaiting() == id + 1);
      }
      limiter.release();
    }));

    assertEquals(List.of(0, 1, 2), order);
  }

  @WeftTest
  void oneToken_threeTasksLoopingFiveTimes_neverTwoInsideAtOnce(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(1);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      for (int t = 0; t < 3; t++) {
        group.startSoon(() -> {
          for (int i = 0; i < 5; i++) {
            limiter.withToken(() -> {
              most.accumulateAndGet(inside.incrementAndGet(), Math::max);
              Weft.checkpoint();
              inside.decrementAndGet();
            });
          }
        });
      }
    }));

    assertEquals(1, most.get());
  }

  // ---- changing the total -----------------------------------------------------------------------

  @WeftTest
  void raisingTheTotal_admitsWaitersInFifoOrder_asManyAsThereAreFreeTokens(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(2);
    Event finish = new Event();

    List<Object> seen = Runs.run(backend, () -> {
      List<Object> got = new ArrayList<>();
      TaskGroup.run(group -> {
        for (int i = 0; i < 5; i++) {
          int id = i;
          group.startSoon(() -> {
            limiter.acquireOnBehalfOf(id);
            finish.await();
            limiter.releaseOnBehalfOf(id);
          });
          until(() -> limiter.statistics().borrowedTokens()
              + limiter.statistics().tasksWaiting() == id + 1);
        }
        got.add(limiter.statistics().borrowers());
        limiter.setTotalTokens(limiter.totalTokens() + 2);
        got.add(limiter.statistics());
        finish.set();
      });
      return got;
    });

    assertEquals(List.of(0, 1), seen.get(0));
    assertEquals(new CapacityLimiter.Statistics(4, 4, List.of(0, 1, 2, 3), 1), seen.get(1));
  }

  @WeftTest
  void raisingTheTotal_letsANewcomerBorrowAfterTheQueueIsServed(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(1);

    boolean newcomer = Runs.run(backend, () -> {
      AtomicBoolean got = new AtomicBoolean();
      TaskGroup.run(group -> {
        limiter.acquire();
        group.startSoon(() -> limiter.withToken(Weft::checkpoint));
        until(() -> limiter.statistics().tasksWaiting() == 1);
        limiter.setTotalTokens(3);
        got.set(limiter.tryAcquireOnBehalfOf("newcomer"));
        limiter.releaseOnBehalfOf("newcomer");
        limiter.release();
      });
      return got.get();
    });

    assertTrue(newcomer);
  }

  @WeftTest
  void loweringTheTotal_keepsEveryHolder_andAdmitsOnlyOnceBorrowedFallsBelowIt(
      Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(4);
    Event proceed = new Event();

    List<CapacityLimiter.Statistics> seen = Runs.run(backend, () -> {
      List<CapacityLimiter.Statistics> got = new ArrayList<>();
      TaskGroup.run(group -> {
        for (int i = 0; i < 4; i++) {
          limiter.acquireOnBehalfOf(i);
        }
        group.startSoon(() -> {
          limiter.acquireOnBehalfOf(4);
          proceed.await(); // hold it until the statistics are taken
          limiter.releaseOnBehalfOf(4);
        });
        until(() -> limiter.statistics().tasksWaiting() == 1);
        limiter.setTotalTokens(1);
        got.add(limiter.statistics());
        for (int i = 0; i < 3; i++) {
          limiter.releaseOnBehalfOf(i);
        }
        got.add(limiter.statistics());
        limiter.releaseOnBehalfOf(3);
        got.add(limiter.statistics());
        proceed.set();
      });
      return got;
    });

    assertEquals(new CapacityLimiter.Statistics(4, 1, List.of(0, 1, 2, 3), 1), seen.get(0));
    assertEquals(new CapacityLimiter.Statistics(1, 1, List.of(3), 1), seen.get(1));
    assertEquals(new CapacityLimiter.Statistics(1, 1, List.of(4), 0), seen.get(2));
  }

  @WeftTest
  void loweringThenRaisingTheTotal_wakesNobody_anyio1223(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(2);

    CapacityLimiter.Statistics seen = Runs.run(backend, () -> {
      AtomicReference<CapacityLimiter.Statistics> got = new AtomicReference<>();
      TaskGroup.run(group -> {
        limiter.acquireOnBehalfOf("A");
        limiter.acquireOnBehalfOf("B");
        for (int i = 0; i < 2; i++) {
          int id = i;
          group.startSoon(() -> limiter.withToken(Weft::checkpoint));
          until(() -> limiter.statistics().tasksWaiting() == id + 1);
        }
        limiter.setTotalTokens(1);
        limiter.setTotalTokens(2);
        got.set(limiter.statistics());
        limiter.releaseOnBehalfOf("A");
        limiter.releaseOnBehalfOf("B");
      });
      return got.get();
    });

    assertEquals(new CapacityLimiter.Statistics(2, 2, List.of("A", "B"), 2), seen);
  }

  // ---- cancellation -----------------------------------------------------------------------------

  @WeftTest
  void acquire_isACheckpoint_inCancelledScopeItThrowsEvenWithTokensFree(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(1);
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel();
      limiter.acquireOnBehalfOf("x");
    }));

    assertTrue(scope.cancelledCaught());
    assertEquals(new CapacityLimiter.Statistics(0, 1, List.of(), 0), limiter.statistics());
  }

  @WeftTest
  void cancelledWaiter_leavesNothingBehind(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(1);
    CancelScope scope = CancelScope.create();

    boolean sameBorrowerCanWaitAgain = Runs.run(backend, () -> {
      TaskGroup.run(group -> {
        limiter.acquire();
        group.startSoon(() -> scope.run(() -> limiter.acquireOnBehalfOf("job")));
        until(() -> limiter.statistics().tasksWaiting() == 1);
        scope.cancel();
        until(() -> limiter.statistics().tasksWaiting() == 0);
        limiter.release();
      });
      return limiter.tryAcquireOnBehalfOf("job");
    });

    assertTrue(sameBorrowerCanWaitAgain, "no pending-borrower record remains");
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void limiter_tokenGrantedToCancelledWaiter_isPassedOn_anyio947(Backend backend) {
    // The grant wins: B1 is handed the token, then cancelled. It returns from acquire holding the
    // token, meets the cancellation at its next checkpoint, and withToken passes the token on to
    // B2.
    CapacityLimiter limiter = CapacityLimiter.create(1);
    CancelScope b1Scope = CancelScope.create();
    AtomicBoolean b1Acquired = new AtomicBoolean();
    AtomicBoolean b2Acquired = new AtomicBoolean();
    Event cancelled = new Event();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      limiter.acquire();
      group.startSoon("b1", () -> b1Scope.run(() -> limiter.withToken(() -> {
        b1Acquired.set(true);
        CancelScope.shielded().run(cancelled::await); // until the cancellation has come
        Weft.checkpoint();
      })));
      until(() -> limiter.statistics().tasksWaiting() == 1);
      group.startSoon("b2", () -> limiter.withToken(() -> b2Acquired.set(true)));
      until(() -> limiter.statistics().tasksWaiting() == 2);
      limiter.release(); // granted to b1
      b1Scope.cancel();
      cancelled.set();
    }));

    assertTrue(b1Acquired.get());
    assertTrue(b2Acquired.get(), "the token reached b2");
    assertTrue(b1Scope.cancelledCaught());
    assertEquals(new CapacityLimiter.Statistics(0, 1, List.of(), 0), limiter.statistics());
  }

  @WeftTest
  void limiter_waiterCancelledBeforeTheRelease_tokenGoesToTheNextWaiter_anyio947(
      Backend backend) {
    // The cancellation wins: B1's wait is aborted before the release, which grants B2 directly.
    CapacityLimiter limiter = CapacityLimiter.create(1);
    CancelScope b1Scope = CancelScope.create();
    AtomicBoolean b1Acquired = new AtomicBoolean();
    AtomicReference<TaskInfo> b2 = new AtomicReference<>();
    AtomicReference<Thread> b1 = new AtomicReference<>();
    Event proceed = new Event();

    CapacityLimiter.Statistics justAfterRelease = Runs.run(backend, () -> {
      AtomicReference<CapacityLimiter.Statistics> seen = new AtomicReference<>();
      TaskGroup.run(group -> {
        limiter.acquire();
        group.startSoon("b1", () -> {
          b1.set(Thread.currentThread());
          b1Scope.run(() -> limiter.withToken(() -> b1Acquired.set(true)));
        });
        parkedInWeft(b1::get);
        group.startSoon("b2", () -> {
          b2.set(TaskInfo.current());
          limiter.withToken(proceed::await);
        });
        until(() -> limiter.statistics().tasksWaiting() == 2);
        b1Scope.cancel();
        limiter.release();
        seen.set(limiter.statistics());
        proceed.set();
      });
      return seen.get();
    });

    assertEquals(new CapacityLimiter.Statistics(1, 1, List.of(b2.get()), 0), justAfterRelease);
    assertFalse(b1Acquired.get());
    assertTrue(b1Scope.cancelledCaught());
  }

  @WeftTest
  void limiter_tryAcquireBetweenReleaseAndWokenWaiter_fails_anyio1170(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(1);
    Event proceed = new Event();

    List<Object> seen = Runs.run(backend, () -> {
      List<Object> got = new ArrayList<>();
      TaskGroup.run(group -> {
        assertTrue(limiter.tryAcquireOnBehalfOf("A"));
        group.startSoon("b", () -> {
          limiter.acquireOnBehalfOf("B");
          proceed.await();
          limiter.releaseOnBehalfOf("B");
        });
        until(() -> limiter.statistics().tasksWaiting() == 1);
        limiter.releaseOnBehalfOf("A");
        got.add(limiter.tryAcquireOnBehalfOf("X")); // before B has run
        got.add(limiter.statistics());
        proceed.set();
      });
      return got;
    });

    assertEquals(false, seen.get(0));
    CapacityLimiter.Statistics after = (CapacityLimiter.Statistics) seen.get(1);
    assertEquals(new CapacityLimiter.Statistics(1, 1, List.of("B"), 0), after);
    assertEquals(0, after.availableTokens());
  }

  @WeftTest
  void twoAcquirers_firstCancelledRightAfterItStarts_secondStillAcquires_anyio398(
      Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(1);
    AtomicBoolean secondAcquired = new AtomicBoolean();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      CancelScope first = CancelScope.create();
      group.startSoon(() -> first.run(() -> limiter.withToken(Weft::checkpoint)));
      group.startSoon(() -> limiter.withToken(() -> secondAcquired.set(true)));
      first.cancel();
    }));

    assertTrue(secondAcquired.get());
    assertEquals(0, limiter.statistics().borrowedTokens());
  }

  // ---- outside Weft -----------------------------------------------------------------------------

  @WeftTest
  void threadOutsideWeft_borrowsAsItsThread_andItsInterruptCancelsAWait(Backend backend)
      throws InterruptedException {
    CapacityLimiter limiter = CapacityLimiter.create(1);
    AtomicReference<Object> borrowers = new AtomicReference<>();
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread plain = Thread.ofPlatform().start(() -> {
      limiter.acquire();
      borrowers.set(limiter.statistics().borrowers());
      limiter.release();
      limiter.acquireOnBehalfOf("held elsewhere");
      try {
        limiter.acquire();
        outcome.set(new AssertionError("acquired"));
      } catch (Throwable t) {
        outcome.set(t);
      }
    });
    until(() -> limiter.statistics().tasksWaiting() == 1);

    plain.interrupt();
    plain.join();
    Runs.exec(backend, () -> limiter.releaseOnBehalfOf("held elsewhere"));

    assertEquals(List.of(plain), borrowers.get());
    assertInstanceOf(CancelledException.class, outcome.get());
    assertEquals(new CapacityLimiter.Statistics(0, 1, List.of(), 0), limiter.statistics());
  }
}
