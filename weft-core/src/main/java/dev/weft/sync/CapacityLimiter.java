package dev.weft.sync;

import dev.weft.internal.guard.CriticalLock;
import dev.weft.ThrowingRunnable;
import dev.weft.ThrowingSupplier;
import dev.weft.internal.core.Rethrow;
import dev.weft.internal.sync.Holders;
import dev.weft.internal.sync.WaitQueue;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * A pool of tokens that limits how many borrowers do something at once; each borrower holds at
 * most one token.
 *
 * <pre>{@code
 * CapacityLimiter downloads = CapacityLimiter.create(10);
 * ...
 * downloads.withToken(() -> fetch(url)); // at most 10 fetches at a time
 * }</pre>
 *
 * <p>The borrower is the current task by default (on a thread that no Weft run started, that
 * thread); the {@code ...OnBehalfOf} methods take any object as the borrower, compared with
 * {@code equals}, so that one task can hold a token for something else. A borrower that already
 * holds a token, or already waits for one, cannot acquire another; only a borrower that holds a
 * token can release it. The total can be changed at any time with {@link #setTotalTokens}.
 *
 * <h2>Cancellation</h2>
 * {@link #acquire()}, {@link #acquireOnBehalfOf} and {@link #withToken} are {@linkplain
 * dev.weft.cancel checkpoints}, also when a token is free: in a cancelled scope they throw without
 * borrowing. A waiting task that is cancelled leaves the queue without a token, and the next waiter
 * is served. If a release hands a token to a waiter before its cancellation arrives, the waiter's
 * borrower holds the token and {@code acquire} returns normally; the cancellation comes at its
 * next checkpoint ({@code withToken} releases the token on the way out). The {@code tryAcquire},
 * {@code release} and {@code setTotalTokens} methods are not checkpoints.
 *
 * <h2>Ordering and fairness</h2>
 * Strictly FIFO. A token freed by a release is handed to the first waiting task at once (it is
 * counted as borrowed before that task runs), so no other task can take it in between; {@code
 * tryAcquire} fails while tasks are waiting (no barging). Raising the total admits waiting tasks in
 * FIFO order, as many as there are free tokens; lowering it below the number borrowed takes no
 * token back, it only stops admitting until enough have been released.
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread, including threads that no Weft run started (for
 * them an interrupt is the cancellation).
 *
 * <h2>Memory consistency effects</h2>
 * Actions of a task before it releases a token happen-before the actions of a task after an
 * {@code acquire} or {@code tryAcquire} that borrowed a token freed by that release or a later one.
 */
public final class CapacityLimiter {

  /*
   * Implementation notes. `lock` guards every field. `borrowers` holds one entry per borrowed
   * token; `waiters` queues (borrower, waiter) nodes and is indexed by borrower, so that a borrower
   * waits at most once. Invariants, restored before the lock is released:
   *   (1) each borrower appears at most once in borrowers ∪ waiters;
   *   (2) a grant never makes borrowers.size() exceed totalTokens;
   *   (3) borrowers.size() < totalTokens ⇒ waiters is empty.
   * (3) holds because every change that frees capacity (release, setTotalTokens) runs admitLocked,
   * which grants until capacity or the queue runs out, dropping the aborted nodes it meets. So a
   * borrower entering acquire/tryAcquire need only compare borrowers.size() with totalTokens, and
   * never queues behind cancelled waiters alone.
   *
   * Token reservation (AnyIO #1170): admitLocked adds the granted node's borrower to `borrowers` in
   * the same critical section as the waiter's CAS, before the woken task runs; so a tryAcquire
   * between the release and the woken task sees no free token. If the CAS fails, the waiter's task
   * was cancelled first and borrowed nothing; the token goes to the next waiter (AnyIO #947). An
   * abort that loses to the grant leaves a borrower that holds a token, which it releases as usual.
   * Wake-ups are sized by spare capacity (totalTokens - borrowed), never by the change of the
   * total (AnyIO #1223).
   */

  private final CriticalLock lock = new CriticalLock();
  private final WaitQueue<Object> waiters = WaitQueue.indexedByKey(lock); // guarded by lock
  private final LinkedHashSet<Object> borrowers = new LinkedHashSet<>(); // guarded by lock
  private int totalTokens; // guarded by lock

  private CapacityLimiter(int totalTokens) {
    this.totalTokens = totalTokens;
  }

  /**
   * Returns a limiter with {@code totalTokens} tokens.
   *
   * @param totalTokens at least 0 (with 0, every acquire waits until the total is raised)
   * @throws IllegalArgumentException if {@code totalTokens} is negative
   */
  public static CapacityLimiter create(int totalTokens) {
    return new CapacityLimiter(requireTotal(totalTokens));
  }

  private static int requireTotal(int totalTokens) {
    if (totalTokens < 0) {
      throw new IllegalArgumentException("totalTokens must be >= 0, but was " + totalTokens);
    }
    return totalTokens;
  }

  /**
   * Borrows a token for the current task, waiting while none is free. A checkpoint.
   *
   * @throws IllegalStateException if the current task already holds or waits for a token of this
   *     limiter
   * @throws dev.weft.cancel.CancelledException if the task is cancelled before it gets a token (or,
   *     on a thread outside Weft, interrupted); it then borrowed nothing
   */
  public void acquire() {
    acquireOnBehalfOf(Holders.current());
  }

  /**
   * Borrows a token for {@code borrower}, waiting while none is free. A checkpoint.
   *
   * @param borrower any object, compared with {@code equals}
   * @throws IllegalStateException if {@code borrower} already holds or waits for a token of this
   *     limiter (checked before waiting)
   * @throws dev.weft.cancel.CancelledException if the task is cancelled before the token is
   *     borrowed (or, on a thread outside Weft, interrupted); nothing was borrowed
   */
  public void acquireOnBehalfOf(Object borrower) {
    Objects.requireNonNull(borrower, "borrower");
    // A grant means admitLocked already added the borrower to `borrowers`.
    waiters.acquire(borrower, () -> borrowLocked(borrower), this, "borrow a token from");
  }

  /**
   * Borrows a token for the current task if one is free, without waiting. Not a checkpoint.
   *
   * @return {@code true} if borrowed; {@code false} if no token is free (tasks waiting imply that)
   * @throws IllegalStateException if the current task already holds or waits for a token
   */
  public boolean tryAcquire() {
    return tryAcquireOnBehalfOf(Holders.current());
  }

  /**
   * Borrows a token for {@code borrower} if one is free, without waiting. Not a checkpoint.
   *
   * @return {@code true} if borrowed; {@code false} if no token is free (tasks waiting imply that)
   * @throws IllegalStateException if {@code borrower} already holds or waits for a token (checked
   *     first)
   */
  public boolean tryAcquireOnBehalfOf(Object borrower) {
    Objects.requireNonNull(borrower, "borrower");
    try {
      lock.lock();
      return borrowLocked(borrower);
    } finally {
      lock.unlockIfHeld();
    }
  }

  private boolean borrowLocked(Object borrower) {
    assert lock.isHeldByCurrentThread();
    if (borrowers.contains(borrower)) {
      throw new IllegalStateException(
          Holders.describe(borrower) + " is already holding one of the tokens of " + this);
    }
    if (waiters.containsKey(borrower)) {
      throw new IllegalStateException(
          Holders.describe(borrower) + " is already waiting for a token of " + this);
    }
    if (borrowers.size() < totalTokens) {
      assert waiters.isEmpty() : "invariant (3): no task waits while tokens are free";
      borrowers.add(borrower);
      return true;
    }
    return false;
  }

  /**
   * Gives back the current task's token; if a task is waiting, the token goes to it at once. Not a
   * checkpoint; never blocks.
   *
   * @throws IllegalStateException if the current task holds no token of this limiter
   */
  public void release() {
    releaseOnBehalfOf(Holders.current());
  }

  /**
   * Gives back {@code borrower}'s token; if a task is waiting, the token goes to it at once. Not a
   * checkpoint; never blocks.
   *
   * @throws IllegalStateException if {@code borrower} holds no token of this limiter
   */
  public void releaseOnBehalfOf(Object borrower) {
    Objects.requireNonNull(borrower, "borrower");
    try {
      lock.lock();
      if (!borrowers.remove(borrower)) {
        throw new IllegalStateException(
            Holders.describe(borrower) + " is not holding any of the tokens of " + this);
      }
      admitLocked();
    } finally {
      lock.unlockIfHeld();
    }
  }

  /** Hands free tokens to waiting tasks, oldest first, while both last. Lock held. */
  private void admitLocked() {
    assert lock.isHeldByCurrentThread();
    while (borrowers.size() < totalTokens) {
      WaitQueue.Node<Object> next = waiters.grantNext();
      if (next == null) {
        return;
      }
      boolean added = borrowers.add(next.key());
      assert added : "invariant (1): a waiting borrower held no token";
      assert borrowers.size() <= totalTokens : "invariant (2): a grant stays within the total";
    }
  }

  /**
   * Borrows a token for the current task, runs {@code body}, and gives the token back however the
   * body ends. A checkpoint (the acquire); the release is not.
   *
   * @return what the body returned
   * @throws IllegalStateException if the current task already holds or waits for a token
   * @throws dev.weft.cancel.CancelledException if cancelled before the token was borrowed (the body
   *     did not run)
   * @throws X what the body threw, unchanged (the token is given back first)
   */
  public <T, X extends Exception> T withToken(ThrowingSupplier<T, X> body) throws X {
    Objects.requireNonNull(body, "body");
    Object me = Holders.current();
    acquireOnBehalfOf(me);
    T result;
    try {
      result = body.get();
    } catch (Throwable t) {
      try {
        releaseOnBehalfOf(me);
      } catch (RuntimeException e) {
        t.addSuppressed(e);
      }
      throw Rethrow.<X>unchanged(t);
    }
    releaseOnBehalfOf(me);
    return result;
  }

  /** As {@link #withToken(ThrowingSupplier)}, for a body that returns nothing. */
  public <X extends Exception> void withToken(ThrowingRunnable<X> body) throws X {
    Objects.requireNonNull(body, "body");
    withToken(
        () -> {
          body.run();
          return null;
        });
  }

  /** Returns the total number of tokens. */
  public int totalTokens() {
    try {
      lock.lock();
      return totalTokens;
    } finally {
      lock.unlockIfHeld();
    }
  }

  /**
   * Changes the total number of tokens. Raising it hands the new free tokens to waiting tasks at
   * once, oldest first; lowering it below the number borrowed takes nothing back (no new token is
   * lent until enough are released). Not a checkpoint; never blocks.
   *
   * @param totalTokens at least 0
   * @throws IllegalArgumentException if {@code totalTokens} is negative; the total is unchanged
   */
  public void setTotalTokens(int totalTokens) {
    requireTotal(totalTokens);
    try {
      lock.lock();
      this.totalTokens = totalTokens;
      admitLocked();
    } finally {
      lock.unlockIfHeld();
    }
  }

  /** Returns a snapshot of this limiter's state. */
  public Statistics statistics() {
    try {
      lock.lock();
      return new Statistics(
          borrowers.size(), totalTokens, List.copyOf(borrowers), waiters.size());
    } finally {
      lock.unlockIfHeld();
    }
  }

  /**
   * A snapshot of a capacity limiter.
   *
   * @param borrowedTokens how many tokens were borrowed (more than {@code totalTokens} only after
   *     the total was lowered)
   * @param totalTokens the total number of tokens
   * @param borrowers who held them, in the order they got them: a task as its {@link
   *     dev.weft.task.TaskInfo}, a thread that no Weft run started as its {@link Thread}, and any
   *     other borrower as given
   * @param tasksWaiting how many tasks were waiting for a token
   */
  public record Statistics(
      int borrowedTokens, int totalTokens, List<Object> borrowers, int tasksWaiting) {

    /** Returns how many tokens were free: {@code totalTokens - borrowedTokens}, at least 0. */
    public int availableTokens() {
      return Math.max(0, totalTokens - borrowedTokens);
    }
  }

  @Override
  public String toString() {
    return "CapacityLimiter@" + Integer.toHexString(System.identityHashCode(this));
  }
}
