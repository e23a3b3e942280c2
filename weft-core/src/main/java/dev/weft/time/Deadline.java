package dev.weft.time;

import dev.weft.internal.core.Task;
import dev.weft.internal.time.Durations;
import java.time.Duration;

/**
 * A point in time on the clock of the current Weft run: when a scope cancels itself, when a sleep
 * ends.
 *
 * <p>The run's clock is monotonic and belongs to the run's backend (the system's {@code nanoTime}
 * on the thread backends, a virtual clock on the deterministic one), so a deadline means something
 * only inside the run that made it. Two special values lie outside every clock: {@link #NEVER},
 * later than any time, and {@link #PAST}, earlier than any time.
 *
 * <p>Instances are immutable values; compare them with {@link #compareTo} or {@link #equals}.
 */
public final class Deadline implements Comparable<Deadline> {

  /** Later than any time: no deadline. */
  public static final Deadline NEVER = new Deadline(Long.MAX_VALUE);

  /** Earlier than any time: what {@code Weft.currentEffectiveDeadline()} says when cancelled. */
  public static final Deadline PAST = new Deadline(Long.MIN_VALUE);

  private final long nanos;

  private Deadline(long nanos) {
    this.nanos = nanos;
  }

  /**
   * Returns the deadline at {@code nanos} nanoseconds on the run's clock; {@link Long#MAX_VALUE}
   * is {@link #NEVER} and {@link Long#MIN_VALUE} is {@link #PAST}. For backends and tests; most
   * code uses {@link #after}.
   *
   * @param nanos a time on the run's clock, in nanoseconds
   * @return the deadline at that time
   */
  public static Deadline ofNanos(long nanos) {
    return nanos == Long.MAX_VALUE ? NEVER : nanos == Long.MIN_VALUE ? PAST : new Deadline(nanos);
  }

  /**
   * Returns the current time of the run's clock.
   *
   * @return a deadline at the current time, which has passed already
   * @throws IllegalStateException if the caller is not a Weft task
   */
  public static Deadline now() {
    return new Deadline(nowNanos("Deadline.now"));
  }

  private static long nowNanos(String operation) {
    return Task.require(operation).runner().clock().nanoTime();
  }

  /**
   * Returns the time {@code timeout} from now on the run's clock ({@link #NEVER} if that is beyond
   * the clock's range).
   *
   * @param timeout at least zero and at most {@link Long#MAX_VALUE} nanoseconds
   * @return the deadline {@code timeout} from now
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative or too long
   * @throws IllegalStateException if the caller is not a Weft task
   */
  public static Deadline after(Duration timeout) {
    long delta = Durations.toNanos(timeout, "timeout");
    return new Deadline(nowNanos("Deadline.after")).plusNanos(delta);
  }

  /**
   * Returns this deadline moved later by {@code duration}. The arithmetic saturates: {@link
   * #NEVER} and {@link #PAST} stay what they are, and a sum beyond the clock's range is {@code
   * NEVER}. Does not read the clock.
   *
   * @param duration at least zero and at most {@link Long#MAX_VALUE} nanoseconds
   * @return the later deadline
   * @throws NullPointerException if {@code duration} is null
   * @throws IllegalArgumentException if {@code duration} is negative or too long
   */
  public Deadline plus(Duration duration) {
    return plusNanos(Durations.toNanos(duration, "duration"));
  }

  private Deadline plusNanos(long delta) {
    if (this == NEVER || this == PAST) {
      return this;
    }
    long sum = nanos + delta;
    return sum < nanos ? NEVER : ofNanos(sum);
  }

  /**
   * Returns the time left until this deadline on the run's clock: negative when it has passed,
   * and the longest {@link Duration} for {@link #NEVER}.
   *
   * @return the time left; for {@link #PAST}, a duration of {@link Long#MIN_VALUE} seconds
   * @throws IllegalStateException if the caller is not a Weft task (and the deadline is neither
   *     {@link #NEVER} nor {@link #PAST})
   */
  public Duration remaining() {
    if (this == NEVER) {
      return Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
    }
    if (this == PAST) {
      return Duration.ofSeconds(Long.MIN_VALUE);
    }
    return Duration.ofNanos(nanos).minusNanos(nowNanos("Deadline.remaining"));
  }

  /**
   * Returns whether this deadline is at or before the current time of the run's clock.
   *
   * @return {@code true} if the deadline has passed; always for {@link #PAST}, never for {@link
   *     #NEVER}
   *
   * @throws IllegalStateException if the caller is not a Weft task (and the deadline is neither
   *     {@link #NEVER} nor {@link #PAST})
   */
  public boolean hasPassed() {
    return this != NEVER && (this == PAST || nanos <= nowNanos("Deadline.hasPassed"));
  }

  /**
   * Returns this deadline in nanoseconds on the run's clock.
   *
   * @return the nanoseconds; {@link Long#MAX_VALUE} for {@link #NEVER} and {@link Long#MIN_VALUE}
   *     for {@link #PAST}
   */
  public long toNanos() {
    return nanos;
  }

  @Override
  public int compareTo(Deadline other) {
    return Long.compare(nanos, other.nanos);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Deadline d && d.nanos == nanos;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(nanos);
  }

  @Override
  public String toString() {
    if (this == NEVER) {
      return "Deadline[never]";
    }
    if (this == PAST) {
      return "Deadline[past]";
    }
    return "Deadline[" + Duration.ofNanos(nanos) + " on the run's clock]";
  }
}
