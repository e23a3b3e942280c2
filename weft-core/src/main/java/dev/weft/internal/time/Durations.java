package dev.weft.internal.time;

import java.time.Duration;
import java.util.Objects;

/** Validation of the durations that Weft's public methods accept. */
public final class Durations {

  private Durations() {}

  /**
   * Returns {@code duration} in nanoseconds.
   *
   * @param name the argument's name, for the exception message
   * @throws NullPointerException if {@code duration} is null
   * @throws IllegalArgumentException if it is negative or longer than {@link Long#MAX_VALUE}
   *     nanoseconds (about 292 years)
   */
  public static long toNanos(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative()) {
      throw new IllegalArgumentException(
          name + " must not be negative, but was " + duration);
    }
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          name + " must be at most " + Duration.ofNanos(Long.MAX_VALUE)
              + " (Long.MAX_VALUE nanoseconds; use Deadline.NEVER for no deadline), but was "
              + duration);
    }
  }
}
