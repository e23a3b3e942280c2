package dev.weft.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model-checks, with Lincheck on platform threads, the handshake between a cancelled task and the
 * worker that runs its call (semantics X3): in every interleaving of the call's end with the task's
 * {@code stop}, the worker is left without an interrupt once the job has ended (so none reaches its
 * next call), and a stop that came before the worker took the job means the call never runs.
 * (Seeded bugs, each found: interrupting without the {@code ended} check, by the first check;
 * not reading {@code stopped} when the worker takes the job, by the other two.) The worker's
 * requests to run code in the task (X8) racing the task's stop: served exactly once when the task
 * waits for the end, refused (never run, never left waiting) when it abandons the call. (Seeded
 * bugs, each found as a hang: an abandon that does not refuse the pending request; a wait for the
 * end that does not look for requests.)
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // model checking is slow on a loaded machine
class WorkerJobModelCheckTest {

  static {
    dev.weft.cancel.CancelScope.create(); // initialised outside the model: Lincheck's threads see it
  }

  private static final int INVOCATIONS = Integer.getInteger("weft.modelcheck.invocations", 1_000);

  @Test
  void stopRacingTheCallsEnd_neverLeavesAnInterruptBehind() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> {
      AtomicBoolean interruptedAfterTheJob = new AtomicBoolean();
      AtomicInteger tokensBack = new AtomicInteger();
      WorkerJob job = new WorkerJob(null, () -> 1, j -> tokensBack.incrementAndGet());
      job.nextWait(null, false);
      Thread worker = new Thread(() -> {
        job.run();
        interruptedAfterTheJob.set(Thread.currentThread().isInterrupted());
      });
      Thread canceller = new Thread(() -> job.stop(false));
      worker.start();
      canceller.start();
      join(worker, canceller);

      assertFalse(interruptedAfterTheJob.get(), "an interrupt outlived the job it was meant for");
      assertEquals(1, tokensBack.get());
    });
  }

  /**
   * A stopped call is never left running unaware: once {@code stop} has returned, a call that runs
   * is one that had started before it, and so was interrupted.
   */
  @Test
  void stopRacingTheStartOfTheCall_aCallThatRunsOnWasInterrupted() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> {
      AtomicBoolean stopReturned = new AtomicBoolean();
      AtomicBoolean ranAfterStop = new AtomicBoolean();
      WorkerJob job = new WorkerJob(null, () -> {
        if (stopReturned.get() && !Thread.currentThread().isInterrupted()) {
          ranAfterStop.set(true); // started after the stop, or not interrupted by it
        }
        return 1;
      }, j -> {});
      job.nextWait(null, false);
      Thread canceller = new Thread(() -> {
        job.stop(false);
        stopReturned.set(true);
      });
      Thread worker = new Thread(job);
      canceller.start();
      worker.start();
      join(worker, canceller);

      assertFalse(ranAfterStop.get(),
          "the call ran on, uninterrupted, after its task had stopped it");
    });
  }

  /** A stop that came before a worker took the job: the call never runs at all. */
  @Test
  void stopBeforeTheWorkerTakesTheJob_theCallNeverRuns() throws Exception {
    AtomicBoolean ran = new AtomicBoolean();
    WorkerJob job = new WorkerJob(null, () -> ran.getAndSet(true), j -> {});
    job.nextWait(null, false);

    job.stop(false);
    Thread worker = new Thread(job);
    worker.start();
    worker.join();

    assertFalse(ran.get(), "the call ran although its task had stopped it first");
    assertEquals(InterruptedException.class, thrownBy(job::result).getClass());
  }

  @Test
  void requestRacingAStop_isServedExactlyOnce_whileTheTaskWaitsForTheEnd() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> {
      AtomicInteger served = new AtomicInteger();
      AtomicInteger answered = new AtomicInteger();
      AtomicBoolean started = new AtomicBoolean();
      WorkerJob[] holder = new WorkerJob[1];
      WorkerJob job = new WorkerJob(null, () -> {
        started.set(true);
        answered.addAndGet(holder[0].runInTask(served::incrementAndGet));
        return 1;
      }, j -> {});
      holder[0] = job;
      job.nextWait(null, true); // the task's first wait, which the cancellation ends
      Thread worker = new Thread(job);
      Thread task = new Thread(() -> {
        job.stop(false);
        Object next;
        while ((next = job.nextWait(null, false)) != null) {
          if (next instanceof Waiter<?> end) {
            end.await();
          } else {
            WorkerJob.serve(next);
          }
        }
      });
      worker.start();
      task.start();
      join(worker, task);

      int expected = started.get() ? 1 : 0; // stopped before it started, the call never ran
      assertEquals(expected, served.get(), "the request ran once in the task");
      assertEquals(expected, answered.get(), "and its answer reached the worker");
    });
  }

  @Test
  void requestRacingAnAbandon_isRefused_andNeverRuns() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> {
      AtomicInteger served = new AtomicInteger();
      AtomicBoolean refused = new AtomicBoolean();
      AtomicBoolean started = new AtomicBoolean();
      WorkerJob[] holder = new WorkerJob[1];
      WorkerJob job = new WorkerJob(null, () -> {
        started.set(true);
        try {
          holder[0].runInTask(served::incrementAndGet);
        } catch (dev.weft.cancel.CancelledException e) {
          refused.set(true);
        }
        return 1;
      }, j -> {});
      holder[0] = job;
      job.nextWait(null, true);
      Thread worker = new Thread(job);
      Thread task = new Thread(() -> job.stop(true)); // and leaves
      worker.start();
      task.start();
      join(worker, task); // a request left waiting would hang here

      assertEquals(0, served.get(), "nobody serves an abandoned call's requests");
      assertTrue(refused.get() || !started.get(), "the request was refused");
    });
  }

  private static Throwable thrownBy(org.junit.jupiter.api.function.Executable code) {
    try {
      code.execute();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  private static void join(Thread... threads) {
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
