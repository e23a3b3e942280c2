package dev.weft.deterministic;

import java.time.Duration;
import java.util.List;

/**
 * Thrown by {@code Weft.run} on the {@link DeterministicBackend} when a task held the turn for
 * longer than the stall timeout of real time: it is blocked in something Weft does not control (a
 * JDK lock, I/O, {@code Thread.sleep}), which stops every other task of the run. The message names
 * the task and the seed; the stack trace of this exception is the stalled task's.
 */
public final class StalledTaskException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The seed of the run in which the task stalled. */
  private final long seed;

  /** The name of the stalled task. */
  private final String taskName;
  private final transient List<String> trace;

  StalledTaskException(long seed, String taskName, Duration timeout, StackTraceElement[] stack,
      List<String> trace) {
    super("task '" + taskName + "' held the turn for more than " + timeout
        + " of real time: it is blocked outside Weft (seed " + seed
        + "). Its stack trace is this exception's.");
    this.seed = seed;
    this.taskName = taskName;
    this.trace = trace;
    setStackTrace(stack);
  }

  /**
   * Returns the seed of the run.
   *
   * @return the seed to pass to {@link DeterministicBackend#withSeed(long)} to run the same
   *     schedule again
   */
  public long seed() {
    return seed;
  }

  /**
   * Returns the name of the stalled task.
   *
   * @return the name the task was started with, or a generated one if it had none
   */
  public String taskName() {
    return taskName;
  }

  /**
   * Returns the run's trace up to the stall; see {@link DeterministicBackend#lastTrace()}.
   *
   * <p>The trace is not serialized: a deserialized exception returns {@code null}.
   *
   * @return the kept trace lines, oldest first
   */
  public List<String> trace() {
    return trace;
  }
}
