package dev.weft.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Futures;
import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.stream.MemoryReceiveStream;
import dev.weft.stream.MemorySendStream;
import dev.weft.stream.MemoryStream;
import dev.weft.sync.CapacityLimiter;
import dev.weft.sync.Condition;
import dev.weft.sync.Event;
import dev.weft.sync.Lock;
import dev.weft.sync.Semaphore;
import dev.weft.task.TaskGroup;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cancellation that returned first always wins (L2, S2, E1, F4): a task starts a blocking operation
 * on a primitive, another task cancels its scope, and only after {@code cancel()} has returned
 * does that task release, set, signal or send. The operation must never take what was released:
 * the grant starts after the cancellation, so the cancellation comes first (Trio's promise). The
 * blocked task may be anywhere when {@code cancel()} runs (before its opening checkpoint, between
 * it and its queue, queued but not yet parked, parked), which real threads explore by racing.
 *
 * <p>Thread backends only: on the deterministic backend one task runs at a time, so the windows
 * this test races for cannot open. Bounded ({@code weft.stress.cancelFirst.rounds}, default
 * 10,000 rounds per primitive and backend); prints what it checked. Before the fix, {@code Lock}
 * granted early in 1-5 of 4,000 rounds, {@code Event} and stream {@code receive} similarly.
 */
class CancelFirstRaceStressTest {

  private static final int ROUNDS = Integer.getInteger("weft.stress.cancelFirst.rounds", 10_000);

  /** One round: {@code operation} runs in a task, {@code grant} after its scope's cancel(). */
  private interface Round {
    /** The blocking operation of the task under test; returns normally only if it was granted. */
    void operation() throws Exception;

    /** Releases, sets, signals or sends; runs only after cancel() returned. */
    void grant() throws Exception;
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void lockReleasedAfterCancel_isNeverAcquired(Backend backend) {
    Lock lock = new Lock();
    race(backend, "Lock", lock::acquire, lock::acquire, lock::release, lock::release);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void semaphoreReleasedAfterCancel_neverGrantsThePermit(Backend backend) {
    Semaphore semaphore = Semaphore.create(1);
    race(backend, "Semaphore", semaphore::acquire, semaphore::acquire, semaphore::release,
        semaphore::release);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void limiterReleasedAfterCancel_neverLendsTheToken(Backend backend) {
    CapacityLimiter limiter = CapacityLimiter.create(1);
    race(backend, "CapacityLimiter", () -> limiter.acquireOnBehalfOf("holder"),
        () -> limiter.acquireOnBehalfOf("waiter"), () -> limiter.releaseOnBehalfOf("holder"),
        () -> limiter.releaseOnBehalfOf("waiter"));
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void eventSetAfterCancel_doesNotEndAWait(Backend backend) {
    AtomicInteger early = new AtomicInteger();
    AtomicInteger cancelled = new AtomicInteger();
    Runs.exec(backend, () -> {
      for (int round = 0; round < ROUNDS; round++) {
        Event event = new Event();
        runRound(new Round() {
          @Override public void operation() { event.await(); }
          @Override public void grant() { event.set(); }
        }, early, cancelled);
      }
    });
    report(backend, "Event", early, cancelled);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void conditionSignalledAfterCancel_doesNotWakeTheCancelledWaiter(Backend backend) {
    AtomicInteger early = new AtomicInteger();
    AtomicInteger cancelled = new AtomicInteger();
    Runs.exec(backend, () -> {
      for (int round = 0; round < ROUNDS; round++) {
        Condition condition = new Condition();
        runRound(new Round() {
          @Override public void operation() {
            condition.lock().withLock(() -> condition.await());
          }
          @Override public void grant() {
            condition.lock().withLock(() -> condition.signal());
          }
        }, early, cancelled);
      }
    });
    report(backend, "Condition", early, cancelled);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void itemSentAfterCancel_isNeverReceivedByTheCancelledReceiver(Backend backend) {
    AtomicInteger early = new AtomicInteger();
    AtomicInteger cancelled = new AtomicInteger();
    Runs.exec(backend, () -> {
      for (int round = 0; round < ROUNDS; round++) {
        MemoryStream<String> stream = MemoryStream.create(round % 2); // rendezvous and buffer 1
        MemorySendStream<String> tx = stream.sendStream();
        MemoryReceiveStream<String> rx = stream.receiveStream();
        runRound(new Round() {
          @Override public void operation() { rx.receive(); }
          @Override public void grant() { tx.trySend("item"); }
        }, early, cancelled);
        tx.close();
        rx.close();
      }
    });
    report(backend, "MemoryReceiveStream.receive", early, cancelled);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void itemTakenAfterCancel_isNeverTheCancelledSendersItem(Backend backend) {
    AtomicInteger early = new AtomicInteger();
    AtomicInteger cancelled = new AtomicInteger();
    Runs.exec(backend, () -> {
      for (int round = 0; round < ROUNDS; round++) {
        MemoryStream<String> stream = MemoryStream.create(0);
        MemorySendStream<String> tx = stream.sendStream();
        MemoryReceiveStream<String> rx = stream.receiveStream();
        runRound(new Round() {
          @Override public void operation() { tx.send("item"); }
          @Override public void grant() { rx.tryReceive(); } // taking it completes the send
        }, early, cancelled);
        tx.close();
        rx.close();
      }
    });
    report(backend, "MemorySendStream.send", early, cancelled);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void futureCompletedAfterCancel_isNeverReturned(Backend backend) {
    AtomicInteger early = new AtomicInteger();
    AtomicInteger cancelled = new AtomicInteger();
    Runs.exec(backend, () -> {
      for (int round = 0; round < ROUNDS; round++) {
        CompletableFuture<String> future = new CompletableFuture<>();
        runRound(new Round() {
          @Override public void operation() { Futures.awaitWithoutCancelling(future); }
          @Override public void grant() { future.complete("result"); }
        }, early, cancelled);
      }
    });
    report(backend, "Futures.await", early, cancelled);
  }

  /** Rounds for a resource held by the host while the task under test waits to acquire it. */
  private static void race(Backend backend, String what, Runnable hostAcquire,
      Runnable acquire, Runnable hostRelease, Runnable release) {
    AtomicInteger early = new AtomicInteger();
    AtomicInteger cancelled = new AtomicInteger();
    Runs.exec(backend, () -> {
      for (int round = 0; round < ROUNDS; round++) {
        hostAcquire.run();
        runRound(new Round() {
          @Override public void operation() {
            acquire.run();
            release.run();
          }
          @Override public void grant() { hostRelease.run(); }
        }, early, cancelled);
      }
    });
    report(backend, what, early, cancelled);
  }

  /**
   * The task under test tells the host it is about to start the operation; the host cancels the
   * task's group, and after cancel() returned, grants in a shield. The operation must throw.
   */
  private static void runRound(Round round, AtomicInteger early, AtomicInteger cancelled) {
    TaskGroup.run(group -> {
      group.start(status -> {
        status.started();
        try {
          round.operation();
          early.incrementAndGet();
        } catch (CancelledException expected) {
          cancelled.incrementAndGet();
          throw expected;
        }
      });
      group.cancelScope().cancel();
      CancelScope.shielded().run(round::grant);
    });
  }

  private static void report(Backend backend, String what, AtomicInteger early,
      AtomicInteger cancelled) {
    System.out.printf("CancelFirstRaceStressTest[%s] %s: rounds=%d cancelled=%d early grants=%d%n",
        backend.name(), what, ROUNDS, cancelled.get(), early.get());
    assertEquals(0, early.get(), what + ": operations granted after their cancellation returned");
    assertEquals(ROUNDS, cancelled.get());
  }
}
