package dev.weft.sync;

import dev.weft.internal.core.NameSlot;
import dev.weft.internal.guard.CriticalLock;
import dev.weft.ThrowingRunnable;
import dev.weft.ThrowingSupplier;
import dev.weft.internal.core.Rethrow;
import dev.weft.internal.sync.Holders;
import dev.weft.internal.sync.WaitQueue;
import dev.weft.task.TaskInfo;
import java.util.Objects;

/**
 * A fair mutual-exclusion lock owned by one task at a time: {@link #acquire()} waits for it,
 * {@link #release()} hands it to the longest-waiting task, and {@link #withLock} holds it around a
 * body.
 *
 * <pre>{@code
 * lock.withLock(() -> account.withdraw(amount));
 * }</pre>
 *
 * <p>The owner is the task that acquired the lock (on a thread that no Weft run started, that
 * thread). The lock is not reentrant: acquiring it again while holding it throws. Only the owner
 * may release it.
 *
 * <h2>Cancellation</h2>
 * {@link #acquire()} and {@link #withLock} are {@linkplain dev.weft.cancel checkpoints}, also when
 * the lock is free: in a cancelled scope they throw without acquiring. A waiting task that is
 * cancelled leaves the queue without the lock, and the lock goes to the next waiter. If a release
 * hands the lock to a waiter before its cancellation arrives, the waiter owns the lock and its
 * {@code acquire} returns normally; the cancellation comes at its next checkpoint (and {@code
 * withLock} releases the lock on the way out). {@link #tryAcquire()} and {@link #release()} are not
 * checkpoints.
 *
 * <h2>Ordering and fairness</h2>
 * Strictly FIFO: waiting tasks get the lock in the order they started waiting. At release the
 * lock passes directly to the first waiter, which owns it before it even runs, so no other task
 * can take it in between; {@code tryAcquire} fails while tasks are waiting (no barging).
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread, including threads that no Weft run started (for
 * them an interrupt is the cancellation). A lock may outlive a run and be used by the next one.
 *
 * <h2>Memory consistency effects</h2>
 * Actions of a task before it releases the lock happen-before the actions of the next owner after
 * its {@code acquire} or {@code tryAcquire} returns.
 */
public final class Lock {

  /*
   * Implementation notes. `lock` (a JDK lock, held only for short non-blocking sections) guards
   * `owner` and `waiters`. Invariant: owner == null ⇒ waiters is empty. It holds because a task
   * only queues while the lock is owned, and release() keeps granting until a waiter's CAS
   * succeeds or the queue is empty (aborted nodes it meets are dropped); only then may owner
   * become null. So acquire/tryAcquire need only look at `owner`, and no task ever queues behind
   * cancelled waiters alone (AnyIO #1145).
   *
   * Handoff: release() sets `owner` to the granted node's holder under the lock, in the same step
   * as the waiter's CAS, so ownership never passes through "free" and the woken task finds itself
   * the owner. If the CAS fails, the waiter's task was cancelled first: it was not granted and
   * will take its node out itself (it may already be gone). Benign races: an aborted node still
   * queued is counted in statistics until one of the two removes it; an abort that loses to the
   * grant leaves a task that owns the lock and meets its cancellation at its next checkpoint.
   */

  private final CriticalLock lock = new CriticalLock();
  private final WaitQueue<Object> waiters = WaitQueue.create(lock); // holders, guarded by lock
  private Object owner; // TaskInfo or Thread; guarded by lock; null when free
  private final NameSlot name = new NameSlot();

  /** Creates an unlocked lock. */
  public Lock() {}

  /**
   * Names this lock for reports (semantics O6): the name appears in its {@code toString}, and so in
   * task dumps, deadlock reports and JFR events. Returns this lock, so that it can be named where it
   * is created.
   *
   * @param name the name
   * @return this lock
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank
   * @throws IllegalStateException if this lock was named already (the first name stays)
   */
  public Lock named(String name) {
    this.name.set(name, this);
    return this;
  }

  /**
   * Acquires the lock, waiting while another task holds it. A checkpoint.
   *
   * @throws IllegalStateException if the caller already holds this lock (it is not reentrant)
   * @throws dev.weft.cancel.CancelledException if the task is cancelled before it gets the lock
   *     (or, on a thread outside Weft, interrupted); it then does not hold the lock
   */
  public void acquire() {
    Object me = Holders.current();
    waiters.acquire(me, () -> takeLocked(me), this, "acquire"); // release() makes us the owner
  }

  /**
   * Acquires the lock if it is free, without waiting. Not a checkpoint.
   *
   * @return {@code true} if the caller now holds the lock; {@code false} if another task holds it
   *     (tasks waiting for it imply that)
   * @throws IllegalStateException if the caller already holds this lock
   */
  public boolean tryAcquire() {
    Object me = Holders.current();
    try {
      lock.lock();
      return takeLocked(me);
    } finally {
      lock.unlockIfHeld();
    }
  }

  /** Takes the lock for {@code me} if it is free. Lock held. */
  private boolean takeLocked(Object me) {
    assert lock.isHeldByCurrentThread();
    if (owner == null) {
      assert waiters.isEmpty() : "a free lock has no waiters";
      owner = me;
      return true;
    }
    if (owner.equals(me)) {
      throw new IllegalStateException(
          "attempt to re-acquire " + this + ", already held by the caller " + Holders.describe(me)
              + " (a Lock is not reentrant)");
    }
    return false;
  }

