package dev.weft.stress;

import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ThrowingRunnable;
import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.spi.Backend;
import dev.weft.sync.CapacityLimiter;
import dev.weft.sync.Condition;
import dev.weft.sync.Lock;
import dev.weft.sync.Semaphore;
import dev.weft.task.TaskGroup;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounded stress of the synchronization primitives: tasks hammer a lock, a bounded semaphore, a
 * capacity limiter (whose total another task keeps changing) and a condition, with each operation
 * cancelled at random (before it starts, or by another task while it waits) or run in a shield
 * inside an already cancelled scope. Invariants: a lock is never held by two tasks; a semaphore
 * never lends more than its maximum and is never released above it; a limiter never lends more than
 * its largest total; every primitive ends free with nobody waiting, and the run ends (a waiter
 * stranded while the resource is free, or a lost signal, hangs it and fails on the hang guard);
 * every item a producer announced with a signal is consumed.
 *
 * <p>Each test prints what it checked and its seed. {@code -Dweft.stress.rounds=N} runs longer;
 * {@code -Dweft.stress.seed=S} replays the random choices (not the threads' timing).
 */
class SyncStressTest {

  private static final int ROUNDS = Integer.getInteger("weft.stress.rounds", 40);
  private static final int TASKS = 8;
  private static final int OPERATIONS = 25;

  @WeftTest
  void lock_isNeverHeldByTwoTasks_andEndsFree(Backend backend) {
    long seed = seed();
    Lock lock = new Lock();
    Counters counters = new Counters();

    Runs.exec(backend, () -> {
      for (int round = 0; round < ROUNDS; round++) {
        long roundSeed = seed + round;
        TaskGroup.run(group -> {
          for (int t = 0; t < TASKS; t++) {
            Random random = new Random(roundSeed * 31 + t);
            group.startSoon(() -> TaskGroup.run(helpers -> {
              for (int i = 0; i < OPERATIONS; i++) {
                if (random.nextInt(5) == 0) {
                  if (lock.tryAcquire()) {
                    holdBriefly(counters, lock::release);
                  }
                  continue;
                }
                sometimesCancelled(random, helpers, counters,
                    () -> lock.withLock(() -> holdBriefly(counters, null)));
              }
            }));
          }
        });
      }
    });

    report(backend, "lock", seed, counters, "mostHoldersAtOnce=" + counters.most.get());
    assertEquals(1, counters.most.get(), "two tasks held the lock at once");
    assertEquals(new Lock.Statistics(false, null, 0), lock.statistics());
  }

  @WeftTest
  void semaphore_staysBetweenZeroAndItsMax_andEndsFull(Backend backend) {
    long seed = seed();
    int max = 3;
    Semaphore semaphore = Semaphore.bounded(max, max);
    Counters counters = new Counters();

    Runs.exec(backend, () -> {
      for (int round = 0; round < ROUNDS; round++) {
        long roundSeed = seed + round;
        TaskGroup.run(group -> {
          for (int t = 0; t < TASKS; t++) {
            Random random = new Random(roundSeed * 37 + t);
            group.startSoon(() -> TaskGroup.run(helpers -> {
              for (int i = 0; i < OPERATIONS; i++) {
                if (random.nextInt(5) == 0) {
                  if (semaphore.tryAcquire()) {
                    holdBriefly(counters, semaphore::release);
                  }
                  continue;
                }
                sometimesCancelled(random, helpers, counters,
                    () -> semaphore.withPermit(() -> holdBriefly(counters, null)));
              }
            }));
          }
        });
      }
    });

    report(backend, "semaphore", seed, counters,
        "max=" + max + " mostHoldersAtOnce=" + counters.most.get());
    assertTrue(counters.most.get() <= max, "more than " + max + " permits lent at once");
    assertEquals(new Semaphore.Statistics(max, 0), semaphore.statistics());
  }

  @WeftTest
  void limiter_neverLendsMoreThanItsTotal_evenWhileTheTotalChanges(Backend backend) {
    long seed = seed();
    int total = 3;
    CapacityLimiter limiter = CapacityLimiter.create(total);
    Counters counters = new Counters();
    AtomicInteger fixedRoundsMost = new AtomicInteger();
    AtomicInteger totalChanges = new AtomicInteger();

    Runs.exec(backend, () -> {
      for (int round = 0; round < ROUNDS; round++) {
        long roundSeed = seed + round;
        boolean tuned = round % 2 == 1;
        counters.most.set(0);
        TaskGroup.run(group -> {
          AtomicInteger running = new AtomicInteger(TASKS);
          if (tuned) {
            Random random = new Random(roundSeed * 41);
            group.startSoon("tuner", () -> {
              while (running.get() > 0) {
                limiter.setTotalTokens(total - 1 + random.nextInt(4)); // total-1 .. total+2
                totalChanges.incrementAndGet();
                Weft.checkpoint();
                Thread.yield();
              }
              limiter.setTotalTokens(total);
            });
          }
          for (int t = 0; t < TASKS; t++) {
            Random random = new Random(roundSeed * 43 + t);
            group.startSoon(() -> {
              try {
                TaskGroup.run(helpers -> {
                  for (int i = 0; i < OPERATIONS; i++) {
                    if (random.nextInt(5) == 0) {
                      Object borrower = new Object(); // on behalf of someone else, no waiting
                      if (limiter.tryAcquireOnBehalfOf(borrower)) {
                        holdBriefly(counters, () -> limiter.releaseOnBehalfOf(borrower));
                      }
                      continue;
                    }
                    sometimesCancelled(random, helpers, counters,
                        () -> limiter.withToken(() -> holdBriefly(counters, null)));
                  }
                });
              } finally {
                running.decrementAndGet();
              }
            });
          }
        });
        if (!tuned) {
          fixedRoundsMost.accumulateAndGet(counters.most.get(), Math::max);
        } else {
          assertTrue(counters.most.get() <= total + 2, "more than the largest total lent");
        }
      }
    });

    report(backend, "limiter", seed, counters, "total=" + total + " totalChanges="
        + totalChanges.get() + " mostBorrowersAtOnceWithFixedTotal=" + fixedRoundsMost.get());
    assertTrue(fixedRoundsMost.get() <= total, "more than " + total + " tokens lent at once");
    assertEquals(new CapacityLimiter.Statistics(0, total, List.of(), 0), limiter.statistics());
  }

  @WeftTest
  void condition_noSignalIsLost_everyAnnouncedItemIsConsumed(Backend backend) {
    long seed = seed();
    int producers = 3;
    int consumers = 5;
    int itemsPerProducer = 40;
    int totalItems = producers * itemsPerProducer;
    Condition condition = new Condition();
    Counters counters = new Counters();
    AtomicInteger consumedOverall = new AtomicInteger();

    Runs.exec(backend, () -> {
      for (int round = 0; round < ROUNDS; round++) {
        long roundSeed = seed + round;
        int[] items = {0}; // guarded by the condition's lock
        int[] consumed = {0}; // guarded by the condition's lock
        AtomicBoolean done = new AtomicBoolean();
        TaskGroup.run(group -> {
          for (int p = 0; p < producers; p++) {
            group.startSoon(() -> {
              for (int i = 0; i < itemsPerProducer; i++) {
                condition.lock().withLock(() -> {
                  items[0]++;
                  condition.signal(); // one signal per item: losing one can strand an item
                });
                Weft.checkpoint();
              }
            });
          }
          for (int c = 0; c < consumers; c++) {
            Random random = new Random(roundSeed * 47 + c);
            group.startSoon(() -> TaskGroup.run(helpers -> {
              while (!done.get()) {
                sometimesCancelled(random, helpers, counters, () -> condition.lock().withLock(() -> {
                  condition.waitFor(() -> items[0] > 0 || done.get());
                  if (items[0] > 0) {
                    items[0]--;
                    consumed[0]++;
                    consumedOverall.incrementAndGet();
                    counters.completed.incrementAndGet();
                    if (consumed[0] == totalItems) {
                      done.set(true);
                      condition.signalAll();
                    }
                  }
                }));
              }
            }));
          }
        });
        assertEquals(totalItems, consumed[0]);
        assertEquals(0, items[0]);
      }
    });

    report(backend, "condition", seed, counters,
        "itemsProducedAndConsumed=" + consumedOverall.get());
    assertEquals(ROUNDS * totalItems, consumedOverall.get());
    assertEquals(new Condition.Statistics(0, new Lock.Statistics(false, null, 0)),
        condition.statistics());
  }

  @WeftTest
  void condition_everySignalWakesAWaiter_whileAnyWaiterIsLeft(Backend backend) {
    // Signal accounting, with no surplus to hide a lost signal: W waiters queue one after the
    // other. Before some signals the notifier cancels the waiter at the head of the queue (AnyIO
    // #1075's shape: the one the signal would pick), racing that waiter's own exit from the queue;
    // shielded waiters are never cancelled. It sends S = W - (cancellations) signals, waits until
    // every cancelled waiter and every woken waiter has ended, and then checks: if any waiter still
    // waits, each of the S signals woke a waiter (a signal spent on a cancelled waiter breaks it).
    // A cancellation that lost its race to the signal leaves a woken waiter, which keeps the check
    // exact. Then signalAll releases the rest.
    long seed = seed();
    int waiters = 6;
    Condition condition = new Condition();
    Counters counters = new Counters();
    AtomicInteger signalsSent = new AtomicInteger();
    AtomicInteger leftWaiting = new AtomicInteger();
    Random random = new Random(seed);

    Runs.exec(backend, () -> {
      for (int round = 0; round < ROUNDS; round++) {
        CancelScope[] scopes = new CancelScope[waiters];
        boolean[] shielded = new boolean[waiters];
        AtomicBoolean[] ended = new AtomicBoolean[waiters];
        AtomicInteger woken = new AtomicInteger();
        TaskGroup.run(group -> {
          for (int w = 0; w < waiters; w++) {
            int id = w;
            scopes[id] = CancelScope.create();
            shielded[id] = random.nextInt(4) == 0;
            ended[id] = new AtomicBoolean();
            ThrowingRunnable<RuntimeException> await = () -> condition.lock().withLock(() -> {
              condition.await();
              woken.incrementAndGet();
              counters.completed.incrementAndGet();
            });
            group.startSoon(() -> {
              try {
                if (shielded[id]) {
                  counters.shielded.incrementAndGet();
                  scopes[id].run(() -> {
                    scopes[id].cancel("outside the shield");
                    CancelScope.shielded().run(await);
                  });
                } else {
                  scopes[id].run(await);
                  if (scopes[id].cancelledCaught()) {
                    counters.cancelled.incrementAndGet();
                  }
                }
              } finally {
                ended[id].set(true);
              }
            });
            until(() -> condition.statistics().tasksWaiting() == id + 1);
          }

          List<Integer> model = new ArrayList<>(); // the queue as the notifier believes it to be
          for (int w = 0; w < waiters; w++) {
            model.add(w);
          }
          List<Integer> victims = new ArrayList<>();
          int signals = 0;
          while (!model.isEmpty()) {
            int head = model.remove(0);
            if (!shielded[head] && random.nextInt(3) == 0) {
              victims.add(head);
              if (model.isEmpty()) {
                scopes[head].cancel("cancelled at the head, nobody left to signal");
                break;
              }
              model.remove(0); // the next one is the one this signal should wake
              condition.lock().withLock(() -> {
                scopes[head].cancel("cancelled at the head, just before the signal");
                condition.signal();
              });
            } else {
              condition.lock().withLock(() -> condition.signal());
            }
            signals++;
          }
          signalsSent.addAndGet(signals);

          for (int victim : victims) {
            until(() -> ended[victim].get());
          }
          until(() -> countEnded(ended) + condition.statistics().tasksWaiting() == waiters);
          int stillWaiting = condition.statistics().tasksWaiting();
          int wokenBySignals = woken.get();
          leftWaiting.addAndGet(stillWaiting);
          condition.lock().withLock(() -> condition.signalAll()); // release the rest first
          if (stillWaiting > 0) {
            assertEquals(signals, wokenBySignals,
                "a signal was lost while " + stillWaiting + " waiter(s) still waited (seed "
                    + seed + ")");
          }
        });
      }
    });

    report(backend, "condition (signal accounting)", seed, counters,
        "signals=" + signalsSent.get() + " woken=" + counters.completed.get()
            + " leftWaitingAfterTheSignals=" + leftWaiting.get());
    assertEquals(ROUNDS * waiters, counters.completed.get() + counters.cancelled.get());
    assertEquals(new Condition.Statistics(0, new Lock.Statistics(false, null, 0)),
        condition.statistics());
  }

  private static int countEnded(AtomicBoolean[] ended) {
    int n = 0;
    for (AtomicBoolean e : ended) {
      n += e.get() ? 1 : 0;
    }
    return n;
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /**
   * Counts itself in, lets other threads run (so that others queue behind it; on the thread
   * backends a checkpoint does not yield), checkpoints (which may throw), counts itself out.
   */
  private static void holdBriefly(Counters counters, Runnable release) {
    counters.most.accumulateAndGet(counters.inside.incrementAndGet(), Math::max);
    counters.completed.incrementAndGet();
    try {
      Thread.yield();
      Weft.checkpoint();
    } finally {
      counters.inside.decrementAndGet();
      if (release != null) {
        release.run();
      }
    }
  }

  /**
   * Runs {@code body} in a scope that is cancelled before it starts (1 in 8), cancelled by another
   * task while it runs (1 in 8), or shielded inside an already cancelled scope (1 in 8); otherwise
   * plainly.
   */
  private static void sometimesCancelled(
      Random random, TaskGroup helpers, Counters counters, ThrowingRunnable<RuntimeException> body) {
    CancelScope scope = CancelScope.create();
    switch (random.nextInt(8)) {
      case 0 -> scope.cancel("cancelled before the operation");
      case 1 -> helpers.startSoon(() -> scope.cancel("cancelled while the operation runs"));
      case 2 -> {
        counters.shielded.incrementAndGet();
        scope.run(() -> {
          scope.cancel("outside the shield");
          CancelScope.shielded().run(body);
        });
        return;
      }
      default -> { }
    }
    scope.run(body);
    if (scope.cancelledCaught()) {
      counters.cancelled.incrementAndGet();
    }
  }

  private static long seed() {
    return Long.getLong("weft.stress.seed", System.nanoTime());
  }

  private static void report(
      Backend backend, String primitive, long seed, Counters counters, String checked) {
    System.out.printf(
        "SyncStressTest[%s] %s: seed=%d rounds=%d tasks=%d held=%d cancelled=%d shielded=%d %s%n",
        backend.name(), primitive, seed, ROUNDS, TASKS, counters.completed.get(),
        counters.cancelled.get(), counters.shielded.get(), checked);
  }

  private static final class Counters {
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();
    final AtomicInteger completed = new AtomicInteger();
    final AtomicInteger cancelled = new AtomicInteger();
    final AtomicInteger shielded = new AtomicInteger();
  }
}
