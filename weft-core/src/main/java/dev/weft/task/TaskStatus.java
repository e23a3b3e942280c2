package dev.weft.task;

import dev.weft.internal.core.Group;
import dev.weft.internal.core.Task;

/**
 * How a task started by {@link TaskGroup#start} reports that it has started.
 *
 * @param <T> the type of the value handed to the caller of {@code start}
 */
public final class TaskStatus<T> {

  private final Group group;
  private volatile Task task;

  TaskStatus(Group group) {
    this.group = group;
  }

  void bind(Task task) {
    this.task = task;
  }

  /**
   * Reports that the task has started: {@code start} returns {@code value}, and the task moves into
   * its task group (from then on the group's cancellation applies to it, and its failures are the
   * group's).
   *
   * @param value the value that {@code start} returns
   * @throws IllegalStateException if called a second time, or from another task
   */
  public void started(T value) {
    Task self = task;
    if (self == null || Task.current() != self) {
      throw new IllegalStateException(
          "TaskStatus.started() must be called by the task that TaskGroup.start() started");
    }
    group.started(self, value);
  }

  /**
   * Reports that the task has started, with the value {@code null}; see {@link #started(Object)}.
   *
   * @throws IllegalStateException if called a second time, or from another task
   */
  public void started() {
    started(null);
  }
}
