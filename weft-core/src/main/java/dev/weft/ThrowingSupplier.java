package dev.weft;

/**
 * A body of code that returns a value and may throw {@code X}. When a lambda throws no checked
 * exception, {@code X} is inferred as {@link RuntimeException}.
 *
 * @param <T> the type of the result
 * @param <X> the checked exception the body may throw
 */
@FunctionalInterface
public interface ThrowingSupplier<T, X extends Exception> {
  /**
   * Runs the body and returns its result.
   *
   * @return the body's result
   * @throws X if the body fails with it
   */
  T get() throws X;
}
