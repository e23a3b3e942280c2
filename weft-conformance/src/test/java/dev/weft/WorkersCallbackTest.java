package dev.weft;

import static dev.weft.testing.Outcomes.thrownBy;
import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.task.TaskGroup;
import dev.weft.task.TaskInfo;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A worker call running code back in the task that waits for it (semantics X8). */
class WorkersCallbackTest {

  @WeftTest
  void runInTask_runsTheFunctionInTheWaitingTask(Backend backend) {
    AtomicReference<Thread> taskThread = new AtomicReference<>();
    AtomicReference<TaskInfo> task = new AtomicReference<>();
    AtomicReference<TaskInfo> seenInCallback = new AtomicReference<>();
    AtomicReference<Thread> callbackThread = new AtomicReference<>();
    int[] plain = {0}; // a plain field: the happens-before edges carry it

    String result = Runs.run(backend, () -> {
      taskThread.set(Thread.currentThread());
      task.set(TaskInfo.current());
      return Workers.run(() -> {
        plain[0] = 1; // before runInTask: visible in the callback
        String inTask = Workers.runInTask(() -> {
          callbackThread.set(Thread.currentThread());
          seenInCallback.set(TaskInfo.current());
          plain[0] += 1; // visible to the worker once runInTask returns
          Weft.checkpoint(); // task code: checkpoints work here
          return "from the task";
        });
        return inTask + " " + plain[0];
      });
    });

    assertEquals("from the task 2", result);
    assertSame(taskThread.get(), callbackThread.get(), "the function ran on the task's thread");
    assertEquals(task.get().id(), seenInCallback.get().id());
  }

  @WeftTest
  void runInTask_failure_isThrownUnchangedInTheWorker(Backend backend) {
    IOException checked = new IOException("disk");

    Throwable seen = Runs.run(backend, () -> Workers.run(() -> thrownBy(() ->
        Workers.runInTask(() -> {
          throw checked;
        }))));

    assertSame(checked, seen);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void runInTask_afterTheTaskWasCancelled_isServedWhileTheTaskWaitsForTheEnd(Backend backend) {
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Throwable> callbackOutcome = new AtomicReference<>();
    AtomicInteger ranInTask = new AtomicInteger();
    AtomicReference<String> result = new AtomicReference<>();
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon(() -> scope.run(() -> {
        result.set(Workers.run(() -> {
          started.countDown();
          while (!Thread.currentThread().isInterrupted()) {
            Thread.onSpinWait(); // until the task, cancelled, interrupts this call
          }
          // Calling back now: the task waits, not cancellably, for this call's end and serves it.
          callbackOutcome.set(thrownBy(() -> Workers.runInTask(() -> {
            ranInTask.incrementAndGet();
            Weft.checkpoint(); // the task's cancellation reaches the function here
            return "not reached";
          })));
          assertTrue(Thread.interrupted(), "the interrupt stayed pending on the worker");
          return "ended anyway";
        }));
        Weft.checkpoint(); // the cancellation arrives here
      }));
      until(() -> started.getCount() == 0);
      scope.cancel();
    }));

    assertEquals(1, ranInTask.get());
    assertInstanceOf(CancelledException.class, callbackOutcome.get());
    assertEquals("ended anyway", result.get(), "the call ended normally, so its result is returned");
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void runInTask_afterTheCallWasAbandoned_throwsCancelled_andNeverRunsIt(Backend backend)
      throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch abandoned = new CountDownLatch(1);
    CountDownLatch ended = new CountDownLatch(1);
    AtomicBoolean ranInTask = new AtomicBoolean();
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon(() -> scope.run(() -> Workers.runAbandoningOnCancel(() -> {
        started.countDown();
        abandoned.await();
        outcome.set(thrownBy(() -> Workers.runInTask(() -> ranInTask.getAndSet(true))));
        ended.countDown();
        return null;
      })));
      until(() -> started.getCount() == 0);
      scope.cancel();
    }));
    abandoned.countDown(); // the run has ended: its task has certainly left the call
    ended.await();

    assertTrue(scope.cancelledCaught());
    assertFalse(ranInTask.get(), "nobody is left to run it");
    CancelledException e = assertInstanceOf(CancelledException.class, outcome.get());
    assertNull(e.scope());
    assertTrue(e.getMessage().contains("left it"), e.getMessage());
  }

  @WeftTest
  void runInTask_outsideAWorkerCall_orWithNull_isRejected(Backend backend) {
    Runs.exec(backend, () -> {
      IllegalStateException e = assertInstanceOf(IllegalStateException.class,
          thrownBy(() -> Workers.runInTask(() -> 1)));
      assertTrue(e.getMessage().contains("inside a worker call"), e.getMessage());
      assertEquals("fn", assertInstanceOf(NullPointerException.class,
          thrownBy(() -> Workers.run(() -> Workers.runInTask(null)))).getMessage());
    });
  }

  @Test
  void runInTask_onAThreadOutsideWeft_isRejected() {
    assertInstanceOf(IllegalStateException.class, thrownBy(() -> Workers.runInTask(() -> 1)));
  }
}
