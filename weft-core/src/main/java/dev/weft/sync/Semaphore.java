package dev.weft.sync;

import dev.weft.internal.guard.CriticalLock;
import dev.weft.ThrowingRunnable;
import dev.weft.ThrowingSupplier;
import dev.weft.internal.core.Rethrow;
import dev.weft.internal.sync.WaitQueue;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A counter of permits: {@link #acquire()} takes one, waiting while there are none, and {@link
 * #release()} gives one back, directly to the longest-waiting task if there is one.
 *
 * <p>Permits have no owner: any task may release, also one that never acquired. A semaphore made
 * with {@link #bounded} refuses a release that would raise its value above the maximum, which
 * catches releasing more often than acquiring.
 *
 * <h2>Cancellation</h2>
 * {@link #acquire()} and {@link #withPermit} are {@linkplain dev.weft.cancel checkpoints}, also
 * when a permit is available: in a cancelled scope they throw without taking one. A waiting task
 * that is cancelled leaves the queue without a permit, and the next waiter is served. If a release
 * hands a permit to a waiter before its cancellation arrives, the waiter has the permit and its
 * {@code acquire} returns normally; the cancellation comes at its next checkpoint. {@link
 * #tryAcquire()} and {@link #release()} are not checkpoints.
 *
 * <h2>Ordering and fairness</h2>
 * Strictly FIFO. A release with tasks waiting hands its permit to the first of them, so the value
 * stays 0 and no other task can take that permit in between; {@code tryAcquire} fails while tasks
 * are waiting (no barging).
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread, including threads that no Weft run started (for
 * them an interrupt is the cancellation).
 *
 * <h2>Memory consistency effects</h2>
 * Actions of a task before {@code release} happen-before the actions of a task after an {@code
 * acquire} or {@code tryAcquire} that obtained a permit from that release or a later one.
 */
public final class Semaphore {

  /*
   * Implementation notes. `lock` guards `value` and `waiters`. Invariants: 0 <= value <= maxValue,
   * and value > 0 ⇒ waiters is empty. The second holds because a task queues only when value is 0,
   * and release() increments value only after grantNext() found no live waiter (dropping every
   * aborted node it met). So acquire/tryAcquire look only at `value`, and a task never queues
   * behind cancelled waiters alone (AnyIO #1145).
   *
   * A permit handed to a waiter never passes through `value`: the grant is the waiter's CAS, made
   * under the lock. If the CAS fails, the waiter's task was cancelled first and got nothing; the
   * permit goes to the next waiter or back into `value`. An abort that loses to the grant leaves a
   * task holding a permit, which it releases as usual (withPermit does so on the way out).
   */

  private final CriticalLock lock = new CriticalLock();
  private final WaitQueue<Void> waiters = WaitQueue.create(lock); // guarded by lock
  private final int maxValue; // Integer.MAX_VALUE when unbounded
  private final boolean bounded;
  private int value; // guarded by lock

  private Semaphore(int initialValue, int maxValue, boolean bounded) {
    this.value = initialValue;
    this.maxValue = maxValue;
    this.bounded = bounded;
  }

  /**
   * Returns a semaphore with {@code initialValue} permits and no maximum (a release may raise the
   * value above its initial value, up to {@link Integer#MAX_VALUE}).
   *
   * @param initialValue at least 0
   * @throws IllegalArgumentException if {@code initialValue} is negative
   */
  public static Semaphore create(int initialValue) {
    requireInitialValue(initialValue);
    return new Semaphore(initialValue, Integer.MAX_VALUE, false);
  }

  /**
   * Returns a semaphore with {@code initialValue} permits that refuses to go above {@code
   * maxValue}.
   *
   * @param initialValue at least 0
   * @param maxValue at least {@code initialValue}
   * @throws IllegalArgumentException if {@code initialValue} is negative or {@code maxValue} is
   *     below it
   */
  public static Semaphore bounded(int initialValue, int maxValue) {
    requireInitialValue(initialValue);
    if (maxValue < initialValue) {
      throw new IllegalArgumentException(
          "maxValue must be >= initialValue (" + initialValue + "), but was " + maxValue);
    }
    return new Semaphore(initialValue, maxValue, true);
  }

  private static void requireInitialValue(int initialValue) {
    if (initialValue < 0) {
      throw new IllegalArgumentException("initialValue must be >= 0, but was " + initialValue);
    }
  }

  /**
   * Takes a permit, waiting while there is none. A checkpoint.
   *
   * @throws dev.weft.cancel.CancelledException if the task is cancelled before it gets a permit
   *     (or, on a thread outside Weft, interrupted); it then took none
   */
  public void acquire() {
    waiters.acquire(null, this::takeLocked, this, "acquire"); // a release hands us its permit
  }

  /**
   * Takes a permit if one is available, without waiting. Not a checkpoint.
   *
   * @return {@code true} if a permit was taken; {@code false} if the value is 0 (tasks waiting
   *     imply that)
   */
  public boolean tryAcquire() {
    try {
      lock.lock();
      return takeLocked();
    } finally {
      lock.unlockIfHeld();
    }
  }

  private boolean takeLocked() {
    assert lock.isHeldByCurrentThread();
    if (value > 0) {
      assert waiters.isEmpty() : "no task waits while permits are available";
      value--;
      return true;
    }
    return false;
  }

  /**
   * Gives a permit back: to the longest-waiting task if there is one (the value stays 0),
   * otherwise to the value. Not a checkpoint; never blocks.
   *
   * @throws IllegalStateException if the value is already at the maximum of a {@linkplain
   *     #bounded bounded} semaphore, or at {@link Integer#MAX_VALUE}; the value is unchanged
   */
  public void release() {
    try {
      lock.lock();
      if (waiters.grantNext() != null) {
        return; // handed to a waiter: the value does not change, so it never counts against max
      }
      if (value == maxValue) {
        throw new IllegalStateException(bounded
            ? "semaphore released too many times: its value is already at maxValue " + maxValue
            : "semaphore released too many times: its value is already Integer.MAX_VALUE");
      }
      value++;
    } finally {
      lock.unlockIfHeld();
    }
  }

  /**
   * Takes a permit, runs {@code body}, and gives the permit back however the body ends. A
   * checkpoint (the acquire); the release is not.
   *
   * @return what the body returned
   * @throws dev.weft.cancel.CancelledException if cancelled before a permit was taken (the body did
   *     not run)
   * @throws X what the body threw, unchanged (the permit is given back first)
   */
  public <T, X extends Exception> T withPermit(ThrowingSupplier<T, X> body) throws X {
    Objects.requireNonNull(body, "body");
    acquire();
    T result;
    try {
      result = body.get();
    } catch (Throwable t) {
      try {
        release();
      } catch (RuntimeException e) {
        t.addSuppressed(e);
      }
      throw Rethrow.<X>unchanged(t);
    }
    release();
    return result;
  }

  /** As {@link #withPermit(ThrowingSupplier)}, for a body that returns nothing. */
  public <X extends Exception> void withPermit(ThrowingRunnable<X> body) throws X {
    Objects.requireNonNull(body, "body");
    withPermit(
        () -> {
          body.run();
          return null;
        });
  }

  /** Returns the number of permits available now. */
  public int value() {
    try {
      lock.lock();
      return value;
    } finally {
      lock.unlockIfHeld();
    }
  }

  /** Returns the maximum value of a {@linkplain #bounded bounded} semaphore; empty otherwise. */
  public OptionalInt maxValue() {
    return bounded ? OptionalInt.of(maxValue) : OptionalInt.empty();
  }

  /** Returns a snapshot of this semaphore's state. */
  public Statistics statistics() {
    try {
      lock.lock();
      return new Statistics(value, waiters.size());
    } finally {
      lock.unlockIfHeld();
    }
  }

  /**
   * A snapshot of a semaphore.
   *
   * @param value the permits available
   * @param tasksWaiting how many tasks were waiting to acquire one
   */
  public record Statistics(int value, int tasksWaiting) {}

  @Override
  public String toString() {
    return "Semaphore@" + Integer.toHexString(System.identityHashCode(this))
        + "[value " + value() + (bounded ? ", max " + maxValue : "") + "]";
  }
}
