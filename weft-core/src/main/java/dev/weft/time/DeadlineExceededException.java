package dev.weft.time;

/**
 * Thrown by {@link Timeouts#failAfter} and {@link Timeouts#failAt} when the deadline passed before
 * the body finished. The body was cancelled and has ended.
 */
public final class DeadlineExceededException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Deadline deadline;

  DeadlineExceededException(Deadline deadline) {
    super("the deadline passed before the body finished: " + deadline);
    this.deadline = deadline;
  }

  /**
   * Returns the deadline that passed.
   *
   * <p>The deadline is not serialized: a deserialized exception returns {@code null}.
   *
   * @return the deadline of the scope that ran the body
   */
  public Deadline deadline() {
    return deadline;
  }
}
