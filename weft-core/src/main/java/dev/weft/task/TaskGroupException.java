package dev.weft.task;

import java.util.List;

/**
 * Thrown by {@link TaskGroup#run} when its body or one of its tasks failed: carries every failure,
 * in the order they happened.
 *
 * <p>A task group always wraps failures in this exception, even a single one, so that callers have
 * one thing to catch and never lose a second failure (as AnyIO's and Trio's exception groups do).
 * The first failure is also the {@linkplain #getCause() cause}, and the others are {@linkplain
 * #getSuppressed() suppressed}, so that a printed stack trace shows them all. Cancellations are
 * never among the failures: a task that was cancelled did not fail.
 */
public final class TaskGroupException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final List<Throwable> failures;

  TaskGroupException(List<Throwable> failures) {
    super(message(failures), failures.get(0));
    this.failures = List.copyOf(failures);
    for (int i = 1; i < failures.size(); i++) {
      addSuppressed(failures.get(i));
    }
  }

  private static String message(List<Throwable> failures) {
    StringBuilder sb = new StringBuilder();
    sb.append(failures.size() == 1 ? "1 failure" : failures.size() + " failures")
        .append(" in a task group: ");
    for (int i = 0; i < failures.size(); i++) {
      if (i > 0) {
        sb.append("; ");
      }
      sb.append(failures.get(i));
    }
    return sb.toString();
  }

  /** Returns every failure, in the order they happened; never empty. */
  public List<Throwable> failures() {
    return failures;
  }
}
