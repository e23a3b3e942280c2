package dev.weft.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.BlockingPortal;
import dev.weft.Weft;
import dev.weft.cancel.CancelledException;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many threads call into one portal with random {@code cancel(true)} on their futures, and the
 * portal closes, cancelling what runs, once a random share of the calls has ended (Q1-Q3): every call returned its own
 * result exactly once, or reported its cancellation, or was refused because the portal had closed;
 * and no task outlived the portal. Bounded ({@code weft.stress.portal.calls} per thread, default
 * 1,500; 16 threads); prints what it checked and its seed.
 */
class PortalStressTest {

  private static final int THREADS = 16;
  private static final int CALLS = Integer.getInteger("weft.stress.portal.calls", 1_500);

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void callsFromManyThreads_withRandomCancels_andAClose(Backend backend) throws Exception {
    long seed = Long.getLong("weft.seed.base", 1L);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger results = new AtomicInteger();
    AtomicInteger wrong = new AtomicInteger();
    AtomicInteger cancelled = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    BlockingPortal portal = BlockingPortal.start(backend);
    // The portal closes once a random share (60-99%) of the calls has ended.
    int closeAfter = THREADS * CALLS * (60 + new SplittableRandom(seed).nextInt(40)) / 100;
    AtomicInteger ended = new AtomicInteger();
    CompletableFuture<Void> closeNow = new CompletableFuture<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      SplittableRandom random = new SplittableRandom(seed * 31 + t);
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < CALLS; i++) {
          int expected = i;
          int checkpoints = random.nextInt(4);
          try {
            CompletableFuture<Integer> future = portal.submit(() -> {
              running.incrementAndGet();
              try {
                for (int c = 0; c < checkpoints; c++) {
                  Weft.checkpoint();
                }
                return expected;
              } finally {
                running.decrementAndGet();
              }
            });
            if (random.nextInt(4) == 0) {
              future.cancel(true);
            }
            if (future.join() == expected) {
              results.incrementAndGet();
            } else {
              wrong.incrementAndGet();
            }
          } catch (CancellationException | CancelledException e) {
            cancelled.incrementAndGet();
          } catch (IllegalStateException e) {
            refused.incrementAndGet();
          } catch (RuntimeException e) {
            other.incrementAndGet();
          }
          if (ended.incrementAndGet() == closeAfter) {
            closeNow.complete(null);
          }
        }
      }));
    }
    closeNow.join();
    portal.closeCancellingRunning();
    int runningAfterClose = running.get();
    for (Thread thread : threads) {
      thread.join();
    }

    System.out.printf("PortalStressTest[%s] seed=%d threads=%d calls=%d closed after=%d results=%d"
        + " cancelled=%d refused=%d wrong=%d other=%d running after close=%d%n", backend.name(),
        seed, THREADS, THREADS * CALLS, closeAfter, results.get(), cancelled.get(), refused.get(), wrong.get(), other.get(),
        runningAfterClose);
    assertEquals(THREADS * CALLS, results.get() + cancelled.get() + refused.get());
    assertEquals(0, wrong.get());
    assertEquals(0, other.get());
    assertEquals(0, runningAfterClose, "a task outlived the portal");
  }

  /**
   * Callers interrupted at random moments around their call's end (Q2): each call either returned
   * its own value or threw {@code CancelledException}; either way the caller's interrupt status is
   * kept, and a caller that got the cancellation finds its task ended. Bounded ({@code
   * weft.stress.portal.interrupts}, default 2,000 calls per thread backend). (Seeded with a caller
   * that does not wait for its cancelled task's end: 112 and 3 tasks outlived their call.)
   */
  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void interruptedCallers_getTheOutcomeOrTheCancellation_andKeepTheInterrupt(Backend backend)
      throws Exception {
    int rounds = Integer.getInteger("weft.stress.portal.interrupts", 2_000);
    long seed = Long.getLong("weft.seed.base", 1L);
    SplittableRandom random = new SplittableRandom(seed);
    AtomicInteger values = new AtomicInteger();
    AtomicInteger cancellations = new AtomicInteger();
    AtomicInteger wrong = new AtomicInteger();
    AtomicInteger outlived = new AtomicInteger();
    try (BlockingPortal portal = BlockingPortal.start(backend)) {
      for (int round = 0; round < rounds; round++) {
        int expected = round;
        int spinsInTask = random.nextInt(2_000);
        int spinsBeforeInterrupt = random.nextInt(2_000);
        java.util.concurrent.atomic.AtomicBoolean taskRunning =
            new java.util.concurrent.atomic.AtomicBoolean();
        CompletableFuture<Void> callerReady = new CompletableFuture<>();
        Thread caller = Thread.ofPlatform().start(() -> {
          callerReady.complete(null);
          try {
            int got = portal.call(() -> {
              taskRunning.set(true);
              try {
                for (int i = 0; i < spinsInTask; i++) {
                  Thread.onSpinWait();
                }
                return expected;
              } finally {
                taskRunning.set(false);
              }
            });
            (got == expected ? values : wrong).incrementAndGet();
          } catch (CancelledException e) {
            cancellations.incrementAndGet();
            if (taskRunning.get()) {
              outlived.incrementAndGet();
            }
          } catch (Throwable t) {
            wrong.incrementAndGet();
          }
          while (!Thread.currentThread().isInterrupted()) {
            Thread.onSpinWait(); // the interrupt may come after the call: wait for it, then look
          }
        });
        callerReady.join();
        for (int i = 0; i < spinsBeforeInterrupt; i++) {
          Thread.onSpinWait();
        }
        caller.interrupt();
        caller.join();
      }
    }
    // Each caller spins until it sees its interrupt: one that Weft cleared hangs the round, and
    // the hang guard fails the test.
    System.out.printf("PortalStressTest[%s] seed=%d interrupted calls=%d values=%d"
        + " cancellations=%d wrong outcomes=%d outlived=%d%n", backend.name(), seed, rounds,
        values.get(), cancellations.get(), wrong.get(), outlived.get());
    assertEquals(0, wrong.get(), "a call returned another value or threw something else");
    assertEquals(0, outlived.get(), "a cancelled call's task was still running");
    assertEquals(rounds, values.get() + cancellations.get());
  }
}
