package dev.weft.sync;

import dev.weft.internal.core.NameSlot;
import dev.weft.internal.guard.CriticalLock;
import dev.weft.ThrowingRunnable;
import dev.weft.ThrowingSupplier;
import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.Rethrow;
import dev.weft.internal.core.Task;
import dev.weft.internal.sync.WaitQueue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
   * Implementation notes. `state` packs the value and a QUEUED bit: value << 1 | queued. It is
   * changed only by CAS. `lock` guards `waiters`, and the QUEUED bit is set and cleared only under
   * it: set (when the value is 0) before a task queues, cleared when a release finds the queue
   * empty. Invariants: 0 <= value <= maxValue, and value > 0 ⇒ QUEUED is clear ⇒ no live waiter.
   * The value rises only by a fast release (which needs QUEUED clear) or under the lock after
   * grantNext() found no live waiter (dropping every aborted node it met), so a task never queues
   * behind cancelled waiters alone (AnyIO #1145). A set QUEUED bit over a queue whose waiters have
   * all gone is harmless: it sends operations to the locked path, whose next release clears it.
   *
   * Fast paths, with no lock: an acquire CASes value down when QUEUED is clear and value > 0; a
   * release CASes it up when QUEUED is clear. With QUEUED set (or the CAS lost to a change of the
   * bit) they take the lock. A fair semaphore thus costs one CAS per operation while nobody waits.
   * P4 (a cancellation that returned first wins): a fast acquire reads the task's cancellation
   * again after its CAS; if a cancel() came first, the release that made the permit available
   * started after it and the CAS saw that release, so this read sees the cancellation: the permit
   * is given back by a release, and the acquire throws having taken nothing (for a moment the
   * permit was out, which a concurrent tryAcquire may have seen).
   *
   * A permit handed to a waiter never passes through `value`: the grant is the waiter's CAS, made
   * under the lock. If the CAS fails, the waiter's task was cancelled first and got nothing; the
   * permit goes to the next waiter or back into `value`. An abort that loses to the grant leaves a
   * task holding a permit, which it releases as usual (withPermit does so on the way out).
   */

  private static final long QUEUED = 1L;
  private static final long ONE = 2L; // one permit, in `state`
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Semaphore.class, "state", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final CriticalLock lock = new CriticalLock();
  private final WaitQueue<Void> waiters = WaitQueue.create(lock); // guarded by lock
  private final int maxValue; // Integer.MAX_VALUE when unbounded
  private final boolean bounded;
  private volatile long state; // value << 1 | QUEUED; changed by CAS only
  private final NameSlot name = new NameSlot();

  private Semaphore(int initialValue, int maxValue, boolean bounded) {
    this.state = (long) initialValue << 1;
    this.maxValue = maxValue;
    this.bounded = bounded;
  }

  /**
   * Names this semaphore for reports (semantics O6): the name appears in its {@code toString}, and so in
   * task dumps, deadlock reports and JFR events. Returns this semaphore, so that it can be named where it
   * is created.
   *
   * @param name the name
   * @return this semaphore
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank
   * @throws IllegalStateException if this semaphore was named already (the first name stays)
   */
  public Semaphore named(String name) {
    this.name.set(name, this);
    return this;
  }

  /**
   * Returns a semaphore with {@code initialValue} permits and no maximum (a release may raise the
   * value above its initial value, up to {@link Integer#MAX_VALUE}).
   *
   * @param initialValue at least 0
   * @return a new unbounded semaphore
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
   * @return a new bounded semaphore
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
    Task me = Task.current();
    Checkpoints.checkpoint(me);
    while (tryFastTake()) {
      if (!Checkpoints.cancelledNow(me)) {
        return; // the CAS was the acquire, and no cancellation came before it (P4)
      }
      release(); // a cancellation that returned first wins: give the permit back
      Checkpoints.afterAbort(); // throws, unless a shield raised since hides the cancellation
    }
    while (true) {
      WaitQueue.Node<Void> node = null;
      boolean cancelled = false;
      try {
        lock.lock();
        if (Checkpoints.cancelledNow(me)) {
          cancelled = true;
        } else if (takeLocked(true)) {
          // A fast release does not take the lock, so it may have made this permit available
          // after the check above: the take is the linearization point, and is checked again.
          if (!Checkpoints.cancelledNow(me)) {
            return;
          }
          giveBackLocked();
          cancelled = true;
        } else {
          node = waiters.enqueue(me, null, true, this, "acquire"); // QUEUED is set
        }
      } finally {
        lock.unlockIfHeld();
      }
      if (node != null && waiters.await(node)) {
        return; // a release handed us its permit
      }
      Checkpoints.afterAbort(); // throws, unless a shield raised since hides the cancellation
    }
  }

  /** Puts back a permit just taken with the value above 0, so nobody waits. Lock held. */
  private void giveBackLocked() {
    STATE.getAndAdd(this, ONE);
  }

  /**
   * Takes a permit if one is available, without waiting. Not a checkpoint.
   *
   * @return {@code true} if a permit was taken; {@code false} if the value is 0 (tasks waiting
   *     imply that)
   */
  public boolean tryAcquire() {
    if (tryFastTake()) {
      return true;
    }
    try {
      lock.lock();
      return takeLocked(false);
    } finally {
      lock.unlockIfHeld();
    }
  }

  /** Takes a permit with one CAS if one is free and nobody queues; false otherwise. */
  private boolean tryFastTake() {
    for (long s = state; (s & QUEUED) == 0 && s >= ONE; s = state) {
      if (STATE.compareAndSet(this, s, s - ONE)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Takes a permit if one is free; otherwise, if {@code aboutToQueue}, sets QUEUED (so that fast
   * releases take the lock and find the caller's node). Lock held.
   */
  private boolean takeLocked(boolean aboutToQueue) {
    assert lock.isHeldByCurrentThread();
    while (true) {
      long s = state;
      if (s >= ONE) {
        assert (s & QUEUED) == 0 : "no task waits while permits are available";
        if (STATE.compareAndSet(this, s, s - ONE)) {
          return true;
        }
      } else if (!aboutToQueue || (s & QUEUED) != 0
          || STATE.compareAndSet(this, s, s | QUEUED)) {
        return false; // value 0 (and, for a caller about to queue, QUEUED set)
      }
    }
  }

  /**
   * Gives a permit back: to the longest-waiting task if there is one (the value stays 0),
   * otherwise to the value. Not a checkpoint; never blocks.
   *
   * @throws IllegalStateException if the value is already at the maximum of a {@linkplain
   *     #bounded bounded} semaphore, or at {@link Integer#MAX_VALUE}; the value is unchanged
   */
  public void release() {
    for (long s = state; (s & QUEUED) == 0; s = state) {
      if ((s >>> 1) == maxValue) {
        throw tooManyReleases();
      }
      if (STATE.compareAndSet(this, s, s + ONE)) {
        return;
      }
    }
    try {
      lock.lock();
      if (waiters.grantNext() != null) {
        if (waiters.isEmpty()) {
          clearQueuedLocked();
        }
        return; // handed to a waiter: the value does not change, so it never counts against max
      }
      clearQueuedLocked();
      while (true) {
        long s = state;
        if ((s >>> 1) == maxValue) {
          throw tooManyReleases();
        }
        if (STATE.compareAndSet(this, s, s + ONE)) {
          return;
        }
      }
    } finally {
      lock.unlockIfHeld();
    }
  }

  /** Clears QUEUED once no task waits any more. Lock held. */
  private void clearQueuedLocked() {
    for (long s = state; (s & QUEUED) != 0; s = state) {
      if (STATE.compareAndSet(this, s, s & ~QUEUED)) {
        return;
      }
    }
  }

  private IllegalStateException tooManyReleases() {
    return new IllegalStateException(bounded
        ? "semaphore released too many times: its value is already at maxValue " + maxValue
        : "semaphore released too many times: its value is already Integer.MAX_VALUE");
  }

  /**
   * Takes a permit, runs {@code body}, and gives the permit back however the body ends. A
   * checkpoint (the acquire); the release is not.
   *
   * @param <T> the type of the body's result
   * @param <X> the checked exception the body may throw
   * @param body the code to run while holding a permit
   * @return what the body returned
   * @throws dev.weft.cancel.CancelledException if cancelled before a permit was taken (the body did
   *     not run)
   * @throws NullPointerException if {@code body} is null
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

  /**
   * As {@link #withPermit(ThrowingSupplier)}, for a body that returns nothing.
   *
   * @param <X> the checked exception the body may throw
   * @param body the code to run while holding a permit
   * @throws dev.weft.cancel.CancelledException if cancelled before a permit was taken (the body did
   *     not run)
   * @throws NullPointerException if {@code body} is null
   * @throws X what the body threw, unchanged (the permit is given back first)
   */
  public <X extends Exception> void withPermit(ThrowingRunnable<X> body) throws X {
    Objects.requireNonNull(body, "body");
    withPermit(
        () -> {
          body.run();
          return null;
        });
  }

  /**
   * Returns the number of permits available now. Not a checkpoint; takes no lock.
   *
   * @return the current value, at least 0; 0 while tasks are waiting
   */
  public int value() {
    return (int) (state >>> 1);
  }

  /**
   * Returns the maximum value of a {@linkplain #bounded bounded} semaphore; empty otherwise.
   *
   * @return the bound given to {@link #bounded}, or empty for a semaphore made by {@link #create}
   */
  public OptionalInt maxValue() {
    return bounded ? OptionalInt.of(maxValue) : OptionalInt.empty();
  }

  /**
   * Returns a snapshot of this semaphore's state. Not a checkpoint.
   *
   * @return the value and how many tasks wait for a permit
   */
  public Statistics statistics() {
    try {
      lock.lock();
      return new Statistics(value(), waiters.size());
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
    return name.label("Semaphore", this)
        + "[value " + value() + (bounded ? ", max " + maxValue : "") + "]";
  }
}
