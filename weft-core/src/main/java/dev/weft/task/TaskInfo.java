package dev.weft.task;

import dev.weft.internal.core.Task;
import java.util.List;
import java.util.Optional;

/**
 * A view of a live or ended Weft task: its identity, its place in the task tree, and whether a
 * cancellation is pending for it.
 *
 * <p>Two {@code TaskInfo}s are equal when they describe the same task.
 */
public final class TaskInfo {

  private final Task task;

  private TaskInfo(Task task) {
    this.task = task;
  }

  /**
   * Returns the current task.
   *
   * @return a view of the calling task
   * @throws IllegalStateException if the caller is not a Weft task
   */
  public static TaskInfo current() {
    return new TaskInfo(Task.require("TaskInfo.current"));
  }

  /**
   * Returns the tasks of the current run that have not ended, oldest first.
   *
   * @return a snapshot list of the run's live tasks, the caller included
   * @throws IllegalStateException if the caller is not a Weft task
   */
  public static List<TaskInfo> running() {
    return Task.require("TaskInfo.running").runner().liveTasks().stream()
        .map(TaskInfo::new)
        .toList();
  }

  /**
   * Returns the task's id, unique within its run; the root task has id 1.
   *
   * @return the task's id
   */
  public long id() {
    return task.id();
  }

  /**
   * Returns the task's name: the one given when it was started, or {@code task-<id>}.
   *
   * @return the task's name
   */
  public String name() {
    return task.name();
  }

  /**
   * Returns the host of the task group that started this task; empty for the root task.
   *
   * @return the task that runs this task's group, or empty
   */
  public Optional<TaskInfo> parent() {
    return Optional.ofNullable(task.parent()).map(TaskInfo::new);
  }

  /**
   * Returns whether the task's next checkpoint would throw a cancellation: exactly the predicate
   * that checkpoints use, shields included. It describes the moment of the call; Weft itself never
   * uses it to decide anything.
   *
   * @return {@code true} if the task is effectively cancelled now
   */
  public boolean hasPendingCancellation() {
    return task.hasPendingCancellation();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskInfo other && other.task == task;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(task.id());
  }

  @Override
  public String toString() {
    return "TaskInfo[id=" + task.id() + ", name=" + task.name() + "]";
  }
}
