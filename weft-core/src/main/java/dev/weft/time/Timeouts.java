package dev.weft.time;

import dev.weft.ThrowingRunnable;
import dev.weft.ThrowingSupplier;
import dev.weft.cancel.CancelScope;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs code with a time limit: {@code moveOn} variants stop the body silently when time runs out,
 * {@code fail} variants stop it and throw {@link DeadlineExceededException}.
 *
 * <p>Each method runs the body in a new {@link CancelScope} whose deadline cancels it; everything
 * said there applies. A relative timeout starts when the scope is entered, which is when the
 * method is called. A timeout of zero, or a deadline that has passed, cancels the body at its first
 * checkpoint.
 */
public final class Timeouts {

  private Timeouts() {}

  /**
   * Runs {@code body}, cancelling it if it takes longer than {@code timeout}.
   *
   * @return the scope that ran the body; {@link CancelScope#cancelledCaught()} tells whether the
   *     time ran out
   * @throws IllegalArgumentException if {@code timeout} is negative or longer than {@link
   *     Long#MAX_VALUE} nanoseconds
   */
  public static <X extends Exception> CancelScope moveOnAfter(
      Duration timeout, ThrowingRunnable<X> body) throws X {
    CancelScope scope = CancelScope.withTimeout(timeout);
    scope.run(body);
    return scope;
  }

  /**
   * Runs {@code body}, cancelling it at {@code deadline}.
   *
   * @return the scope that ran the body; {@link CancelScope#cancelledCaught()} tells whether the
   *     deadline passed
   */
  public static <X extends Exception> CancelScope moveOnAt(
      Deadline deadline, ThrowingRunnable<X> body) throws X {
    CancelScope scope = CancelScope.withDeadline(deadline);
    scope.run(body);
    return scope;
  }

  /**
   * Runs {@code body} and returns its result, or throws if it takes longer than {@code timeout}.
   *
   * @throws DeadlineExceededException if the time ran out (the body was cancelled and has ended)
   * @throws IllegalArgumentException if {@code timeout} is negative or longer than {@link
   *     Long#MAX_VALUE} nanoseconds
   */
  public static <T, X extends Exception> T failAfter(
      Duration timeout, ThrowingSupplier<T, X> body) throws X {
    return failIn(CancelScope.withTimeout(timeout), body);
  }

  /** As {@link #failAfter(Duration, ThrowingSupplier)}, for a body without a result. */
  public static <X extends Exception> void failAfter(Duration timeout, ThrowingRunnable<X> body)
      throws X {
    failIn(CancelScope.withTimeout(timeout), asSupplier(body));
  }

  /**
   * Runs {@code body} and returns its result, or throws if {@code deadline} passes first.
   *
   * @throws DeadlineExceededException if the deadline passed (the body was cancelled and has ended)
   */
  public static <T, X extends Exception> T failAt(Deadline deadline, ThrowingSupplier<T, X> body)
      throws X {
    return failIn(CancelScope.withDeadline(deadline), body);
  }

  /** As {@link #failAt(Deadline, ThrowingSupplier)}, for a body without a result. */
  public static <X extends Exception> void failAt(Deadline deadline, ThrowingRunnable<X> body)
      throws X {
    failIn(CancelScope.withDeadline(deadline), asSupplier(body));
  }

  private static <T, X extends Exception> T failIn(CancelScope scope, ThrowingSupplier<T, X> body)
      throws X {
    T result = scope.call(body).orElse(null);
    if (scope.cancelledCaught()) {
      throw new DeadlineExceededException(scope.deadline());
    }
    return result;
  }

  private static <X extends Exception> ThrowingSupplier<Void, X> asSupplier(
      ThrowingRunnable<X> body) {
    Objects.requireNonNull(body, "body");
    return () -> {
      body.run();
      return null;
    };
  }
}
