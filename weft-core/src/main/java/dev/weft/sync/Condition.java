package dev.weft.sync;

import dev.weft.internal.guard.CriticalLock;
import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.NameSlot;
import dev.weft.internal.sync.WaitQueue;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A place where tasks holding a {@link Lock} wait until another task signals that the state
 * the lock protects has changed.
 *
 * <pre>{@code
 * Condition nonEmpty = new Condition(lock);
 * // consumer
 * lock.withLock(() -> {
 *     nonEmpty.waitFor(() -> !queue.isEmpty());
 *     return queue.remove();
 * });
 * // producer
 * lock.withLock(() -> {
 *     queue.add(item);
 *     nonEmpty.signal();
 * });
 * }</pre>
 *
 * <p>{@link #await()} must be called holding the lock: it releases the lock, waits for a
 * notification, and takes the lock again before it returns <em>or throws</em>, so the caller
 * always leaves it holding the lock. {@link #signal(int)} and {@link #signalAll()} (AnyIO's and Trio's {@code
 * notify} and {@code notify_all}, named as in {@link java.util.concurrent.locks.Condition} because
 * {@code Object.notify} and {@code notifyAll} exist on every object) must also be
 * called holding the lock; it may be acquired through the condition's {@link #lock()} or directly,
 * and several conditions may share one lock.
 *
 * <h2>Cancellation</h2>
 * {@link #await()} and {@link #waitFor} are {@linkplain dev.weft.cancel checkpoints}: in a
 * cancelled scope they throw at once, still holding the lock. A waiting task that is cancelled
 * stops waiting without having been notified, takes the lock again ignoring cancellation (as if
 * shielded), and then throws; a notification never goes to it, it goes to the next waiter (so,
 * unlike AnyIO before #1075, no notification is lost). If a signal reaches a waiter before
 * its cancellation does, {@code await} returns normally once it holds the lock again, and the
 * cancellation comes at the task's next checkpoint. {@code signal} and {@code signalAll} are not
 * checkpoints.
 *
 * <h2>Ordering and fairness</h2>
 * Waiters are signalled in the order they started waiting. Signalled tasks then queue for the lock
 * behind any task already waiting for it, in the order they get there (AnyIO's behaviour; Trio
 * moves them onto the lock's queue in signal order).
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread, including threads that no Weft run started (for
 * them an interrupt is the cancellation), provided it holds the lock where required.
 *
 * <h2>Memory consistency effects</h2>
 * Those of the lock: actions of a task before it releases the lock (including in {@code await})
 * happen-before the actions of the next task that holds it, including a signalled task after its
 * {@code await} returns.
 */
public final class Condition {

  /*
   * Implementation notes. `queueLock` guards `waiters` (a JDK lock rather than the Weft lock, so
   * that statistics() and a cancelled waiter can reach the queue without the Weft lock, and the
   * queue's own invariant does not depend on users holding it). A waiter is queued while its task
   * still holds the Weft lock, and signal requires the Weft lock, so no notification can pass
   * between "queue myself" and "release the lock" (no lost wake-up). ("Notification" below is a
   * signal; the methods are named signal/signalAll because Object.notify/notifyAll are taken.)
   *
   * A notification is the waiter's CAS, made by signal under queueLock; signal counts only
   * waiters whose CAS it won, skipping (and dropping) the aborted ones, so a waiter cancelled
   * first is never counted as notified and the notification goes to the next waiter (AnyIO
   * #1075). A waiter whose abort lost to the notification returns normally; the cancellation
   * stays pending and is thrown at its next checkpoint, so nothing is lost either way. The
   * re-acquire after waking is Lock.acquireUncancellably: no checkpoint, an uncancellable waiter,
   * so the task always holds the lock again before it returns or throws.
   */

  private final Lock lock;
  private final CriticalLock queueLock = new CriticalLock();
  private final WaitQueue<Void> waiters = WaitQueue.create(queueLock); // guarded by queueLock
  private final NameSlot name = new NameSlot();

  /** Creates a condition with its own new lock. */
  public Condition() {
    this(new Lock());
  }

  /**
   * Creates a condition on {@code lock}, which other conditions and code may share.
   *
   * @param lock the lock that callers of {@code await}, {@code waitFor} and {@code signal} must
   *     hold
   * @throws NullPointerException if {@code lock} is null
   */
  public Condition(Lock lock) {
    this.lock = Objects.requireNonNull(lock, "lock");
  }

  /**
   * Names this condition for reports (semantics O6): the name appears in its {@code toString}, and
   * so in task dumps, deadlock reports and JFR events. Returns this condition, so that it can be
   * named where it is created.
   *
   * @param name the name
   * @return this condition
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank
   * @throws IllegalStateException if this condition was named already (the first name stays)
   */
  public Condition named(String name) {
    this.name.set(name, this);
    return this;
  }

  /**
   * Returns the lock this condition waits on.
   *
   * @return the lock given at creation, or the one the condition made for itself
   */
  public Lock lock() {
    return lock;
  }

  /**
   * Releases the lock, waits until notified, and acquires the lock again. A checkpoint.
   *
   * <p>The caller holds the lock again when this returns or throws, also when cancelled.
   *
   * @throws IllegalStateException if the caller does not hold the lock (it is then not released)
   * @throws dev.weft.cancel.CancelledException if the task was cancelled before it was notified
   *     (or, on a thread outside Weft, interrupted); it was not notified, and holds the lock
   */
  public void await() {
    lock.requireHeldByCaller("await " + this + " without holding its lock");
    Checkpoints.checkpoint();
    awaitNotification();
  }

  /**
   * Waits until {@code predicate} holds: checks it, and while it is false, {@linkplain #await()
   * awaits} a notification and checks again. A checkpoint, also when the predicate holds at once.
   * The predicate runs holding the lock; what it throws propagates, holding the lock.
   *
   * @param predicate the state to wait for; it reads the state the lock protects
   * @throws NullPointerException if {@code predicate} is null
   * @throws IllegalStateException if the caller does not hold the lock
   * @throws dev.weft.cancel.CancelledException as {@link #await()}; the caller holds the lock
   */
  public void waitFor(BooleanSupplier predicate) {
    Objects.requireNonNull(predicate, "predicate");
    lock.requireHeldByCaller("waitFor on " + this + " without holding its lock");
    Checkpoints.checkpoint();
    while (!predicate.getAsBoolean()) {
      awaitNotification();
    }
  }

  /** Queues, releases the lock, waits, re-acquires; the caller holds the lock on entry. */
  private void awaitNotification() {
    while (true) {
      WaitQueue.Node<Void> node;
      try {
        queueLock.lock();
        node = waiters.enqueue(null, true, this, "be signalled by");
      } finally {
        queueLock.unlockIfHeld();
      }
      lock.release();
      boolean notified = waiters.await(node);
      lock.acquireUncancellably();
      if (notified) {
        return;
      }
      // Throws, unless a shield raised since the abort hides the cancellation: then wait again.
      Checkpoints.afterAbort();
    }
  }

  /**
   * Wakes the longest-waiting task; as {@link #signal(int) signal(1)}. Not a checkpoint.
   *
   * @throws IllegalStateException if the caller does not hold the lock
   */
  public void signal() {
    signal(1);
  }

  /**
   * Wakes up to {@code n} waiting tasks, the longest-waiting first (AnyIO's and Trio's {@code
   * notify(n)}); they return from {@code await} once each has taken the lock in turn (after the
   * caller releases it). Waiters cancelled before the signal reached them are skipped and not
   * counted. Not a checkpoint.
   *
   * @param n at least 0
   * @throws IllegalArgumentException if {@code n} is negative
   * @throws IllegalStateException if the caller does not hold the lock
   */
  public void signal(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, but was " + n);
    }
    lock.requireHeldByCaller("signal " + this + " without holding its lock");
    try {
      queueLock.lock();
      for (int woken = 0; woken < n && waiters.grantNext() != null; woken++) {
        // each round woke one waiter; grantNext skipped the aborted ones
      }
    } finally {
      queueLock.unlockIfHeld();
    }
  }

  /**
   * Wakes every waiting task (AnyIO's and Trio's {@code notify_all}). Not a checkpoint.
   *
   * @throws IllegalStateException if the caller does not hold the lock
   */
  public void signalAll() {
    lock.requireHeldByCaller("signalAll " + this + " without holding its lock");
    try {
      queueLock.lock();
      while (waiters.grantNext() != null) {
        // woke one waiter
      }
    } finally {
      queueLock.unlockIfHeld();
    }
  }

  /**
   * Returns a snapshot of this condition's state and its lock's. Not a checkpoint; does not need
   * the lock.
   *
   * @return how many tasks wait for a notification, and the lock's statistics
   */
  public Statistics statistics() {
    int waiting;
    try {
      queueLock.lock();
      waiting = waiters.size();
    } finally {
      queueLock.unlockIfHeld();
    }
    return new Statistics(waiting, lock.statistics());
  }

  /**
   * A snapshot of a condition.
   *
   * @param tasksWaiting how many tasks were waiting for a notification (notified tasks waiting to
   *     take the lock again count in the lock's statistics instead)
   * @param lockStatistics the lock's statistics, taken just after
   */
  public record Statistics(int tasksWaiting, Lock.Statistics lockStatistics) {}

  @Override
  public String toString() {
    return name.label("Condition", this);
  }
}
