package dev.weft.sync;

import dev.weft.internal.core.NameSlot;
import dev.weft.internal.guard.CriticalLock;
import dev.weft.ThrowingRunnable;
import dev.weft.ThrowingSupplier;
import dev.weft.internal.core.Rethrow;
import dev.weft.internal.sync.Holders;
import dev.weft.internal.sync.WaitQueue;
import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.Task;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

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
   * Implementation notes. A borrower is a user object: its equals, hashCode and toString are user
   * code, which never runs under `lock` (semantics H4). So a borrower is first *claimed* in
   * `claims`, a ConcurrentHashMap that calls them without any Weft lock held: a claim is the one
   * Claim object that stands for that borrower while it waits or holds, and everything under
   * `lock` compares Claims by identity. A claim whose state is GONE (released, cancelled, refused)
   * may still be in the map for a moment; a new claim replaces it by CAS.
   *
   * `lock` guards every field but `claims`, and every Claim's state change. `borrowers` holds one
   * Claim per borrowed token; `waiters` queues (Claim, waiter) nodes. Invariants, restored before
   * the lock is released:
   *   (1) each claim appears at most once in borrowers ∪ waiters, and a borrower has at most one
   *       claim that is not GONE (the map's putIfAbsent/replace decide);
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
  private final ConcurrentHashMap<Object, Claim> claims = new ConcurrentHashMap<>();
  private final WaitQueue<Claim> waiters = WaitQueue.create(lock); // guarded by lock
  private final LinkedHashSet<Claim> borrowers = new LinkedHashSet<>(); // guarded by lock
  private final NameSlot name = new NameSlot();
  private int totalTokens; // guarded by lock

  /** One borrower's claim while it waits for or holds a token; compared by identity. */
  private static final class Claim {
    static final int WAITING = 0;
    static final int HOLDING = 1;
    static final int GONE = 2;

    final Object borrower;
    volatile int state = WAITING; // written under the limiter's lock; read freely

    Claim(Object borrower) {
      this.borrower = borrower;
    }
  }

  private CapacityLimiter(int totalTokens) {
    this.totalTokens = totalTokens;
  }

  /**
   * Names this limiter for reports (semantics O6): the name appears in its {@code toString}, and so in
   * task dumps, deadlock reports and JFR events. Returns this limiter, so that it can be named where it
   * is created.
   *
   * @param name the name
   * @return this limiter
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank
   * @throws IllegalStateException if this limiter was named already (the first name stays)
   */
  public CapacityLimiter named(String name) {
    this.name.set(name, this);
    return this;
  }

  /**
   * Returns a limiter with {@code totalTokens} tokens.
   *
   * @param totalTokens at least 0 (with 0, every acquire waits until the total is raised)
   * @return a new limiter with no token borrowed
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
   * @throws NullPointerException if {@code borrower} is null
   * @throws IllegalStateException if {@code borrower} already holds or waits for a token of this
   *     limiter (checked before waiting)
   * @throws dev.weft.cancel.CancelledException if the task is cancelled before the token is
   *     borrowed (or, on a thread outside Weft, interrupted); nothing was borrowed
   */
  public void acquireOnBehalfOf(Object borrower) {
    Objects.requireNonNull(borrower, "borrower");
    Task me = Task.current();
    Checkpoints.checkpoint(me);
    Claim claim = claim(borrower);
    try {
      // A grant means admitLocked already made the claim a holder.
      waiters.acquireAfterCheckpoint(
          me, claim, () -> borrowLocked(claim), this, "borrow a token from");
    } finally {
      if (claim.state != Claim.HOLDING) {
        unclaim(claim); // cancelled: it borrowed nothing
      }
    }
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
   * @param borrower any object, compared with {@code equals}
   * @return {@code true} if borrowed; {@code false} if no token is free (tasks waiting imply that)
   * @throws NullPointerException if {@code borrower} is null
   * @throws IllegalStateException if {@code borrower} already holds or waits for a token (checked
   *     first)
   */
  public boolean tryAcquireOnBehalfOf(Object borrower) {
    Objects.requireNonNull(borrower, "borrower");
    Claim claim = claim(borrower);
    boolean borrowed = false;
    try {
      lock.lock();
      borrowed = borrowLocked(claim);
    } finally {
      lock.unlockIfHeld();
      if (!borrowed) {
        unclaim(claim);
      }
    }
    return borrowed;
  }

  /**
   * Claims {@code borrower}, or throws if it already holds or waits for a token. Calls the
   * borrower's {@code equals} and {@code hashCode} (through the map) and {@code toString}: never
   * with {@link #lock} held.
   */
  private Claim claim(Object borrower) {
    Claim mine = new Claim(borrower);
    while (true) {
      Claim existing = claims.putIfAbsent(borrower, mine);
      if (existing == null) {
        return mine;
      }
      int state = existing.state;
      if (state == Claim.GONE) {
        if (claims.replace(borrower, existing, mine)) {
          return mine;
        }
        continue; // someone else replaced it first: look again
      }
      throw new IllegalStateException(Holders.describe(borrower) + (state == Claim.HOLDING
          ? " is already holding one of the tokens of " : " is already waiting for a token of ")
          + this);
    }
  }

  /** Ends a claim that holds nothing (cancelled, refused); not under {@link #lock}. */
  private void unclaim(Claim claim) {
    try {
      lock.lock();
      if (claim.state == Claim.HOLDING) {
        return; // granted after all (a grant that won the race); the borrower holds a token
      }
      claim.state = Claim.GONE;
    } finally {
      lock.unlockIfHeld();
    }
    claims.remove(claim.borrower, claim);
  }

  private boolean borrowLocked(Claim claim) {
    assert lock.isHeldByCurrentThread();
    if (borrowers.size() < totalTokens) {
      assert waiters.isEmpty() : "invariant (3): no task waits while tokens are free";
      claim.state = Claim.HOLDING;
      borrowers.add(claim);
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
   * @param borrower the object the token was borrowed for, compared with {@code equals}
   * @throws NullPointerException if {@code borrower} is null
   * @throws IllegalStateException if {@code borrower} holds no token of this limiter
   */
  public void releaseOnBehalfOf(Object borrower) {
    Objects.requireNonNull(borrower, "borrower");
    Claim claim = claims.get(borrower); // the borrower's equals and hashCode: before the lock
    boolean released = false;
    try {
      lock.lock();
      if (claim != null && claim.state == Claim.HOLDING) {
        claim.state = Claim.GONE;
        borrowers.remove(claim);
        released = true;
        admitLocked();
      }
    } finally {
      lock.unlockIfHeld();
    }
    if (!released) {
      throw new IllegalStateException(
          Holders.describe(borrower) + " is not holding any of the tokens of " + this);
    }
    claims.remove(borrower, claim);
  }

  /** Hands free tokens to waiting tasks, oldest first, while both last. Lock held. */
  private void admitLocked() {
    assert lock.isHeldByCurrentThread();
    while (borrowers.size() < totalTokens) {
      WaitQueue.Node<Claim> next = waiters.grantNext();
      if (next == null) {
        return;
      }
      next.key().state = Claim.HOLDING;
      boolean added = borrowers.add(next.key());
      assert added : "invariant (1): a waiting borrower held no token";
      assert borrowers.size() <= totalTokens : "invariant (2): a grant stays within the total";
    }
  }

  /**
   * Borrows a token for the current task, runs {@code body}, and gives the token back however the
   * body ends. A checkpoint (the acquire); the release is not.
   *
   * @param <T> the type of the body's result
   * @param <X> the checked exception the body may throw
   * @param body the code to run while holding the token
   * @return what the body returned
   * @throws IllegalStateException if the current task already holds or waits for a token
   * @throws dev.weft.cancel.CancelledException if cancelled before the token was borrowed (the body
   *     did not run)
   * @throws NullPointerException if {@code body} is null
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

  /**
   * As {@link #withToken(ThrowingSupplier)}, for a body that returns nothing.
   *
   * @param <X> the checked exception the body may throw
   * @param body the code to run while holding the token
   * @throws IllegalStateException if the current task already holds or waits for a token
   * @throws dev.weft.cancel.CancelledException if cancelled before the token was borrowed (the body
   *     did not run)
   * @throws NullPointerException if {@code body} is null
   * @throws X what the body threw, unchanged (the token is given back first)
   */
  public <X extends Exception> void withToken(ThrowingRunnable<X> body) throws X {
    Objects.requireNonNull(body, "body");
    withToken(
        () -> {
          body.run();
          return null;
        });
  }

  /**
   * Returns the total number of tokens. Not a checkpoint.
   *
   * @return the total, as last set; it may be below the number borrowed after it was lowered
   */
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

  /**
   * Returns a snapshot of this limiter's state. Not a checkpoint. Calls no borrower's methods.
   *
   * @return the tokens borrowed, the total, the borrowers and how many tasks wait
   */
  public Statistics statistics() {
    try {
      lock.lock();
      List<Object> holding = new ArrayList<>(borrowers.size());
      for (Claim claim : borrowers) {
        holding.add(claim.borrower);
      }
      return new Statistics(borrowers.size(), totalTokens, List.copyOf(holding), waiters.size());
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

    /**
     * Returns how many tokens were free: {@code totalTokens - borrowedTokens}, at least 0.
     *
     * @return the number of free tokens in this snapshot
     */
    public int availableTokens() {
      return Math.max(0, totalTokens - borrowedTokens);
    }
  }

  @Override
  public String toString() {
    return name.label("CapacityLimiter", this);
  }
}
