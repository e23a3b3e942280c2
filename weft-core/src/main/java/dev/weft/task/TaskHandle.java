package dev.weft.task;

import dev.weft.ThrowingSupplier;
import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.SafeStrings;
import dev.weft.sync.Event;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;

/**
 * A task started by {@link TaskGroup#fork}: wait for its value, cancel it alone, or read how it
 * ended.
 *
 * <p>The handle changes nothing about the group: the group still waits for the task, and a failure
 * of the task still fails the group, whether or not anyone joins it. The task runs in a cancel
 * scope of its own, inside the group's, so that {@link #cancel()} reaches it alone.
 *
 * <pre>{@code
 * TaskGroup.run(group -> {
 *     TaskHandle<User> user = group.fork(() -> users.find(id));
 *     TaskHandle<List<Order>> orders = group.fork(() -> orders.of(id));
 *     render(user.join(), orders.join());
 * });
 * }</pre>
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread: a task of any run, or a thread outside Weft (for
 * which, in {@link #join()}, an interrupt is the cancellation).
 *
 * <h2>Memory consistency effects</h2>
 * Actions of the task happen-before {@link #join()} returns, and before {@link #state()} returns a
 * state other than {@code RUNNING}.
 *
 * @param <T> the type of the task's value
 */
public final class TaskHandle<T> {

  /*
   * Implementation notes. The task's own thread writes value or failure, then the volatile state,
   * then sets the event; readers read state first, so they see what was written before it. The
   * state is written once, by the group's end listener, which runs after the group has recorded
   * a failure and cancelled its scope (Group.EndListener): a joiner inside the group is therefore
   * cancelled before the event is set, and never sees the failure itself. `returned` is written
   * and read on the task's thread only (the body, then the listener); `description` is written
   * before fork() returns the handle and is volatile for handles shared racily.
   */

  private final CancelScope scope = CancelScope.create();
  private final Event ended = new Event();
  private volatile Future.State state = Future.State.RUNNING;
  private T value;
  private Throwable failure;
  private boolean returned;
  private volatile String description = "a forked task";

  TaskHandle() {}

  /** Runs the task's body in the handle's scope; on the task's thread. */
  void runIn(ThrowingSupplier<? extends T, ?> body) throws Exception {
    scope.run(() -> {
      value = body.get();
      returned = true;
    });
  }

  /** The group's end listener: records how the task ended, then wakes the joiners. */
  void ended(Throwable outcome, boolean failed) {
    if (outcome == null) {
      state = returned ? Future.State.SUCCESS : Future.State.CANCELLED;
    } else if (failed) {
      failure = outcome;
      state = Future.State.FAILED;
    } else {
      state = Future.State.CANCELLED; // a cancellation of the group or a scope outside it
    }
    ended.set();
  }

  void describe(String task) {
    description = task;
    ended.named("end of " + task); // what a task dump shows for a joiner
  }

  /**
   * Waits for the task to end and returns its value. A checkpoint.
   *
   * @return the value the task returned
   * @throws CancelledException if the calling task is cancelled; always so for a joiner inside the
   *     task's group when the task failed, since the failure cancelled the group first
   * @throws TaskFailedException if the task failed (the failure is its cause) and the caller was
   *     not cancelled
   * @throws CancellationException if the task was cancelled and the caller was not
   */
  public T join() {
    ended.await();
    Future.State s = state;
    if (s == Future.State.SUCCESS) {
      return value;
    }
    Checkpoints.checkpointIfCancelled(); // the caller's own cancellation comes first
    if (s == Future.State.FAILED) {
      throw new TaskFailedException(
          description + " failed: " + SafeStrings.of(failure), failure);
    }
    throw new CancellationException(description + " was cancelled");
  }

  /**
   * Cancels the task alone: the group and its other tasks go on. The task stops at its next
   * checkpoint; one that returns before reaching any has succeeded. After the task ended, does
   * nothing. Never blocks, never throws.
   */
  public void cancel() {
    scope.cancel("its TaskHandle was cancelled");
  }

  /**
   * Returns how the task stands: {@code RUNNING}, then exactly one of {@code SUCCESS}, {@code
   * FAILED} and {@code CANCELLED}, which never changes afterwards. Not a checkpoint.
   *
   * @return the task's state
   */
  public Future.State state() {
    return state;
  }

  /**
   * Returns the task's value without waiting.
   *
   * @return the value the task returned
   * @throws IllegalStateException if the task has not succeeded (its message names the state)
   */
  public T resultNow() {
    Future.State s = state;
    if (s != Future.State.SUCCESS) {
      throw new IllegalStateException(
          description + " has no result: its state is " + s, s == Future.State.FAILED ? failure
              : null);
    }
    return value;
  }

  /**
   * Returns the task's failure without waiting.
   *
   * @return what the task threw
   * @throws IllegalStateException if the task has not failed (its message names the state)
   */
  public Throwable exceptionNow() {
    Future.State s = state;
    if (s != Future.State.FAILED) {
      throw new IllegalStateException(description + " has not failed: its state is " + s);
    }
    return failure;
  }

  @Override
  public String toString() {
    return "TaskHandle[" + description + ", " + state + "]";
  }
}