  /**
   * Acquires the lock ignoring cancellation, for {@link Condition#await()}'s re-acquire: not a
   * checkpoint, and it returns only once the caller owns the lock.
   */
  void acquireUncancellably() {
    Object me = Holders.current();
    WaitQueue.Node<Object> node;
    try {
      lock.lock();
      if (takeLocked(me)) {
        return;
      }
      node = waiters.enqueue(me, false, this, "re-acquire");
    } finally {
      lock.unlockIfHeld();
    }
    boolean granted = waiters.await(node);
    assert granted : "an uncancellable wait ends only by a grant";
  }

  /**
   * Releases the lock: hands it to the longest-waiting task, or leaves it free. Not a checkpoint;
   * never blocks.
   *
   * @throws IllegalStateException if the lock is not locked, or is held by another task
   */
  public void release() {
    Object me = Holders.current();
    try {
      lock.lock();
      requireOwnerLocked(me, "release the lock");
      WaitQueue.Node<Object> next = waiters.grantNext();
      owner = next == null ? null : next.key();
    } finally {
      lock.unlockIfHeld();
    }
  }

  private void requireOwnerLocked(Object me, String action) {
    String problem = ownershipProblemLocked(me);
    if (problem != null) {
      throw new IllegalStateException("cannot " + action + ": " + problem);
    }
  }

  /** Says why {@code me} is not the owner, or returns {@code null} if it is. Lock held. */
  private String ownershipProblemLocked(Object me) {
    assert lock.isHeldByCurrentThread();
    if (owner == null) {
      return this + " is not locked";
    }
    if (!owner.equals(me)) {
      return this + " is held by " + Holders.describe(owner) + ", not by the caller "
          + Holders.describe(me);
    }
    return null;
  }

  /**
   * Throws {@link IllegalStateException} unless the caller holds this lock; for {@link Condition}.
   *
   * @param action what the caller cannot do otherwise, for the message ("await Condition@1f")
   */
  void requireHeldByCaller(String action) {
    Object me = Holders.current();
    try {
      lock.lock();
      requireOwnerLocked(me, action);
    } finally {
      lock.unlockIfHeld();
    }
  }

  /**
   * Acquires the lock, runs {@code body}, and releases the lock however the body ends. A
   * checkpoint (the acquire); the release is not.
   *
   * @param <T> the type of the body's result
   * @param <X> the checked exception the body may throw
   * @param body the code to run while holding the lock
   * @return what the body returned
   * @throws IllegalStateException if the caller already holds this lock
   * @throws dev.weft.cancel.CancelledException if cancelled before the lock was acquired (the body
   *     did not run)
   * @throws NullPointerException if {@code body} is null
   * @throws X what the body threw, unchanged (the lock is released first)
   */
  public <T, X extends Exception> T withLock(ThrowingSupplier<T, X> body) throws X {
    Objects.requireNonNull(body, "body");
    acquire();
    T result;
    try {
      result = body.get();
    } catch (Throwable t) {
      releaseAfter(t);
      throw Rethrow.<X>unchanged(t);
    }
    release();
    return result;
  }

  /**
   * As {@link #withLock(ThrowingSupplier)}, for a body that returns nothing. (Java cannot choose
   * between the two forms for a method reference to an overloaded method, such as {@code
   * condition::signal}; write a lambda there.)
   *
   * @param <X> the checked exception the body may throw
   * @param body the code to run while holding the lock
   * @throws IllegalStateException if the caller already holds this lock
   * @throws dev.weft.cancel.CancelledException if cancelled before the lock was acquired (the body
   *     did not run)
   * @throws NullPointerException if {@code body} is null
   * @throws X what the body threw, unchanged (the lock is released first)
   */
  public <X extends Exception> void withLock(ThrowingRunnable<X> body) throws X {
    Objects.requireNonNull(body, "body");
    withLock(
        () -> {
          body.run();
          return null;
        });
  }

  /** Releases after the body failed; a failed release (the body released it) is suppressed. */
  private void releaseAfter(Throwable failure) {
    try {
      release();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Returns whether some task (or a thread outside Weft) holds the lock. Not a checkpoint.
   *
   * @return {@code true} if the lock is held now
   */
  public boolean isLocked() {
    try {
      lock.lock();
      return owner != null;
    } finally {
      lock.unlockIfHeld();
    }
  }

  /**
   * Returns a snapshot of this lock's state. Not a checkpoint.
   *
   * @return whether the lock is held, by which task, and how many tasks wait for it
   */
  public Statistics statistics() {
    try {
      lock.lock();
      return new Statistics(
          owner != null, owner instanceof TaskInfo task ? task : null, waiters.size());
    } finally {
      lock.unlockIfHeld();
    }
  }

  /**
   * A snapshot of a lock.
   *
   * @param locked whether the lock was held
   * @param owner the task that held it; {@code null} when it was free or held by a thread that no
   *     Weft run started
   * @param tasksWaiting how many tasks were waiting to acquire it
   */
  public record Statistics(boolean locked, TaskInfo owner, int tasksWaiting) {}

  @Override
  public String toString() {
    return name.label("Lock", this);
  }
}
