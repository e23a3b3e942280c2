package dev.weft.task;

/**
 * A task for {@link TaskGroup#start}: it runs its set-up, then calls {@link TaskStatus#started}
 * to hand a value to the caller of {@code start}, and then goes on running in the group.
 *
 * @param <T> the type of the value handed to the caller of {@code start}
 * @param <X> the checked exception the task may throw before it has started
 */
@FunctionalInterface
public interface StartableTask<T, X extends Exception> {
  /**
   * Runs the task. It must call {@link TaskStatus#started} once, when it is ready; until then it
   * runs below the caller of {@code start}.
   *
   * @param status where the task reports that it has started
   * @throws X if the task fails with it; before {@code started}, it comes out of {@code start}
   *     unchanged, after it, it is a failure of the task group
   */
  void run(TaskStatus<T> status) throws X;
}
