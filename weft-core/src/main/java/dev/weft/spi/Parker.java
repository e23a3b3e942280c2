package dev.weft.spi;

/**
 * How a task waits and is woken: the only way Weft suspends a thread.
 *
 * <p>The contract is that of {@link java.util.concurrent.locks.LockSupport}: {@link #unpark}
 * gives the thread a permit (at most one is kept), and {@link #park} returns at once when a permit
 * is available, consuming it. {@code park} may also return spuriously, so callers always re-check
 * their condition in a loop. Neither method throws on interrupt; an implementation must not clear
 * the thread's interrupt status.
 *
 * <h2>Memory consistency effects</h2>
 * Weft publishes every value through its own volatile state before calling {@code unpark}, so a
 * parker needs no ordering guarantees of its own beyond what {@code LockSupport} gives.
 */
public interface Parker {

  /**
   * Suspends the calling thread until it is unparked, or spuriously.
   *
   * @param blocker what the thread waits for; shown in thread dumps and deadlock reports
   */
  void park(Object blocker);

  /**
   * Makes {@code thread} runnable, or gives it a permit for its next {@link #park}.
   *
   * @param thread a thread that parks through this parker
   */
  void unpark(Thread thread);

  /**
   * How many times a waiter re-checks its state, with {@link Thread#onSpinWait()}, before it
   * parks: a handoff that completes within that window costs no park and no unpark. Zero (the
   * default) where spinning cannot help, as on a backend that runs one task at a time.
   *
   * @return the number of spins before a park, at least zero
   */
  default int spinsBeforePark() {
    return 0;
  }

  /**
   * As {@link #spinsBeforePark()}, for a rendezvous (a stream of buffer 0), where the other side
   * usually arrives within a few hundred nanoseconds and a spin saves two park/unpark pairs per
   * item. Zero by default.
   *
   * @return the number of spins before a rendezvous park, at least zero
   */
  default int spinsBeforeRendezvousPark() {
    return 0;
  }
}
