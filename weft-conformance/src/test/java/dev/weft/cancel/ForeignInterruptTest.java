package dev.weft.cancel;

import static dev.weft.testing.Until.isParkedInWeft;
import static dev.weft.testing.Until.parkedInWeft;
import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ThrowingRunnable;
import dev.weft.Weft;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.sync.Event;
import dev.weft.task.TaskGroup;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An interrupt that another thread sends to a task parked in a Weft wait is not Weft's (B4): the
 * park holds it while it waits on, and it is still set after a later cancellation of the task's
 * scope was caught. (The park used to absorb it where the canceller could not see it, so the
 * canceller took it for its own and cleared it afterwards.)
 */
class ForeignInterruptTest {

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM) // another thread interrupts the task
  void interruptWhileAwaitingAnEvent_survivesACancellationItsScopeCatches(Backend backend) {
    Event never = new Event();
    assertTrue(survivesACaughtCancellation(backend, never::await));
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void interruptWhileSleeping_survivesACancellationItsScopeCatches(Backend backend) {
    assertTrue(survivesACaughtCancellation(backend, Weft::sleepForever));
  }

  /**
   * A task waits in {@code wait} inside a scope; another thread interrupts it, and once its park
   * has taken the interrupt and parked again, the scope is cancelled. Returns whether the task's
   * interrupt status was still set after its scope caught the cancellation.
   */
  private static boolean survivesACaughtCancellation(Backend backend, ThrowingRunnable<?> wait) {
    CancelScope scope = CancelScope.create();
    AtomicReference<Thread> waiter = new AtomicReference<>();
    AtomicBoolean stillSet = new AtomicBoolean();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("waiter", () -> {
        waiter.set(Thread.currentThread());
        scope.run(wait);
        stillSet.set(Thread.interrupted());
      });
      parkedInWeft(waiter::get);
      Thread t = waiter.get();
      Thread.ofPlatform().start(t::interrupt).join(); // a thread outside Weft interrupts it
      until(() -> !t.isInterrupted() && isParkedInWeft(t));
      scope.cancel();
    }));

    assertTrue(scope.cancelledCaught());
    return stillSet.get();
  }
}
