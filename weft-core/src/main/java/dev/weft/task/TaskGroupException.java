package dev.weft.task;

import dev.weft.internal.core.SafeStrings;
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

  /** Every failure, in the order they happened; never empty. */
  private final List<Throwable> failures;

  TaskGroupException(List<Throwable> failures) {
    super(message(failures), failures.get(0));
    this.failures = List.copyOf(failures);
    for (int i = 1; i < failures.size(); i++) {
      addSuppressed(failures.get(i));
    }
  }

  /**
   * Lists the first {@value #LISTED} failures and says how many more there were; a failure whose
   * {@code toString} throws is named by its class.
   */
  private static String message(List<Throwable> failures) {
    StringBuilder sb = new StringBuilder();
    sb.append(failures.size() == 1 ? "1 failure" : failures.size() + " failures")
        .append(" in a task group: ");
    int listed = Math.min(failures.size(), LISTED);
    for (int i = 0; i < listed; i++) {
      if (i > 0) {
        sb.append("; ");
      }
      sb.append(SafeStrings.of(failures.get(i)));
    }
    if (failures.size() > listed) {
      sb.append("; and ").append(failures.size() - listed).append(" more (see failures())");
    }
    return sb.toString();
  }

  /** How many failures the message lists at most. */
  private static final int LISTED = 10;

  /**
   * Returns every failure, in the order they happened; never empty. Each is the object the body or
   * the task threw, unchanged; unlike the message, the list is never cut short.
   *
   * @return an unmodifiable list of the failures; the first is the {@linkplain #getCause() cause}
   */
  public List<Throwable> failures() {
    return failures;
  }
}
