package dev.weft.deterministic;

import java.time.Duration;
import java.util.List;

/**
 * Thrown by {@code Weft.run} on the {@link DeterministicBackend} when every task of the run is
 * blocked and no deadline is pending: nothing can ever happen again. The message holds the seed
 * (run the same program with {@code DeterministicBackend.withSeed(seed)} to replay it), the virtual
 * time, and the task tree: each task, what it waits on, and its cancel scopes.
 */
public final class DeadlockException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The seed of the run that deadlocked. */
  private final long seed;
  private final transient String taskTree;
  private final transient List<String> trace;

  DeadlockException(long seed, Duration time, long steps, String taskTree, String blocked,
      List<String> trace) {
    super("deadlock: every task is blocked and no deadline is pending (seed " + seed
        + ", virtual time " + time + ", after " + steps + " turns). Replay with"
        + " DeterministicBackend.withSeed(" + seed + ").\nTasks:\n" + taskTree
        + "Blocked in the scheduler:\n" + blocked);
    this.seed = seed;
    this.taskTree = taskTree;
    this.trace = trace;
  }

  /**
   * Returns the seed that replays this run.
   *
   * @return the seed to pass to {@link DeterministicBackend#withSeed(long)}
   */
  public long seed() {
    return seed;
  }

  /**
   * Returns the task tree: each task, what it waits on, and its cancel scopes. The same text is
   * part of the message.
   *
   * <p>The task tree is not serialized: a deserialized exception returns {@code null}.
   *
   * @return the task tree at the moment of the deadlock, one line per task
   */
  public String taskTree() {
    return taskTree;
  }

  /**
   * Returns the run's trace up to the deadlock; see {@link DeterministicBackend#lastTrace()}.
   *
   * <p>The trace is not serialized: a deserialized exception returns {@code null}.
   *
   * @return the kept trace lines, oldest first
   */
  public List<String> trace() {
    return trace;
  }
}
