package dev.weft.task;

/**
 * Thrown by {@link TaskHandle#join()} when the task failed and the joining task was not cancelled
 * by that failure (it joined from outside the task's group, or from a shield). The failure is the
 * {@linkplain #getCause() cause}; the task's group reports it too, in its {@link
 * TaskGroupException}.
 */
public final class TaskFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  TaskFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
