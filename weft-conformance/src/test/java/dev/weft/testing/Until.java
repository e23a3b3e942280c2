package dev.weft.testing;

import dev.weft.Weft;
import dev.weft.internal.core.Waiter;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a state that no event announces, such as "the task is queued on the stream". It spins
 * rather than sleeping: there is no timing in it, only the state. Each spin is a cancel-shielded
 * checkpoint, so that on the deterministic backend the other tasks get their turns, and a thread
 * yield, so that on the thread backends they get the processor.
 */
public final class Until {

  private Until() {}

  /** Returns once {@code condition} holds. */
  public static void until(BooleanSupplier condition) {
    while (!condition.getAsBoolean()) {
      Weft.cancelShieldedCheckpoint();
      Thread.yield();
    }
  }

  /**
   * Returns once the thread that {@code thread} supplies (spinning while it supplies {@code null})
   * is parked in a Weft wait: its park blocker is a {@link Waiter}, which it sets only after it
   * published the waiter and checked for cancellation. From then on a cancellation aborts that
   * wait, instead of racing the task's own check; a test that needs the cancellation to win over a
   * later grant waits for this first. ("Queued" in a primitive's statistics is not enough: the task
   * may not have reached its park yet, and a grant made then legitimately wins.)
   */
  public static void parkedInWeft(Supplier<Thread> thread) {
    until(() -> thread.get() != null);
    Thread t = thread.get();
    until(() -> LockSupport.getBlocker(t) instanceof Waiter);
  }
}
