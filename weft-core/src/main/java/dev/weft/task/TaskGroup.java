package dev.weft.task;

import dev.weft.ThrowingRunnable;
import dev.weft.ThrowingSupplier;
import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.internal.core.ApiAccess;
import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.Group;
import dev.weft.internal.core.Scope;
import dev.weft.internal.core.Rethrow;
import dev.weft.internal.guard.StackHeadroom;
import dev.weft.internal.core.Task;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A scope that owns tasks: {@link #run} returns only when every task started in the group has
 * ended, so no task outlives the code that started it.
 *
 * <p>The group has a {@linkplain #cancelScope() cancel scope}, entered around the body; every task
 * of the group runs below it. The first failure, of the body or of a task, cancels that scope, so
 * that the body and the other tasks stop at their next checkpoint; {@code run} then throws a
 * {@link TaskGroupException} with every failure.
 *
 * <pre>{@code
 * TaskGroup.run(group -> {
 *     group.startSoon("fetch-a", () -> fetch("a"));
 *     group.startSoon("fetch-b", () -> fetch("b"));
 * }); // both fetches have ended here
 * }</pre>
 *
 * <h2>Cancellation</h2>
 * Cancelling the group's scope, or any scope around the group, cancels the body and every task.
 * A shield inside the body shields only the body, never the tasks. When the group ends with
 * cancellations only (no failure), {@code run} throws one {@link CancelledException} (the one the
 * body threw, or the host's own if only tasks were cancelled), which the cancelled scope then
 * catches; if the group's own scope was cancelled, {@code run} returns normally. Leaving a group
 * lets other tasks run but is not otherwise a checkpoint: a group whose body and tasks never
 * reached a checkpoint ends normally even inside a cancelled scope.
 *
 * <h2>Thread safety</h2>
 * {@link #startSoon} and {@link #start} may be called by any task of the same run while the group
 * is open, including by its own tasks after the body has ended.
 *
 * <h2>Memory consistency effects</h2>
 * Actions of a task before it ends happen-before {@code run} returns or throws. Actions before
 * {@code startSoon} happen-before the task starts.
 */
public final class TaskGroup {

  /** The body of a task group, run by {@link TaskGroup#run} in the task that opened the group. */
  @FunctionalInterface
  public interface Body {
    /**
     * Runs the body; {@code group} accepts new tasks until the group has ended.
     *
     * @param group the group being run, to start tasks in
     * @throws Exception if the body fails; the failure cancels the group and is reported in its
     *     {@link TaskGroupException}
     */
    void run(TaskGroup group) throws Exception;
  }

  private final Group group;
  private final CancelScope scope;

  private TaskGroup(Group group, CancelScope scope) {
    this.group = group;
    this.scope = scope;
  }

  /**
   * Opens a task group, runs {@code body} in the current task, waits for every task started in the
   * group, and closes it.
   *
   * @param body the code to run in the current task, with the new group
   * @throws TaskGroupException if the body or a task failed; it holds every failure
   * @throws CancelledException if the group ended by a cancellation of a scope outside it
   * @throws IllegalStateException if the caller is not a Weft task
   * @throws NullPointerException if {@code body} is null
   */
  public static void run(Body body) {
    Objects.requireNonNull(body, "body");
    Task host = Task.require("TaskGroup.run");
    StackHeadroom.ensureGenerously(); // an overflow strikes here, never between entry and the join
    CancelScope scope = CancelScope.create();
    Scope node = ApiAccess.nodeOf(scope);
    node.setRole("task group");
    node.enter(host);
    Group group = new Group(host, node);
    Throwable bodyOutcome = null;
    try {
      body.run(new TaskGroup(group, scope));
    } catch (Throwable t) {
      bodyOutcome = t;
    }
    Throwable outcome;
    try {
      Group.Ending ending = group.finish(bodyOutcome);
      Checkpoints.cancelShieldedCheckpoint(); // leaving a group always lets other tasks run
      if (!ending.failures().isEmpty()) {
        outcome = new TaskGroupException(ending.failures());
      } else if (ending.bodyOutcome() != null) {
        outcome = ending.bodyOutcome();
      } else {
        outcome = ending.childCancelled() ? host.pendingCancellation() : null;
      }
    } catch (Throwable t) {
      outcome = t; // only a backend aborting a failed run throws here; still leave the scope
    }
    Throwable thrown = node.exit(host, outcome);
    if (thrown instanceof RuntimeException e) {
      throw e;
    } else if (thrown instanceof Error e) {
      throw e;
    } else if (thrown != null) {
      throw new AssertionError("a task group throws only unchecked exceptions", thrown);
    }
  }

  /**
   * As {@link #raceSuccess(List)}, for racers given one by one.
   *
   * @param <T> the type of the racers' values
   * @param racers the code each racer runs; at least one
   * @return the value of the first racer that returned
   * @throws TaskGroupException if every racer threw (with every failure, in order), or a racer
   *     threw an {@link Error}
   * @throws IllegalArgumentException if there are no racers
   * @throws NullPointerException if {@code racers} or one of them is null
   * @throws CancelledException if the caller was cancelled; every racer was cancelled and has ended
   * @throws IllegalStateException if the caller is not a Weft task
   */
  @SafeVarargs
  public static <T> T raceSuccess(ThrowingSupplier<? extends T, ?>... racers) {
    Objects.requireNonNull(racers, "racers");
    return raceSuccess(java.util.Arrays.asList(racers));
  }

  /**
   * Runs every racer as a task of a new group and returns the value of the first that returns;
   * the others are cancelled and have ended when this returns (Ox's {@code raceSuccess}). A racer
   * that throws an exception has lost, and the race goes on; if every racer throws, this throws
   * a {@link TaskGroupException} with every failure in the order they happened. An {@link Error}
   * (other than a cancellation) fails the group at once, as in {@link #run}. A racer that returns
   * after the winner was decided, having reached no checkpoint, is ignored.
   *
   * <pre>{@code
   * Page page = TaskGroup.raceSuccess(List.of(
   *     () -> fetch(primary),
   *     () -> fetch(mirror)));
   * }</pre>
   *
   * @param <T> the type of the racers' values
   * @param racers the code each racer runs; at least one
   * @return the value of the first racer that returned
   * @throws TaskGroupException if every racer threw (with every failure, in order), or a racer
   *     threw an {@link Error}
   * @throws IllegalArgumentException if there are no racers
   * @throws NullPointerException if {@code racers} or one of them is null
   * @throws CancelledException if the caller was cancelled; every racer was cancelled and has ended
   * @throws IllegalStateException if the caller is not a Weft task
   */
  public static <T> T raceSuccess(List<? extends ThrowingSupplier<? extends T, ?>> racers) {
    Objects.requireNonNull(racers, "racers");
    if (racers.isEmpty()) {
      throw new IllegalArgumentException("racers must hold at least one racer, but was empty");
    }
    List<ThrowingSupplier<? extends T, ?>> copy = new ArrayList<>(racers.size());
    for (int i = 0; i < racers.size(); i++) {
      copy.add(Objects.requireNonNull(racers.get(i), "racers[" + i + "]"));
    }
    AtomicBoolean decided = new AtomicBoolean();
    Object[] winner = new Object[1]; // written by the winner only; read after the group ended
    List<Throwable> lost = Collections.synchronizedList(new ArrayList<>());
    run(group -> {
      for (int i = 0; i < copy.size(); i++) {
        ThrowingSupplier<? extends T, ?> racer = copy.get(i);
        group.startSoon("racer-" + i, () -> {
          T value;
          try {
            value = racer.get();
          } catch (Exception e) {
            lost.add(e); // a lost race, not a failure of the group
            return;
          }
          if (decided.compareAndSet(false, true)) {
            winner[0] = value;
            group.cancelScope().cancel("the race was won");
          }
        });
      }
    });
    if (decided.get()) {
      @SuppressWarnings("unchecked")
      T value = (T) winner[0];
      return value;
    }
    // Every racer ended without winning and none was cancelled (a cancellation of the caller
    // would have come out of run): each one threw.
    throw new TaskGroupException(List.copyOf(lost));
  }

  /**
   * Starts {@code task} in this group and returns at once, with a generated name ({@code
   * task-<id>}). Not a checkpoint.
   *
   * @param task the code the new task runs; if it throws, that is a failure of the group
   * @throws NullPointerException if {@code task} is null
   * @throws IllegalStateException if the group has ended, or the caller is not a task of this run
   */
  public void startSoon(ThrowingRunnable<?> task) {
    startSoon(null, task);
  }

  /**
   * Starts {@code task} in this group, named {@code name}, and returns at once. Not a checkpoint.
   *
   * @param name the task's name (for reports and its thread), or {@code null} for a generated one
   * @param task the code the new task runs; if it throws, that is a failure of the group
   * @throws NullPointerException if {@code task} is null
   * @throws IllegalStateException if the group has ended, or the caller is not a task of this run
   */
  public void startSoon(String name, ThrowingRunnable<?> task) {
    Objects.requireNonNull(task, "task");
    Task caller = Task.require("TaskGroup.startSoon");
    StackHeadroom.ensure(); // never half-way through starting a task
    group.spawn(caller, name, self -> task.run(), null);
  }

  /**
   * As {@link #fork(String, ThrowingSupplier)}, with a generated name ({@code task-<id>}).
   *
   * @param <T> the type of the task's value
   * @param task the code the new task runs; what it returns is the handle's value
   * @return a handle to join the task, cancel it alone, or read how it ended
   * @throws NullPointerException if {@code task} is null
   * @throws IllegalStateException if the group has ended, or the caller is not a task of this run
   */
  public <T> TaskHandle<T> fork(ThrowingSupplier<? extends T, ?> task) {
    return fork(null, task);
  }

  /**
   * Starts {@code task} in this group, as {@link #startSoon(String, ThrowingRunnable)} does, and
   * returns a {@link TaskHandle} for its value. The group is unchanged: it waits for the task, and
   * a failure of the task fails the group, joined or not. Not a checkpoint.
   *
   * @param <T> the type of the task's value
   * @param name the task's name (for reports and its thread), or {@code null} for a generated one
   * @param task the code the new task runs; what it returns is the handle's value
   * @return a handle to join the task, cancel it alone, or read how it ended
   * @throws NullPointerException if {@code task} is null
   * @throws IllegalStateException if the group has ended, or the caller is not a task of this run
   */
  public <T> TaskHandle<T> fork(String name, ThrowingSupplier<? extends T, ?> task) {
    Objects.requireNonNull(task, "task");
    Task caller = Task.require("TaskGroup.fork");
    StackHeadroom.ensure(); // never half-way through starting a task
    TaskHandle<T> handle = new TaskHandle<>();
    Task child = group.spawn(caller, name, self -> handle.runIn(task), null, handle::ended);
    handle.describe(child.toString());
    return handle;
  }

  /**
   * As {@link #start(String, StartableTask)}, with a generated name. A checkpoint.
   *
   * @param <T> the type of the value the task passes to {@link TaskStatus#started}
   * @param <X> the checked exception the task may throw before it has started
   * @param task the code the new task runs
   * @return the value the task passed to {@link TaskStatus#started(Object)}, or {@code null} if it
   *     called {@link TaskStatus#started()}
   * @throws X what the task threw before it started
   * @throws IllegalStateException if the task returned without calling {@code started}, the group
   *     has ended, or the caller is not a task of this run
   * @throws CancelledException if the caller was cancelled before the task started
   * @throws NullPointerException if {@code task} is null
   */
  public <T, X extends Exception> T start(StartableTask<T, X> task) throws X {
    return start(null, task);
  }

  /**
   * Starts {@code task} and waits until it calls {@link TaskStatus#started}; returns the value it
   * passed. A checkpoint.
   *
   * <p>Until it has started, the task runs below the caller's scopes, not the group's: cancelling
   * the caller cancels only this task, and a failure comes out of {@code start} (unchanged) without
   * failing the group. Once it has started, it belongs to the group. If {@code started} is called
   * in the same moment as the caller is cancelled, {@code started} wins: {@code start} returns the
   * value, and the cancellation comes at the caller's next checkpoint.
   *
   * @param <T> the type of the value the task passes to {@link TaskStatus#started}
   * @param <X> the checked exception the task may throw before it has started
   * @param name the task's name (for reports and its thread), or {@code null} for a generated one
   * @param task the code the new task runs
   * @return the value the task passed to {@link TaskStatus#started(Object)}, or {@code null} if it
   *     called {@link TaskStatus#started()}
   * @throws X what the task threw before it started
   * @throws IllegalStateException if the task returned without calling {@code started}, the group
   *     has ended, or the caller is not a task of this run
   * @throws CancelledException if the caller was cancelled before the task started
   * @throws NullPointerException if {@code task} is null
   */
  public <T, X extends Exception> T start(String name, StartableTask<T, X> task) throws X {
    Objects.requireNonNull(task, "task");
    Task caller = Task.require("TaskGroup.start");
    StackHeadroom.ensureGenerously();
    Checkpoints.checkpoint();
    TaskStatus<T> status = new TaskStatus<>(group);
    Group.Starter starter = Group.Starter.forCurrentTask(group);
    Task child =
        group.spawn(
            caller,
            name,
            self -> {
              status.bind(self);
              task.run(status);
            },
            starter);
    starter.waiter().await();
    Object result = starter.waiter().value();
    if (result instanceof Group.Failed failed) {
      Throwable failure = failed.failure();
      if (failure == null) {
        throw new IllegalStateException(
            child + " returned without calling TaskStatus.started()");
      }
      if (failure instanceof CancelledException ce) {
        CancelledException own = caller.pendingCancellation();
        throw own != null ? own : ce;
      }
      throw Rethrow.<X>unchanged(failure);
    }
    @SuppressWarnings("unchecked")
    T value = (T) result;
    return value;
  }


  /**
   * Returns the group's cancel scope; cancelling it cancels the body and every task.
   *
   * @return the scope entered around the body, below which every task of the group runs
   */
  public CancelScope cancelScope() {
    return scope;
  }

  @Override
  public String toString() {
    return group.toString();
  }
}
