package dev.weft.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Futures;
import dev.weft.cancel.CancelScope;
import dev.weft.stream.MemoryReceiveStream;
import dev.weft.stream.MemorySendStream;
import dev.weft.stream.MemoryStream;
import dev.weft.sync.CapacityLimiter;
import dev.weft.sync.Condition;
import dev.weft.sync.Event;
import dev.weft.sync.Lock;
import dev.weft.sync.Semaphore;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model-checks, with Lincheck on platform threads, that a cancellation which returned first always
 * wins (L2, S2, E1, F4): a task starts a blocking operation inside a scope while this thread cancels
 * the scope and, once {@code cancel()} has returned, releases, sets, signals or sends. In every
 * interleaving the operation takes nothing and the scope catches the cancellation.
 *
 * <p>What seeding each half of the bug showed: with no cancellation check where an operation takes
 * effect without waiting (the lock free, an item there, the event set), Lincheck finds within 250
 * invocations, for the five primitives that have such a path, the task that passed its opening
 * checkpoint before {@code cancel()} and then finds the resource free. With the waiter published
 * only when it parks, after it was queued, it needed 3,000 invocations to find the queued waiter
 * that {@code cancel()} could not see (for {@code Event}; not found for the others in 2,000 even
 * when cancelling only once the task was queued). {@code CancelFirstRaceStressTest} on real threads
 * finds that half for six of the seven operations in one run; the two together are the evidence.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // model checking is slow on a loaded machine
class CancelFirstModelCheckTest {

  private static final int INVOCATIONS = Integer.getInteger("weft.modelcheck.invocations", 250);

  @BeforeAll
  static void initialiseApiClasses() {
    CancelScope.create(); // see SyncModelCheckTest: Lincheck restores static state per invocation
  }

  @Test
  void lockReleasedAfterCancel_isNeverAcquired() {
    check(() -> {
      Lock lock = new Lock();
      assertTrue(lock.tryAcquire()); // held by this thread, which is not a task
      return new Scenario(() -> {
        lock.acquire();
        lock.release();
      }, lock::release, () -> assertFalse(lock.isLocked()));
    });
  }

  @Test
  void semaphoreReleasedAfterCancel_neverGrantsThePermit() {
    check(() -> {
      Semaphore semaphore = Semaphore.bounded(0, 1);
      return new Scenario(() -> {
        semaphore.acquire();
        semaphore.release();
      }, semaphore::release, () -> assertEquals(1, semaphore.statistics().value()));
    });
  }

  @Test
  void limiterReleasedAfterCancel_neverLendsTheToken() {
    check(() -> {
      CapacityLimiter limiter = CapacityLimiter.create(1);
      assertTrue(limiter.tryAcquireOnBehalfOf("holder"));
      return new Scenario(() -> {
        limiter.acquireOnBehalfOf("waiter");
        limiter.releaseOnBehalfOf("waiter");
      },
          () -> limiter.releaseOnBehalfOf("holder"),
          () -> assertEquals(0, limiter.statistics().borrowedTokens()));
    });
  }

  @Test
  void conditionSignalledAfterCancel_doesNotWakeTheCancelledWaiter() {
    check(() -> {
      Condition condition = new Condition();
      return new Scenario(() -> condition.lock().withLock(() -> condition.await()),
          () -> condition.lock().withLock(() -> condition.signal()),
          () -> assertEquals(0, condition.statistics().tasksWaiting()));
    });
  }

  @Test
  void eventSetAfterCancel_doesNotEndAWait() {
    check(() -> {
      Event event = new Event();
      return new Scenario(event::await, event::set,
          () -> assertEquals(0, event.statistics().tasksWaiting()));
    });
  }

  @Test
  void futureCompletedAfterCancel_isNotReturned() {
    check(() -> {
      CompletableFuture<String> future = new CompletableFuture<>();
      return new Scenario(() -> Futures.awaitWithoutCancelling(future),
          () -> future.complete("result"), () -> assertTrue(future.isDone()));
    });
  }

  @Test
  void itemSentAfterCancel_isNotTakenByTheCancelledReceiver() {
    check(() -> {
      MemoryStream<String> stream = MemoryStream.create(1);
      MemorySendStream<String> tx = stream.sendStream();
      MemoryReceiveStream<String> rx = stream.receiveStream();
      return new Scenario(rx::receive,
          () -> assertTrue(tx.trySend("item")),
          () -> assertEquals(Optional.of("item"), rx.tryReceive()));
    });
  }

  @Test
  void itemTakenAfterCancel_isNotTheCancelledSendersItem() {
    check(() -> {
      MemoryStream<String> stream = MemoryStream.create(0);
      MemorySendStream<String> tx = stream.sendStream();
      MemoryReceiveStream<String> rx = stream.receiveStream();
      return new Scenario(() -> tx.send("item"),
          () -> assertEquals(Optional.empty(), rx.tryReceive()),
          () -> assertEquals(0, rx.statistics().tasksWaitingSend()));
    });
  }

  /**
   * What one invocation does: {@code operation} runs in a task inside a scope; {@code grant} runs
   * on this thread after the scope's cancel() returned; {@code finalCheck} after the task ended.
   */
  private record Scenario(Runnable operation, Runnable grant, Runnable finalCheck) {}

  private interface ScenarioFactory {
    Scenario create();
  }

  private static void check(ScenarioFactory factory) {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> {
      HandDrivenTasks run = new HandDrivenTasks();
      AtomicReference<Task> task = new AtomicReference<>(run.newTask());
      AtomicReference<Scenario> scenario = new AtomicReference<>(factory.create());
      AtomicReference<CancelScope> scope = new AtomicReference<>(CancelScope.create());
      AtomicBoolean granted = new AtomicBoolean();

      Thread waiting = new Thread(() -> {
        HandDrivenTasks.become(task.get());
        scope.get().run(() -> {
          scenario.get().operation().run();
          granted.set(true);
        });
      });
      waiting.start();
      scope.get().cancel();
      scenario.get().grant().run(); // starts only after cancel() returned
      join(waiting);

      assertFalse(granted.get(), "granted after the cancellation returned");
      assertTrue(scope.get().cancelledCaught());
      scenario.get().finalCheck().run();
    });
  }

  private static void join(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
