package dev.weft.testing;

import java.util.function.BooleanSupplier;

/**
 * Waits for a state that no event announces, such as "the task is queued on the stream". It spins
 * with {@link Thread#yield()} rather than sleeping: there is no timing in it, only the state.
 */
public final class Until {

  private Until() {}

  /** Returns once {@code condition} holds. */
  public static void until(BooleanSupplier condition) {
    while (!condition.getAsBoolean()) {
      Thread.yield();
    }
  }
}
