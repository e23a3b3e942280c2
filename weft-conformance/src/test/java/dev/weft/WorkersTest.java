package dev.weft;

import static dev.weft.testing.Outcomes.thrownBy;
import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cancel.CancelScope;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.sync.CapacityLimiter;
import dev.weft.task.TaskGroup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Blocking calls on worker threads: results, failures, limits, and the two cancellation policies. */
class WorkersTest {

  @WeftTest
  void call_runsOnAWorkerThread_andReturnsItsResult(Backend backend) {
    AtomicReference<Thread> task = new AtomicReference<>();

    Thread worker = Runs.run(backend, () -> {
      task.set(Thread.currentThread());
      return Workers.run(Thread::currentThread);
    });

    if (backend.features().contains(BackendFeature.DETERMINISTIC_SCHEDULE)) {
      assertSame(task.get(), worker, "the deterministic backend runs the call in the task (X5)");
    } else {
      assertNotSame(task.get(), worker);
      assertTrue(worker.getName().startsWith("weft-worker-"), worker.getName());
      assertFalse(worker.isVirtual());
    }
  }

  @WeftTest
  void failure_isThrownUnchanged(Backend backend) {
    IOException checked = new IOException("disk");
    IllegalStateException unchecked = new IllegalStateException("state");

    Runs.exec(backend, () -> {
      assertSame(checked, thrownBy(() -> Workers.run(() -> {
        throw checked;
      })));
      assertSame(unchecked, thrownBy(() -> Workers.run(() -> {
        throw unchecked;
      })));
    });
  }

