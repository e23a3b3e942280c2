package dev.weft.internal.guard;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock of every Weft critical section (a run's tree, a timer queue, a stream, a primitive),
 * made to survive a {@link StackOverflowError} or {@link OutOfMemoryError} raised inside it.
 *
 * <p>Such an error can strike between {@code lock()} and {@code try} (the JDK delays a stack
 * overflow inside its own lock code until that code has returned, lock held), or in the {@code
 * unlock()} of a {@code finally} (which needs stack too). Either way the hold would be left behind
 * and every other thread would block on it forever. So sections are written
 *
 * <pre>{@code
 * try {
 *   lock.lock();
 *   ...
 * } finally {
 *   lock.unlockIfHeld();
 * }
 * }</pre>
 *
 * and sections of one {@code CriticalLock} never nest: a thread that finds the lock already held by
 * itself when it enters a section knows that an error left that hold behind, and drops it before
 * taking the lock again ({@link #lock()}). The run's own lock is also healed where its thread parks
 * or its task ends ({@link #dropLeakedHolds()}), so a task that caught the error and went on does
 * not keep the other tasks waiting.
 *
 * <h2>Implementation notes</h2>
 * Plain {@link ReentrantLock} semantics otherwise. The reentrancy of {@code ReentrantLock} is what
 * makes a leaked hold visible ({@link #isHeldByCurrentThread()}); it is never used to nest.
 * Healing can itself fail for lack of stack; the next section, park or task end tries again, with
 * more stack, since the error has unwound frames by then.
 */
public final class CriticalLock extends ReentrantLock {

  private static final long serialVersionUID = 1L;

  private final int spinsWhenContended;

  /** Creates an unlocked, non-fair lock that waits at once when it is contended. */
  public CriticalLock() {
    this(0);
  }

  /**
   * Creates an unlocked, non-fair lock that, when contended, first spins up to {@code
   * spinsWhenContended} times for the holder to let go. Worth it only where sections are a few
   * instructions long and the two sides take turns (a rendezvous stream); measured to cost
   * buffered streams a third of their throughput.
   */
  public CriticalLock(int spinsWhenContended) {
    this.spinsWhenContended = spinsWhenContended;
  }

  /**
   * Takes the lock, first dropping a hold that an error left behind on this thread. While the lock
   * is contended, waits in slices of {@value #RECHECK_MILLIS} ms rather than for a wake-up that
   * may never come: a stack overflow inside the JDK's {@code unlock}, after it freed the lock and
   * before it woke the next waiter, loses that wake-up. Interrupts do not end the wait (they are
   * Weft's wake-up for calls outside Weft, or someone else's) and are kept.
   */
  @Override
  public void lock() {
    if (isHeldByCurrentThread()) {
      dropLeakedHolds();
    }
    if (tryLock()) {
      return; // uncontended
    }
    for (int spins = spinsWhenContended; spins > 0; spins--) {
      Thread.onSpinWait();
      if (!isLocked() && tryLock()) {
        return;
      }
    }
    boolean interrupted = false;
    while (true) {
      try {
        if (tryLock(RECHECK_MILLIS, TimeUnit.MILLISECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** How long a contended {@link #lock()} waits before it looks again by itself. */
  private static final long RECHECK_MILLIS = 10;

  /** Releases the lock if this thread holds it; for the {@code finally} of a section. */
  public void unlockIfHeld() {
    if (isHeldByCurrentThread()) {
      unlock();
    }
  }

  /** Drops every hold of this thread: only ever a hold that an error left behind. */
  public void dropLeakedHolds() {
    while (isHeldByCurrentThread()) {
      unlock();
    }
  }
}
