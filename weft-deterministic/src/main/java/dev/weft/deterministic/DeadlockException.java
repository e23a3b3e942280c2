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

  /** Returns the seed that replays this run. */
  public long seed() {
    return seed;
  }

  /** Returns the task tree: each task, what it waits on, and its cancel scopes. */
  public String taskTree() {
    return taskTree;
  }

  /** Returns the run's trace up to the deadlock; see {@link DeterministicBackend#lastTrace()}. */
  public List<String> trace() {
    return trace;
  }
}
