package dev.weft.stress;

import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.ThrowingSupplier;
import dev.weft.Weft;
import dev.weft.Workers;
import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.sync.CapacityLimiter;
import dev.weft.task.TaskGroup;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Worker calls cancelled at random moments (X3): every call either returned its result to its
 * task or ended before its task threw the cancellation, no call ever starts with an interrupt meant
 * for an earlier one (the worker threads are reused), and every token comes back. Thread backends
 * only; bounded ({@code weft.stress.workers.rounds}, default 2,000 per backend); prints what it
 * checked and its seed.
 */
class WorkersStressTest {

  private static final int ROUNDS = Integer.getInteger("weft.stress.workers.rounds", 2_000);

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void randomCancellations_neverLeakAnInterrupt_orOutliveTheTask(Backend backend) {
    long seed = Long.getLong("weft.seed.base", 1L);
    SplittableRandom random = new SplittableRandom(seed);
    CapacityLimiter limiter = CapacityLimiter.create(4);
    AtomicInteger startedInterrupted = new AtomicInteger();
    AtomicInteger returned = new AtomicInteger();
    AtomicInteger cancelled = new AtomicInteger();
    AtomicInteger outlived = new AtomicInteger();

    Runs.exec(backend, () -> {
      for (int round = 0; round < ROUNDS; round++) {
        int spins = random.nextInt(2_000);
        int cancelAfter = random.nextInt(2_000);
        TaskGroup.run(group -> {
          CancelScope[] scopes = {CancelScope.create(), CancelScope.create()};
          for (CancelScope scope : scopes) {
            group.startSoon(() -> {
              AtomicInteger running = new AtomicInteger();
              try {
                scope.run(() -> {
                  Workers.run(limiter, () -> {
                    running.incrementAndGet();
                    // An interrupt is this call's own only once its task's scope was cancelled.
                    if (Thread.currentThread().isInterrupted() && !scope.cancelCalled()) {
                      startedInterrupted.incrementAndGet();
                    }
                    for (int i = 0; i < spins && !Thread.currentThread().isInterrupted(); i++) {
                      Thread.onSpinWait();
                    }
                    running.decrementAndGet();
                    return null;
                  });
                  returned.incrementAndGet();
                });
              } finally {
                if (running.get() != 0) {
                  outlived.incrementAndGet();
                }
              }
              if (scope.cancelledCaught()) {
                cancelled.incrementAndGet();
              }
            });
          }
          for (int i = 0; i < cancelAfter; i++) {
            Thread.onSpinWait();
          }
          for (CancelScope scope : scopes) {
            scope.cancel();
          }
        });
      }
      Weft.checkpoint();
    });

    System.out.printf("WorkersStressTest[%s] seed=%d rounds=%d calls=%d returned=%d cancelled=%d"
        + " started with another call's interrupt=%d outlived=%d%n", backend.name(), seed, ROUNDS, 2 * ROUNDS,
        returned.get(), cancelled.get(), startedInterrupted.get(), outlived.get());
    assertEquals(0, startedInterrupted.get(), "a call started with an interrupt meant for another");
    assertEquals(0, outlived.get(), "a call outlived its task");
    assertEquals(0, limiter.statistics().borrowedTokens(), "tokens not given back");
  }

