package dev.weft.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
 * not reading {@code stopped} when the worker takes the job, by the other two.)
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // model checking is slow on a loaded machine
class WorkerJobModelCheckTest {

  private static final int INVOCATIONS = Integer.getInteger("weft.modelcheck.invocations", 1_000);

  @Test
  void stopRacingTheCallsEnd_neverLeavesAnInterruptBehind() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> {
      AtomicBoolean interruptedAfterTheJob = new AtomicBoolean();
      AtomicInteger tokensBack = new AtomicInteger();
      WorkerJob job = new WorkerJob(null, () -> 1, j -> tokensBack.incrementAndGet());
      job.setWaiter(Waiter.forTask(null, false, "resource", "test"));
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
      job.setWaiter(Waiter.forTask(null, false, "resource", "test"));
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
    job.setWaiter(Waiter.forTask(null, false, "resource", "test"));

    job.stop(false);
    Thread worker = new Thread(job);
    worker.start();
    worker.join();

    assertFalse(ran.get(), "the call ran although its task had stopped it first");
    assertEquals(InterruptedException.class, thrownBy(job::result).getClass());
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