  @WeftTest
  void cancelledBeforeTheCall_neverStartsIt(Backend backend) {
    AtomicBoolean ran = new AtomicBoolean();
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel();
      Workers.run(() -> ran.getAndSet(true));
    }));

    assertTrue(scope.cancelledCaught());
    assertFalse(ran.get());
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void limiter_boundsHowManyCallsRunAtOnce(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(2);
    CyclicBarrier pairs = new CyclicBarrier(2); // two calls must run at the same time to pass
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      for (int i = 0; i < 6; i++) {
        group.startSoon(() -> Workers.run(limiter, () -> {
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          pairs.await();
          return running.decrementAndGet();
        }));
      }
    }));

    assertEquals(2, most.get());
    assertEquals(0, limiter.statistics().borrowedTokens());
  }

  @WeftTest
  void defaultLimiter_isOnePerRun_withFortyTokens(Backend backend) {
    CapacityLimiter first = Runs.run(backend, () -> {
      assertSame(Workers.defaultLimiter(), Workers.defaultLimiter());
      return Workers.defaultLimiter();
    });
    CapacityLimiter second = Runs.run(backend, Workers::defaultLimiter);

    assertEquals(40, first.totalTokens());
    assertNotSame(first, second);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void cancelledWhileTheCallBlocks_interruptsIt_andWaitsForItsEnd(Backend backend) {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    AtomicBoolean ended = new AtomicBoolean();
    AtomicBoolean endedBeforeRunThrew = new AtomicBoolean();
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon(() -> scope.run(() -> {
        try {
          Workers.run(() -> {
            started.countDown();
            try {
              new CountDownLatch(1).await(); // blocks until interrupted
            } catch (InterruptedException e) {
              interrupted.set(true);
              throw e;
            } finally {
              ended.set(true);
            }
            return "never";
          });
        } finally {
          endedBeforeRunThrew.set(ended.get());
        }
      }));
      until(() -> started.getCount() == 0);
      scope.cancel();
    }));

    assertTrue(scope.cancelledCaught());
    assertTrue(interrupted.get(), "the worker was interrupted");
    assertTrue(endedBeforeRunThrew.get(), "nothing outlives its task");
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void cancelledCallThatIgnoresTheInterrupt_isWaitedFor_andItsResultReturned(Backend backend) {
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<String> result = new AtomicReference<>();
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon(() -> scope.run(() -> {
        result.set(Workers.run(() -> {
          started.countDown();
          while (!Thread.interrupted()) {
            Thread.onSpinWait(); // busy, and deaf to everything but the interrupt
          }
          return "finished anyway";
        }));
        Weft.checkpoint(); // the cancellation arrives here
      }));
      until(() -> started.getCount() == 0);
      scope.cancel();
    }));

    assertEquals("finished anyway", result.get());
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void abandonedCall_runsOn_andGivesItsTokenBackWhenItEnds(Backend backend) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    CountDownLatch ended = new CountDownLatch(1);
    AtomicInteger borrowedWhenAbandoned = new AtomicInteger(-1);
    AtomicReference<CapacityLimiter> limiter = new AtomicReference<>();
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> {
      limiter.set(Workers.defaultLimiter());
      TaskGroup.run(group -> {
        group.startSoon(() -> scope.run(() -> Workers.runAbandoningOnCancel(() -> {
          started.countDown();
          proceed.await();
          ended.countDown();
          return "dropped";
        })));
        until(() -> started.getCount() == 0);
        scope.cancel();
      });
      borrowedWhenAbandoned.set(limiter.get().statistics().borrowedTokens());
    });

    assertTrue(scope.cancelledCaught());
    assertEquals(1, ended.getCount(), "the abandoned call still runs");
    assertEquals(1, borrowedWhenAbandoned.get(), "and holds its token");
    proceed.countDown();
    ended.await();
    until(() -> limiter.get().statistics().borrowedTokens() == 0);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void callerCancelled_letsALongCallStopEarly(Backend backend) {
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<String> result = new AtomicReference<>();
    AtomicBoolean cancelledBeforeStart = new AtomicBoolean(true);
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon(() -> scope.run(() -> {
        result.set(Workers.run(() -> {
          cancelledBeforeStart.set(Workers.callerCancelled());
          started.countDown();
          while (!Workers.callerCancelled()) {
            Thread.onSpinWait(); // a long computation that looks up now and then
          }
          return "stopped early";
        }));
        Weft.checkpoint(); // the cancellation arrives here
      }));
      until(() -> started.getCount() == 0);
      scope.cancel();
    }));

    assertFalse(cancelledBeforeStart.get());
    assertEquals("stopped early", result.get());
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void abandonedCall_seesThatItsCallerWasCancelled(Backend backend) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Boolean> sawIt = new CompletableFuture<>();
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon(() -> scope.run(() -> Workers.runAbandoningOnCancel(() -> {
        started.countDown();
        while (!Workers.callerCancelled()) {
          Thread.onSpinWait();
        }
        return sawIt.complete(true);
      })));
      until(() -> started.getCount() == 0);
      scope.cancel();
    }));

    assertTrue(scope.cancelledCaught());
    assertTrue(sawIt.get(), "the abandoned call learnt it was abandoned");
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void workerThreads_carryNoTasksInheritableThreadLocals(Backend backend) {
    InheritableThreadLocal<String> user = new InheritableThreadLocal<>();

    List<String> seen = Runs.run(backend, () -> {
      List<String> values = new ArrayList<>();
      for (String name : List.of("alice", "bob")) {
        user.set(name);
        values.add(Workers.run(user::get));
      }
      return values;
    });

    assertEquals(Arrays.asList(null, null), seen, "a worker is shared by every run and task");
  }

  @WeftTest
  void callerCancelled_outsideAWorkerCall_throws(Backend backend) {
    Runs.exec(backend, () -> assertTrue(assertInstanceOf(IllegalStateException.class,
        thrownBy(Workers::callerCancelled)).getMessage().contains("inside a worker call")));
  }

  @WeftTest
  void badInput_isRejectedNamingIt(Backend backend) {
    Runs.exec(backend, () -> {
      assertEquals("call", assertInstanceOf(NullPointerException.class,
          thrownBy(() -> Workers.run(null))).getMessage());
      assertEquals("limiter", assertInstanceOf(NullPointerException.class,
          thrownBy(() -> Workers.run(null, () -> 1))).getMessage());
    });
  }

  @Test
  void outsideATask_throwsNamingTheOperation() {
    IllegalStateException e = assertInstanceOf(IllegalStateException.class,
        thrownBy(() -> Workers.run(() -> 1)));

    assertTrue(e.getMessage().startsWith("Workers.run must be called from a Weft task"),
        e.getMessage());
  }
}