  /**
   * Calls that only an interrupt can end, cancelled at random moments, also before a worker has
   * picked them up: a cancelled call that had not started must never start (it would block for
   * good), and a started one is interrupted. (Before the fix, a cancellation in the moment between
   * handing the job over and the worker starting it was lost, and the call blocked: 8 in 2,000.)
   */
  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void callsOnlyAnInterruptEnds_cancelledAtRandom_allEnd(Backend backend) {
    long seed = Long.getLong("weft.seed.base", 1L);
    SplittableRandom random = new SplittableRandom(seed);
    AtomicInteger started = new AtomicInteger();
    AtomicInteger interrupted = new AtomicInteger();

    Runs.exec(backend, () -> {
      for (int round = 0; round < ROUNDS; round++) {
        int cancelAfter = random.nextInt(3_000);
        CancelScope scope = CancelScope.create();
        TaskGroup.run(group -> {
          group.startSoon(() -> scope.run(() -> Workers.run(() -> {
            started.incrementAndGet();
            try {
              new java.util.concurrent.CountDownLatch(1).await(); // ends only by an interrupt
            } catch (InterruptedException e) {
              interrupted.incrementAndGet();
              throw e;
            }
            return null;
          })));
          for (int i = 0; i < cancelAfter; i++) {
            Thread.onSpinWait();
          }
          scope.cancel();
        });
      }
    });

    System.out.printf("WorkersStressTest[%s] seed=%d rounds=%d blocking calls started=%d"
        + " interrupted=%d never started=%d%n", backend.name(), seed, ROUNDS, started.get(),
        interrupted.get(), ROUNDS - started.get());
    assertEquals(started.get(), interrupted.get(), "a started call was not interrupted");
  }

  /**
   * Worker calls that run code back in their task (X8) three times each, cancelled at random
   * moments, half of them abandoned: every request ran exactly once in the task (its answer, a
   * value or the task's cancellation at its checkpoint, reached the worker) or was refused because
   * the task had left, and nothing hangs. (Seeded with a wait for the end that ignored requests,
   * it hung on both backends.)
   */
  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void callbacksUnderRandomCancellations_runExactlyOnceOrAreRefused(Backend backend) {
    long seed = Long.getLong("weft.seed.base", 1L);
    SplittableRandom random = new SplittableRandom(seed);
    AtomicInteger requests = new AtomicInteger();
    AtomicInteger ranInTask = new AtomicInteger();
    AtomicInteger answeredWithValue = new AtomicInteger();
    AtomicInteger answeredWithCancellation = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger running = new AtomicInteger(); // calls started and not ended, abandoned ones too

    Runs.exec(backend, () -> {
      for (int round = 0; round < ROUNDS; round++) {
        int cancelAfter = random.nextInt(3_000);
        boolean abandon = random.nextBoolean();
        CancelScope scope = CancelScope.create();
        TaskGroup.run(group -> {
          group.startSoon(() -> scope.run(() -> {
            ThrowingSupplier<Object, RuntimeException> call = () -> {
              running.incrementAndGet(); // a call stopped before it started never gets here
              try {
                for (int i = 0; i < 3; i++) {
                  requests.incrementAndGet();
                  try {
                    Workers.runInTask(() -> {
                      ranInTask.incrementAndGet();
                      Weft.checkpoint();
                      return null;
                    });
                    answeredWithValue.incrementAndGet();
                  } catch (CancelledException e) {
                    if (e.scope() == null) {
                      refused.incrementAndGet();
                    } else {
                      answeredWithCancellation.incrementAndGet();
                    }
                  }
                }
                return null;
              } finally {
                running.decrementAndGet();
              }
            };
            if (abandon) {
              Workers.runAbandoningOnCancel(call);
            } else {
              Workers.run(call);
            }
          }));
          for (int i = 0; i < cancelAfter; i++) {
            Thread.onSpinWait();
          }
          scope.cancel();
        });
      }
    });
    until(() -> running.get() == 0); // abandoned calls end by themselves

    System.out.printf("WorkersStressTest[%s] seed=%d rounds=%d callback requests=%d ran in the"
        + " task=%d answered with a value=%d with a cancellation=%d refused=%d%n", backend.name(),
        seed, ROUNDS, requests.get(), ranInTask.get(), answeredWithValue.get(),
        answeredWithCancellation.get(), refused.get());
    assertEquals(ranInTask.get(), answeredWithValue.get() + answeredWithCancellation.get(),
        "a request that ran in the task did not get its answer, or one got two");
    assertEquals(requests.get(), ranInTask.get() + refused.get(), "a request was lost");
  }
}
