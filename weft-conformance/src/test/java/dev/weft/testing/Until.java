package dev.weft.testing;

import dev.weft.Weft;
import java.util.function.BooleanSupplier;

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
}
