package dev.weft.deterministic;

import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.spi.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A backend that makes concurrency bugs reproducible: one task runs at a time, in an order chosen
 * by a seeded random generator; time is virtual; and a run in which every task is blocked fails at
 * once with a {@link DeadlockException} that shows the task tree, instead of hanging.
 *
 * <pre>{@code
 * Weft.run(DeterministicBackend.withSeed(42), () -> { ... });
 * }</pre>
 *
 * <h2>Schedule</h2>
 * Every task runs on its own virtual thread, but only the task holding the <em>turn</em> runs. The
 * turn passes at every <em>scheduling point</em>: every park (a blocking Weft operation that has to
 * wait), every {@linkplain dev.weft.Weft#checkpoint() checkpoint} (including those at the start of
 * every blocking operation), and the end of a task. The next task is drawn from the runnable ones
 * with a {@link java.util.Random} seeded with {@link #seed()}. The same program with the same seed
 * therefore runs the same schedule, produces the same result and records the same {@linkplain
 * #lastTrace() trace}; other seeds explore other interleavings ({@link Exploration}).
 *
 * <h2>Virtual time</h2>
 * The clock starts at zero and moves only when no task is runnable, straight to the earliest pending
 * deadline (Trio's autojump). A test with a one-hour timeout finishes in milliseconds and can assert
 * exact durations.
 *
 * <h2>Failures</h2>
 * When every task is blocked and no deadline is pending, {@code Weft.run} throws a {@link
 * DeadlockException} with the seed, each task's cancel scopes and what it waits on. A task that holds
 * the turn for longer than the {@linkplain #withStallTimeout stall timeout} of real time is blocked
 * outside Weft (a JDK lock, I/O, {@code Thread.sleep}): {@code Weft.run} throws a {@link
 * StalledTaskException} with its name and stack trace.
 *
 * <h2>Limits</h2>
 * Determinism covers what Weft schedules. Code that blocks outside Weft, reads the system clock,
 * or talks to threads that no run started (a legacy thread feeding a stream) brings real timing
 * back in; such a thread's wake-ups are honoured but not replayable.
 *
 * <p>A backend object may be used for one run at a time; {@link #lastTrace()} belongs to its most
 * recent run.
 */
public final class DeterministicBackend implements Backend {

  /** The default stall timeout: generous, so that slow CI machines do not report stalls. */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(10);

  private final long seed;
  /** How many trace lines a run keeps by default: its last 10,000 turns and moves of time. */
  public static final int DEFAULT_TRACE_LENGTH = 10_000;

  private static final Duration LONGEST_STALL_TIMEOUT = Duration.ofNanos(Long.MAX_VALUE);

  private final Duration stallTimeout;
  private final int traceLength;
  private volatile List<String> lastTrace = List.of();

  private DeterministicBackend(long seed, Duration stallTimeout, int traceLength) {
    this.seed = seed;
    this.stallTimeout = stallTimeout;
    this.traceLength = traceLength;
  }

  /**
   * Returns a deterministic backend whose schedule is drawn from {@code seed}, with the {@linkplain
   * #DEFAULT_STALL_TIMEOUT default stall timeout} and {@linkplain #DEFAULT_TRACE_LENGTH trace
   * length}.
   *
   * @param seed the seed of the random generator that picks the next task
   * @return a new backend
   */
  public static DeterministicBackend withSeed(long seed) {
    return new DeterministicBackend(seed, DEFAULT_STALL_TIMEOUT, DEFAULT_TRACE_LENGTH);
  }

  /**
   * Returns a copy that reports a task as stalled when it holds the turn for longer than {@code
   * timeout} of real time.
   *
   * @param timeout how long a task may hold the turn, in real time
   * @return a new backend with the same seed and trace length
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is not positive, or longer than {@code
   *     Long.MAX_VALUE} nanoseconds (about 292 years)
   */
  public DeterministicBackend withStallTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()
        || timeout.compareTo(LONGEST_STALL_TIMEOUT) > 0) {
      throw new IllegalArgumentException("timeout must be between 1 ns and "
          + LONGEST_STALL_TIMEOUT + " (Long.MAX_VALUE nanoseconds), but was " + timeout);
    }
    return new DeterministicBackend(seed, timeout, traceLength);
  }

  /**
   * Returns a copy whose runs keep the last {@code lines} lines of their trace (default {@value
   * #DEFAULT_TRACE_LENGTH}); older lines are dropped and counted, so that a long run keeps bounded
   * memory.
   *
   * @param lines how many trace lines a run keeps, at least 1
   * @return a new backend with the same seed and stall timeout
   * @throws IllegalArgumentException if {@code lines} is less than 1
   */
  public DeterministicBackend withTraceLength(int lines) {
    if (lines < 1) {
      throw new IllegalArgumentException("lines must be at least 1, but was " + lines);
    }
    return new DeterministicBackend(seed, stallTimeout, lines);
  }

  /**
   * Returns the seed of the schedule.
   *
   * @return the seed this backend was made with
   */
  public long seed() {
    return seed;
  }

  /**
   * Returns the trace of the most recent run: one line per turn ("step 12 at PT1S: 'consumer'
   * (launch #3)") and per move of virtual time, the last {@linkplain #withTraceLength lines} of
   * them, after a line that counts the dropped ones. Two runs of the same program with the same
   * seed have equal traces.
   *
   * @return the trace lines of the most recent run, oldest first; empty before the first run
   */
  public List<String> lastTrace() {
    return lastTrace;
  }

  void recordTrace(List<String> trace) {
    lastTrace = trace;
  }

  @Override
  public String name() {
    return "deterministic seed=" + seed;
  }

  @Override
  public Set<BackendFeature> features() {
    return Set.of(BackendFeature.VIRTUAL_TIME, BackendFeature.DETERMINISTIC_SCHEDULE);
  }

  @Override
  public Scheduler open() {
    return new DeterministicScheduler(this, stallTimeout, traceLength);
  }

  @Override
  public String toString() {
    return name();
  }
}
