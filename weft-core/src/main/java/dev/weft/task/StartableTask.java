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
  /** Runs the task. */
  void run(TaskStatus<T> status) throws X;
}
