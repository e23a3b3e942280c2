package dev.weft.cancel;

import java.util.Objects;

/**
 * Thrown at a checkpoint of a task whose enclosing cancel scope was cancelled; the task should let
 * it propagate so that the scope can catch it.
 *
 * <p>Cancellation is level-triggered: as long as the task stays inside an effectively cancelled
 * scope, every checkpoint throws a new {@code CancelledException}, however often the task catches
 * one. The exception names the {@linkplain #scope() scope} that will catch it: the outermost
 * cancelled scope visible from the task when it was thrown. See {@link dev.weft.cancel} for the
 * rules.
 *
 * <p>It is an {@link Error}, not an {@link Exception} (ADR 0008, as Trio's {@code Cancelled} is a
 * {@code BaseException} and the JDK's {@code ThreadDeath} was an {@code Error}): a {@code catch
 * (Exception e)} that logs and goes on does not swallow it, so a loop around such a handler ends at
 * its first cancellation. Catch it by name only to clean up, and rethrow it; a task that swallows
 * thousands of them (in a {@code catch (Throwable t)}) is reported in the log.
 *
 * <p>Outside a Weft task (a plain thread that uses a stream), Weft's blocking operations throw
 * this exception when the thread is interrupted; then {@link #scope()} is {@code null}.
 */
public final class CancelledException extends Error {

  private static final long serialVersionUID = 1L;

  private final transient CancelScope scope;
  /** Why the scope was cancelled; see {@link #reason()}. */
  private final String reason;

  /** Whether the scope was cancelled because its deadline expired. */
  private final boolean deadlineExpired;

  CancelledException(
      CancelScope scope, String reason, String cancelledBy, boolean deadlineExpired) {
    super(message(scope, reason, cancelledBy, deadlineExpired));
    this.scope = scope;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.deadlineExpired = deadlineExpired;
  }

  private static String message(
      CancelScope scope, String reason, String cancelledBy, boolean deadlineExpired) {
    String by = cancelledBy != null ? " by " + cancelledBy : "";
    if (scope == null) {
      return "cancelled: " + reason + by;
    }
    // Not scope.toString(): it reads the scope's state under its run's lock, which the code that
    // builds this exception may hold.
    return (deadlineExpired ? "deadline expired: " : "cancelled: ") + reason + by
        + " (CancelScope@" + Integer.toHexString(System.identityHashCode(scope)) + ")";
  }

  /**
   * Returns the scope whose cancellation this is, or {@code null} when a thread outside Weft was
   * interrupted.
   *
   * <p>The scope is not serialized: a deserialized exception returns {@code null}.
   *
   * @return the scope this cancellation is aimed at, or {@code null}
   */
  public CancelScope scope() {
    return scope;
  }

  /**
   * Returns the reason given to {@link CancelScope#cancel(String)}, or a description of what
   * cancelled the scope (its deadline passed, a task of its group failed, a thread outside Weft
   * was interrupted). Unlike the message, it does not name who called {@code cancel}.
   *
   * @return the reason, never {@code null}
   */
  public String reason() {
    return reason;
  }

  /**
   * Returns whether the scope was cancelled because its deadline expired; then the message starts
   * with "deadline expired" rather than "cancelled".
   *
   * @return {@code true} if the scope's deadline expired, {@code false} if it was cancelled
   *     otherwise
   */
  public boolean deadlineExpired() {
    return deadlineExpired;
  }
}
