package dev.weft.cancel;

import dev.weft.ThrowingRunnable;
import dev.weft.ThrowingSupplier;
import dev.weft.internal.core.ApiAccess;
import dev.weft.internal.core.Scope;
import dev.weft.internal.guard.StackHeadroom;
import dev.weft.internal.core.Rethrow;
import dev.weft.internal.core.Task;
import dev.weft.internal.time.Durations;
import dev.weft.time.Deadline;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A region of a task's code that can be cancelled as a whole: cancelling the scope cancels every
 * task and scope nested in it, and the scope catches the resulting {@link CancelledException}
 * when it leaves.
 *
 * <p>A scope is entered by {@link #run} or {@link #call} and left when the body ends; it cannot
 * be entered twice. It may be configured and cancelled before it is entered: a cancellation or a
 * deadline takes effect on entry.
 *
 * <h2>Cancellation</h2>
 * {@link #cancel(String)} marks the scope cancelled and returns; it never throws into the caller,
 * even when the caller is inside the scope. Every task inside the scope then gets a {@code
 * CancelledException} at each of its {@linkplain dev.weft.cancel checkpoints}, until it leaves the
 * scope. When the exception reaches the scope's end, the scope catches it, {@link
 * #cancelledCaught()} becomes {@code true}, and {@code run} returns normally, unless a cancelled
 * scope outside this one is visible (not hidden by a shield): then the exception travels on to the
 * outermost such scope. A scope never catches a cancellation that was not raised for it or for a
 * scope nested in it.
 *
 * <h2>Deadlines</h2>
 * A deadline is a point on the run's clock ({@link Deadline}); when it passes, the scope cancels
 * itself. It can be read and moved at any time; moving it while the scope is active re-arms it,
 * and a deadline that has already passed cancels the scope at once.
 *
 * <h2>Shields</h2>
 * A shielded scope hides every cancellation of the scopes outside it from the code inside it (so
 * that cleanup can wait, for instance to send a last message). It never hides its own
 * cancellation. The shield can be raised and lowered while the scope is active.
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread. {@link #run} and {@link #call} must be called from a
 * Weft task. Changes made by {@code cancel}, {@code setDeadline} and {@code setShielded} are
 * visible to every task in the scope at its next checkpoint.
 */
public final class CancelScope {

  static {
    ApiAccess.install(
        new ApiAccess.Bridge() {
          @Override
          public Scope node(CancelScope scope) {
            return scope.node;
          }

          @Override
          public CancelScope newScope() {
            return new CancelScope(Scope.NEVER, -1, false);
          }

          @Override
          public CancelledException cancelled(
              CancelScope scope, String reason, String cancelledBy, boolean deadlineExpired) {
            return new CancelledException(scope, reason, cancelledBy, deadlineExpired);
          }
        });
  }

  private final Scope node;

  private CancelScope(long deadline, long relativeTimeoutNanos, boolean shielded) {
    this.node = new Scope(this, deadline, relativeTimeoutNanos, shielded);
  }

  /**
   * Returns a new scope without deadline or shield.
   *
   * @return a new scope, not yet entered
   */
  public static CancelScope create() {
    return new CancelScope(Scope.NEVER, -1, false);
  }

  /**
   * Returns a new scope that cancels itself at {@code deadline}.
   *
   * @param deadline a point on the run's clock, or {@link Deadline#NEVER}
   * @return a new scope, not yet entered
   * @throws NullPointerException if {@code deadline} is null
   */
  public static CancelScope withDeadline(Deadline deadline) {
    Objects.requireNonNull(deadline, "deadline");
    return new CancelScope(deadline.toNanos(), -1, false);
  }

  /**
   * Returns a new scope that cancels itself {@code timeout} after it is entered. Until it is
   * entered, {@link #deadline()} is {@link Deadline#NEVER}.
   *
   * @param timeout at least zero and at most {@link Long#MAX_VALUE} nanoseconds (about 292 years)
   * @return a new scope, not yet entered
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative or too long
   */
  public static CancelScope withTimeout(Duration timeout) {
    return new CancelScope(Scope.NEVER, Durations.toNanos(timeout, "timeout"), false);
  }

  /**
   * Returns a new shielded scope, for cleanup that must not be interrupted by cancellation.
   *
   * @return a new shielded scope, not yet entered
   */
  public static CancelScope shielded() {
    return new CancelScope(Scope.NEVER, -1, true);
  }

  /**
   * Enters this scope, runs {@code body} in it, and leaves it.
   *
   * <p>Returns normally when the body returns, and when the body ended with this scope's own
   * cancellation (then {@link #cancelledCaught()} is {@code true}). Anything else the body throws
   * propagates unchanged, except that an {@link InterruptedException} thrown while the task is
   * cancelled becomes that cancellation.
   *
   * @param <X> the checked exception the body may throw
   * @param body the code to run inside this scope
   * @throws IllegalStateException if this scope was already entered, or the caller is not a Weft
   *     task
   * @throws NullPointerException if {@code body} is null
   * @throws CancelledException a cancellation that this scope does not catch: one aimed at a
   *     cancelled scope outside it, or one raised elsewhere
   * @throws X what the body throws
   */
  public <X extends Exception> void run(ThrowingRunnable<X> body) throws X {
    Objects.requireNonNull(body, "body");
    call(
        () -> {
          body.run();
          return null;
        });
  }

  /**
   * Enters this scope, runs {@code body} in it, and returns its result: empty when this scope
   * caught its own cancellation (or the body returned {@code null}; {@link #cancelledCaught()}
   * tells the two apart). Otherwise as {@link #run}.
   *
   * @param <T> the type of the body's result
   * @param <X> the checked exception the body may throw
   * @param body the code to run inside this scope
   * @return the body's result, or empty if this scope caught its own cancellation or the body
   *     returned {@code null}
   * @throws IllegalStateException if this scope was already entered, or the caller is not a Weft
   *     task
   * @throws NullPointerException if {@code body} is null
   * @throws CancelledException a cancellation that this scope does not catch: one aimed at a
   *     cancelled scope outside it, or one raised elsewhere
   * @throws X what the body throws
   */
  public <T, X extends Exception> Optional<T> call(ThrowingSupplier<T, X> body) throws X {
    Objects.requireNonNull(body, "body");
    Task task = Task.require("CancelScope.run");
    StackHeadroom.ensure(); // an overflow strikes here, never between entry and exit
    node.enter(task);
    T result = null;
    Throwable outcome = null;
    try {
      result = body.get();
    } catch (Throwable t) {
      outcome = t;
    }
    Throwable thrown = node.exit(task, outcome);
    if (thrown != null) {
      throw Rethrow.<X>unchanged(thrown);
    }
    return Optional.ofNullable(result);
  }


  /** Cancels this scope; see {@link #cancel(String)}. */
  public void cancel() {
    cancel("cancel() was called");
  }

  /**
   * Cancels this scope: every task inside it is cancelled at its next checkpoint. Idempotent; the
   * first reason is kept. Before entry, the scope will be cancelled as soon as it is entered;
   * after exit, this has no effect but {@link #cancelCalled()}.
   *
   * @param reason why, shown in the {@link CancelledException}
   * @throws NullPointerException if {@code reason} is null
   */
  public void cancel(String reason) {
    node.cancel(Objects.requireNonNull(reason, "reason"));
  }

  /**
   * Returns whether this scope was cancelled, by {@link #cancel} or by its deadline. Stays
   * {@code true} once it is; also set by a cancel after the scope was left.
   *
   * @return {@code true} if this scope has been cancelled
   */
  public boolean cancelCalled() {
    return node.cancelCalled();
  }

  /**
   * Returns whether this scope caught its own cancellation when it was left. A cancelled scope
   * left without reaching a checkpoint caught nothing.
   *
   * @return {@code true} if this scope swallowed a {@link CancelledException} on exit
   */
  public boolean cancelledCaught() {
    return node.cancelledCaught();
  }

  /**
   * Returns this scope's deadline, or {@link Deadline#NEVER}. A scope made by {@link
   * #withTimeout} has none until it is entered.
   *
   * @return this scope's current deadline
   */
  public Deadline deadline() {
    return Deadline.ofNanos(node.deadline());
  }

  /**
   * Moves this scope's deadline; while the scope is active, the new deadline replaces the old one
   * at once (a deadline that has passed cancels the scope). Set before entry, it replaces the
   * relative timeout of a scope made by {@link #withTimeout}.
   *
   * @param deadline the new deadline, or {@link Deadline#NEVER} for none
   * @throws NullPointerException if {@code deadline} is null
   */
  public void setDeadline(Deadline deadline) {
    node.setDeadline(Objects.requireNonNull(deadline, "deadline").toNanos());
  }

  /**
   * Returns whether this scope is shielded from outer cancellation.
   *
   * @return {@code true} if the shield is raised
   */
  public boolean isShielded() {
    return node.shielded();
  }

  /**
   * Raises or lowers the shield, effective at once for every task in the scope. Lowering it while
   * a scope outside is cancelled aborts a wait in progress at once.
   *
   * @param shielded {@code true} to hide outer cancellations, {@code false} to expose them again
   */
  public void setShielded(boolean shielded) {
    node.setShielded(shielded);
  }

  @Override
  public String toString() {
    return "CancelScope@" + Integer.toHexString(System.identityHashCode(this))
        + "[" + node.stateName()
        + (node.cancelCalled() ? ", cancelled" : "")
        + (node.shielded() ? ", shielded" : "")
        + (node.deadline() != Scope.NEVER ? ", deadline " + deadline() : "")
        + "]";
  }
}
