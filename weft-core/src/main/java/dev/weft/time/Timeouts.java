package dev.weft.time;

import dev.weft.ThrowingRunnable;
import dev.weft.ThrowingSupplier;
import dev.weft.cancel.CancelScope;
import dev.weft.internal.core.ApiAccess;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

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
   * Runs {@code body}, cancelling it if it takes longer than {@code timeout}. Returns normally
   * when the time runs out.
   *
   * @param <X> the checked exception the body may throw
   * @param timeout at least zero and at most {@link Long#MAX_VALUE} nanoseconds
   * @param body the code to run
   * @return the scope that ran the body; {@link CancelScope#cancelledCaught()} tells whether the
   *     time ran out
   * @throws IllegalArgumentException if {@code timeout} is negative or longer than {@link
   *     Long#MAX_VALUE} nanoseconds
   * @throws IllegalStateException if the caller is not a Weft task
   * @throws X what the body throws
   */
  public static <X extends Exception> CancelScope moveOnAfter(
      Duration timeout, ThrowingRunnable<X> body) throws X {
    CancelScope scope = CancelScope.withTimeout(timeout);
    scope.run(body);
    return scope;
  }

  /**
   * Runs {@code body}, cancelling it at {@code deadline}. Returns normally when the deadline
   * passes.
   *
   * @param <X> the checked exception the body may throw
   * @param deadline when to cancel the body; one that has passed cancels it at its first
   *     checkpoint
   * @param body the code to run
   * @return the scope that ran the body; {@link CancelScope#cancelledCaught()} tells whether the
   *     deadline passed
   * @throws IllegalStateException if the caller is not a Weft task
   * @throws X what the body throws
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
   * @param <T> the type of the body's result
   * @param <X> the checked exception the body may throw
   * @param timeout at least zero and at most {@link Long#MAX_VALUE} nanoseconds
   * @param body the code to run
   * @return what the body returned
   * @throws DeadlineExceededException if the time ran out (the body was cancelled and has ended)
   * @throws IllegalArgumentException if {@code timeout} is negative or longer than {@link
   *     Long#MAX_VALUE} nanoseconds
   * @throws dev.weft.cancel.CancelledException if a scope outside was cancelled; that
   *     cancellation propagates instead of a {@code DeadlineExceededException}
   * @throws IllegalStateException if the caller is not a Weft task
   * @throws X what the body throws
   */
  public static <T, X extends Exception> T failAfter(
      Duration timeout, ThrowingSupplier<T, X> body) throws X {
    return failIn(CancelScope.withTimeout(timeout), body);
  }

  /**
   * As {@link #failAfter(Duration, ThrowingSupplier)}, for a body without a result.
   *
   * @param <X> the checked exception the body may throw
   * @param timeout at least zero and at most {@link Long#MAX_VALUE} nanoseconds
   * @param body the code to run
   * @throws DeadlineExceededException if the time ran out (the body was cancelled and has ended)
   * @throws IllegalArgumentException if {@code timeout} is negative or longer than {@link
   *     Long#MAX_VALUE} nanoseconds
   * @throws dev.weft.cancel.CancelledException if a scope outside was cancelled; that
   *     cancellation propagates instead of a {@code DeadlineExceededException}
   * @throws IllegalStateException if the caller is not a Weft task
   * @throws X what the body throws
   */
  public static <X extends Exception> void failAfter(Duration timeout, ThrowingRunnable<X> body)
      throws X {
    failIn(CancelScope.withTimeout(timeout), asSupplier(body));
  }

  /**
   * Runs {@code body} and returns its result, or throws if {@code deadline} passes first.
   *
   * @param <T> the type of the body's result
   * @param <X> the checked exception the body may throw
   * @param deadline when to cancel the body; one that has passed cancels it at its first
   *     checkpoint
   * @param body the code to run
   * @return what the body returned
   * @throws DeadlineExceededException if the deadline passed (the body was cancelled and has ended)
   * @throws dev.weft.cancel.CancelledException if a scope outside was cancelled; that
   *     cancellation propagates instead of a {@code DeadlineExceededException}
   * @throws IllegalStateException if the caller is not a Weft task
   * @throws X what the body throws
   */
  public static <T, X extends Exception> T failAt(Deadline deadline, ThrowingSupplier<T, X> body)
      throws X {
    return failIn(CancelScope.withDeadline(deadline), body);
  }

  /**
   * As {@link #failAt(Deadline, ThrowingSupplier)}, for a body without a result.
   *
   * @param <X> the checked exception the body may throw
   * @param deadline when to cancel the body; one that has passed cancels it at its first
   *     checkpoint
   * @param body the code to run
   * @throws DeadlineExceededException if the deadline passed (the body was cancelled and has ended)
   * @throws dev.weft.cancel.CancelledException if a scope outside was cancelled; that
   *     cancellation propagates instead of a {@code DeadlineExceededException}
   * @throws IllegalStateException if the caller is not a Weft task
   * @throws X what the body throws
   */
  public static <X extends Exception> void failAt(Deadline deadline, ThrowingRunnable<X> body)
      throws X {
    failIn(CancelScope.withDeadline(deadline), asSupplier(body));
  }

  /**
   * Runs {@code body} and returns its value in an {@code Optional}, or an empty one if it takes
   * longer than {@code timeout} (Kotlin's {@code withTimeoutOrNull}).
   *
   * @param <T> the type of the body's result
   * @param <X> the checked exception the body may throw
   * @param timeout at least zero and at most {@link Long#MAX_VALUE} nanoseconds
   * @param body the code to run; it must not return {@code null}
   * @return the body's value, or empty exactly when the time ran out (the body was cancelled and
   *     has ended)
   * @throws NullPointerException if the body returned {@code null}, so that empty always means
   *     the time ran out
   * @throws IllegalArgumentException if {@code timeout} is negative or longer than {@link
   *     Long#MAX_VALUE} nanoseconds
   * @throws IllegalStateException if the caller is not a Weft task
   * @throws X what the body throws
   */
  public static <T, X extends Exception> Optional<T> resultWithin(
      Duration timeout, ThrowingSupplier<T, X> body) throws X {
    return resultIn(CancelScope.withTimeout(timeout), body, "resultWithin");
  }

  /**
   * Runs {@code body} and returns its value in an {@code Optional}, or an empty one if {@code
   * deadline} passes first.
   *
   * @param <T> the type of the body's result
   * @param <X> the checked exception the body may throw
   * @param deadline when to cancel the body; one that has passed cancels it at its first
   *     checkpoint
   * @param body the code to run; it must not return {@code null}
   * @return the body's value, or empty exactly when the deadline passed (the body was cancelled
   *     and has ended)
   * @throws NullPointerException if the body returned {@code null}
   * @throws IllegalStateException if the caller is not a Weft task
   * @throws X what the body throws
   */
  public static <T, X extends Exception> Optional<T> resultBy(
      Deadline deadline, ThrowingSupplier<T, X> body) throws X {
    return resultIn(CancelScope.withDeadline(deadline), body, "resultBy");
  }

  private static <T, X extends Exception> Optional<T> resultIn(
      CancelScope scope, ThrowingSupplier<T, X> body, String method) throws X {
    Objects.requireNonNull(body, "body");
    boolean[] returned = {false};
    Optional<T> result = scope.call(() -> {
      T value = body.get();
      returned[0] = true;
      return value;
    });
    if (returned[0] && result.isEmpty()) {
      throw new NullPointerException("Timeouts." + method + ": the body returned null; return a"
          + " value (empty means the time ran out), or use moveOn for a body without one");
    }
    return result;
  }

  /**
   * Runs {@code body} in {@code scope}, a scope the caller made with a deadline, and throws if
   * that deadline cancels it: {@link #failAfter(Duration, ThrowingSupplier)} with its scope in
   * reach, so that the body and the caller can read {@link CancelScope#cancelCalled()} and {@link
   * CancelScope#cancelledCaught()}, or move the deadline (AnyIO's {@code with fail_after(...) as
   * scope}).
   *
   * <pre>{@code
   * CancelScope scope = CancelScope.withTimeout(Duration.ofSeconds(5));
   * Page page = Timeouts.failIn(scope, () -> fetch(url));
   * }</pre>
   *
   * @param <T> the type of the body's result
   * @param <X> the checked exception the body may throw
   * @param scope a scope not yet entered, usually from {@link CancelScope#withTimeout} or {@link
   *     CancelScope#withDeadline}
   * @param body the code to run
   * @return what the body returned, or {@code null} if the scope caught an explicit {@link
   *     CancelScope#cancel()}
   * @throws DeadlineExceededException if the scope caught a cancellation that its deadline caused
   * @throws dev.weft.cancel.CancelledException if a scope outside was cancelled
   * @throws IllegalStateException if {@code scope} was entered before, or the caller is not a
   *     Weft task
   * @throws NullPointerException if {@code scope} or {@code body} is null
   * @throws X what the body throws
   */
  public static <T, X extends Exception> T failIn(CancelScope scope, ThrowingSupplier<T, X> body)
      throws X {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(body, "body");
    T result = scope.call(body).orElse(null);
    if (scope.cancelledCaught() && ApiAccess.nodeOf(scope).cancelledByDeadline()) {
      throw new DeadlineExceededException(scope.deadline());
    }
    return result;
  }

  /**
   * As {@link #failIn(CancelScope, ThrowingSupplier)}, for a body without a result.
   *
   * @param <X> the checked exception the body may throw
   * @param scope a scope not yet entered, usually from {@link CancelScope#withTimeout} or {@link
   *     CancelScope#withDeadline}
   * @param body the code to run
   * @throws DeadlineExceededException if the scope caught a cancellation that its deadline caused
   * @throws dev.weft.cancel.CancelledException if a scope outside was cancelled
   * @throws IllegalStateException if {@code scope} was entered before, or the caller is not a
   *     Weft task
   * @throws NullPointerException if {@code scope} or {@code body} is null
   * @throws X what the body throws
   */
  public static <X extends Exception> void failIn(CancelScope scope, ThrowingRunnable<X> body)
      throws X {
    failIn(scope, asSupplier(body));
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
