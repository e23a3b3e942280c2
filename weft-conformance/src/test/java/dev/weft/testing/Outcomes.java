package dev.weft.testing;

import dev.weft.ThrowingRunnable;

/** Captures what a piece of test code throws, so that a test can assert on it afterwards. */
public final class Outcomes {

  private Outcomes() {}

  /** Runs {@code body} and returns what it threw, or {@code null}. */
  public static Throwable thrownBy(ThrowingRunnable<?> body) {
    try {
      body.run();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  /**
   * Runs {@code operation} and returns the unchecked exception it threw, or {@code null}; an
   * {@link Error} (a failed assertion) propagates.
   */
  public static RuntimeException failureOf(Runnable operation) {
    try {
      operation.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }
}
