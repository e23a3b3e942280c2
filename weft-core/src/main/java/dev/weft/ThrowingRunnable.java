package dev.weft;

/**
 * A body of code that returns nothing and may throw {@code X}. When a lambda throws no checked
 * exception, {@code X} is inferred as {@link RuntimeException}, so the Weft method that runs it
 * declares no checked exception either.
 *
 * @param <X> the checked exception the body may throw
 */
@FunctionalInterface
public interface ThrowingRunnable<X extends Exception> {
  /**
   * Runs the body.
   *
   * @throws X if the body fails with it
   */
  void run() throws X;
}
