package dev.weft.spi;

/**
 * The time source of one run: every deadline, sleep and timeout in Weft reads this clock and no
 * other.
 *
 * <p>Time is monotonic and measured in nanoseconds from an origin chosen by the backend (the start
 * of the run for the built-in backends). A backend with a virtual clock may move time only when
 * it chooses; Weft never assumes that time passes while a task runs.
 */
public interface Clock {

  /**
   * Returns the current time of this clock, in nanoseconds from its origin.
   *
   * @return the current time; never less than a value returned before
   */
  long nanoTime();

  /**
   * Runs {@code action} once, at or soon after {@code deadlineNanos} on this clock, unless the
   * returned timer is cancelled first. The action runs on a thread of the backend's choosing, must
   * not block, and must not throw.
   *
   * @param deadlineNanos when to run, on this clock
   * @param action what to run
   * @return a handle that can cancel the action
   */
  Timer schedule(long deadlineNanos, Runnable action);

  /** A scheduled action. */
  interface Timer {
    /**
     * Cancels the action if it has not started. The clock drops every reference to a cancelled
     * action at once, so that entering and leaving many scopes with deadlines leaks nothing.
     */
    void cancel();
  }
}
