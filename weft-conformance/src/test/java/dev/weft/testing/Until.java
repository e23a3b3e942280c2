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
   * is parked in a Weft wait (see {@link #isParkedInWeft}). (Since P4, being queued is enough for
   * a cancellation to win over a later grant; tests that wait for the park show the parked case.)
   */
  public static void parkedInWeft(Supplier<Thread> thread) {
    until(() -> thread.get() != null);
    Thread t = thread.get();
    until(() -> isParkedInWeft(t));
  }

  /**
   * Whether {@code t} is parked in a Weft wait: it has a park blocker (the resource it waits on,
   * semantics O7) and {@link Waiter#await} is on its stack.
   */
  public static boolean isParkedInWeft(Thread t) {
    if (LockSupport.getBlocker(t) == null) {
      return false;
    }
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().equals(Waiter.class.getName()) && e.getMethodName().equals("await")) {
        return true;
      }
    }
    return false;
  }
}
