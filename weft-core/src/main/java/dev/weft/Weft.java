package dev.weft;

import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.Runner;
import dev.weft.internal.core.Scope;
import dev.weft.internal.core.Task;
import dev.weft.internal.time.Durations;
import dev.weft.spi.Backend;
import dev.weft.time.Deadline;
import java.time.Duration;
import java.util.Objects;

/**
 * Entry points of Weft: run a program, and the checkpoints and sleeps its tasks use.
 *
 * <p>{@link #run} starts a <em>run</em>: a root task on a {@link Backend}, and every task it starts
 * through {@link dev.weft.task.TaskGroup}s. When {@code run} returns, every task of the run has
 * ended. The other methods act on the current task and are {@linkplain dev.weft.cancel
 * checkpoints}: places where a pending cancellation is thrown as a {@link
 * dev.weft.cancel.CancelledException}.
 */
public final class Weft {

  private Weft() {}

  /**
   * Runs {@code main} as the root task of a new run on virtual threads, and returns its result.
   * The same as {@code run(Backend.virtualThreads(), main)}.
   *
   * @param <T> the type of the result of {@code main}
   * @param <X> the checked exception {@code main} may throw
   * @param main the root task's body
   * @return what {@code main} returned
   * @throws X what {@code main} throws; unchecked exceptions propagate unchanged
   * @throws NullPointerException if {@code main} is null
   * @throws IllegalStateException if called from inside a Weft task (start a task group instead)
   * @see #run(Backend, ThrowingSupplier)
   */
  public static <T, X extends Exception> T run(ThrowingSupplier<T, X> main) throws X {
    return run(Backend.virtualThreads(), main);
  }

  /**
   * Runs {@code main} as the root task of a new run on {@code backend}, waits until it has ended,
   * and returns its result or throws what it threw. Every task started under it has ended by then.
   *
   * <p>The calling thread only waits; it is not a Weft task. Interrupting it cancels the run (its
   * root scope); {@code run} still waits for the run to end, and the thread's interrupt status
   * stays set.
   *
   * @param <T> the type of the result of {@code main}
   * @param <X> the checked exception {@code main} may throw
   * @param backend the backend that runs the tasks and provides the clock
   * @param main the root task's body
   * @return what {@code main} returned
   * @throws X what {@code main} throws, the same object; unchecked exceptions and errors
   *     propagate unchanged
   * @throws NullPointerException if {@code backend} or {@code main} is null
   * @throws IllegalStateException if called from inside a Weft task (start a task group instead)
   */
  public static <T, X extends Exception> T run(Backend backend, ThrowingSupplier<T, X> main)
      throws X {
    return Runner.run(backend, main);
  }

  /**
   * Runs {@code main}, a body without a result, as the root task of a new run on virtual threads
   * (semantics R6); as {@link #run(ThrowingSupplier)} otherwise.
   *
   * @param <X> the checked exception {@code main} may throw
   * @param main the root task's body
   * @throws X what {@code main} throws; unchecked exceptions propagate unchanged
   * @throws NullPointerException if {@code main} is null
   * @throws IllegalStateException if called from inside a Weft task (start a task group instead)
   */
  public static <X extends Exception> void run(ThrowingRunnable<X> main) throws X {
    run(Backend.virtualThreads(), main);
  }

  /**
   * Runs {@code main}, a body without a result, as the root task of a new run on {@code backend}
   * (semantics R6); as {@link #run(Backend, ThrowingSupplier)} otherwise.
   *
   * @param <X> the checked exception {@code main} may throw
   * @param backend the backend that runs the tasks and provides the clock
   * @param main the root task's body
   * @throws X what {@code main} throws, the same object; unchecked exceptions and errors
   *     propagate unchanged
   * @throws NullPointerException if {@code backend} or {@code main} is null
   * @throws IllegalStateException if called from inside a Weft task (start a task group instead)
   */
  public static <X extends Exception> void run(Backend backend, ThrowingRunnable<X> main)
      throws X {
    Objects.requireNonNull(main, "main");
    Runner.<Object, X>run(backend, () -> {
      main.run();
      return null;
    });
  }

  /**
   * A checkpoint: lets other tasks run (on the deterministic backend; thread backends run them in
   * parallel anyway), then throws if the current task is cancelled.
   *
   * <p>On a thread that no Weft run started, throws if the thread is interrupted (and leaves its
   * interrupt status set).
   *
   * @throws dev.weft.cancel.CancelledException if the current task is cancelled
   */
  public static void checkpoint() {
    Checkpoints.checkpoint();
  }

  /**
   * Throws if the current task is cancelled; otherwise returns at once, without letting other tasks
   * run.
   *
   * @throws dev.weft.cancel.CancelledException if the current task is cancelled
   */
  public static void checkpointIfCancelled() {
    Checkpoints.checkpointIfCancelled();
  }

  /** Lets other tasks run, as {@link #checkpoint()} does, but never throws a cancellation. */
  public static void cancelShieldedCheckpoint() {
    Checkpoints.cancelShieldedCheckpoint();
  }

  /**
   * Sleeps for {@code duration} on the run's clock. A checkpoint, also for a zero duration.
   *
   * @param duration at least zero and at most {@link Long#MAX_VALUE} nanoseconds
   * @throws dev.weft.cancel.CancelledException if the current task is or becomes cancelled
   * @throws NullPointerException if {@code duration} is null
   * @throws IllegalArgumentException if {@code duration} is negative or too long
   * @throws IllegalStateException if the caller is not a Weft task
   */
  public static void sleep(Duration duration) {
    long nanos = Durations.toNanos(duration, "duration");
    Task task = Task.require("Weft.sleep");
    long now = task.runner().clock().nanoTime();
    long deadline = now + nanos;
    Checkpoints.sleepUntil(deadline < now ? Scope.NEVER : deadline);
  }

  /**
   * Sleeps until {@code deadline} on the run's clock. A checkpoint, also when it has passed.
   *
   * @param deadline when to wake up; {@link Deadline#NEVER} sleeps until cancelled
   * @throws NullPointerException if {@code deadline} is null
   * @throws dev.weft.cancel.CancelledException if the current task is or becomes cancelled
   * @throws IllegalStateException if the caller is not a Weft task
   */
  public static void sleepUntil(Deadline deadline) {
    Checkpoints.sleepUntil(Objects.requireNonNull(deadline, "deadline").toNanos());
  }

  /**
   * Sleeps until the current task is cancelled.
   *
   * @throws dev.weft.cancel.CancelledException always, once the task is cancelled
   * @throws IllegalStateException if the caller is not a Weft task
   */
  public static void sleepForever() {
    Checkpoints.sleepUntil(Scope.NEVER);
  }

  /**
   * Returns the earliest deadline of the scopes around the current task, up to and including the
   * first shielded one; {@link Deadline#PAST} if one of them is cancelled, {@link Deadline#NEVER}
   * if none has a deadline.
   *
   * @return the earliest deadline that applies to the current task now
   * @throws IllegalStateException if the caller is not a Weft task
   */
  public static Deadline currentEffectiveDeadline() {
    return Deadline.ofNanos(Task.require("Weft.currentEffectiveDeadline").effectiveDeadline());
  }
}
