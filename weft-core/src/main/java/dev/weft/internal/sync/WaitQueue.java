package dev.weft.internal.sync;

import dev.weft.internal.guard.CriticalLock;
import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.Task;
import dev.weft.internal.core.Waiter;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * The FIFO of tasks waiting for a grant from one synchronization primitive (a lock's ownership, a
 * permit, a token, a notification), kept under that primitive's lock.
 *
 * <pre>
 *   enqueue ──▶ QUEUED ── grantNext() wins the waiter's CAS ──▶ GRANTED (left the queue)
 *                 │
 *                 └──── cancellation wins the CAS ──▶ ABORTED ──▶ left the queue, by
 *                        grantNext() skipping it or by await() removing it, whichever is first
 *
 *   grant wins over a later cancellation: LockTest#releaseThenCancel_waiterOwnsTheLock_andGivesItBackAtItsNextCheckpoint
 *   cancellation wins, grant moves on:    LockTest#lock_onlyCancelledWaitersQueued_releaseLeavesItFree_anyio1145
 *   both, racing, model-checked:          SyncModelCheckTest#lockReleaseRacingCancelledAcquirer_grantsExactlyOnce
 * </pre>
 *
 * <h2>Implementation notes</h2>
 * Every method except {@link #await} must be called with the primitive's lock held (asserted);
 * {@code await} parks without it and takes it only to remove an aborted node. A node is granted
 * only by {@link #grantNext}, which polls nodes oldest first and completes their waiters; the
 * waiter's CAS is the only decision, so a node whose task is being cancelled is granted if the
 * grant's CAS comes first (the task then owns what it was granted and meets the cancellation at
 * its next checkpoint), and skipped if the abort's CAS came first. Nothing here reads a task's
 * cancellation state. Because {@code grantNext} drops every aborted node it meets, a primitive
 * whose grant loop stops only when it runs out of nodes or of things to grant never leaves a
 * resource free while a live waiter is queued (the #1145 deadlock cannot happen).
 *
 * @param <K> what a waiter waits as (its owner identity, its borrower), or {@link Void}
 */
public final class WaitQueue<K> {

  /** One waiting task: its waiter, and the key it waits as ({@code null} when keys are unused). */
  public record Node<K>(Waiter<Void> waiter, K key) {}

  private final CriticalLock lock;
  private final ArrayDeque<Node<K>> nodes = new ArrayDeque<>(); // guarded by lock

  private WaitQueue(CriticalLock lock) {
    this.lock = lock;
  }

  /** Returns an empty queue guarded by {@code lock}. */
  public static <K> WaitQueue<K> create(CriticalLock lock) {
    return new WaitQueue<>(lock);
  }

  /**
   * Queues a waiter for the current thread. Lock held.
   *
   * @param cancellable whether a cancellation may abort the wait (an uncancellable wait ends only
   *     by a grant)
   */
  public Node<K> enqueue(K key, boolean cancellable, Object resource, String operation) {
    return enqueue(Task.current(), key, cancellable, resource, operation);
  }

  /**
   * As {@link #enqueue(Object, boolean, Object, String)}, for a caller that looked up the current
   * task itself ({@code null} on a thread outside Weft). Lock held.
   */
  public Node<K> enqueue(
      Task me, K key, boolean cancellable, Object resource, String operation) {
    assert lock.isHeldByCurrentThread();
    Node<K> node = new Node<>(Waiter.forTask(me, cancellable, resource, operation), key);
    nodes.add(node);
    return node;
  }

  /**
   * The loop of every blocking acquire: a checkpoint; then, under the lock, {@code tryTakeLocked}
   * (which takes the resource if it is free, and may throw for misuse); if it did not, queue as
   * {@code key} and wait; a grant means the releaser already made the caller the holder. An abort
   * throws the cancellation, unless a shield raised since hides it: then try again.
   */
  public void acquire(K key, BooleanSupplier tryTakeLocked, Object resource, String operation) {
    Task me = Task.current(); // looked up once for the whole operation
    Checkpoints.checkpoint(me);
    acquireAfterCheckpoint(me, key, tryTakeLocked, resource, operation);
  }

  /**
   * {@link #acquire} for a caller that has made the opening checkpoint itself.
   *
   * @param me the current task, or {@code null} on a thread outside Weft
   */
  public void acquireAfterCheckpoint(
      Task me, K key, BooleanSupplier tryTakeLocked, Object resource, String operation) {
    while (true) {
      Node<K> node = null;
      try {
        lock.lock();
        // The linearization point: cancelled now, the acquire takes nothing (see cancelledNow).
        if (!Checkpoints.cancelledNow(me)) {
          if (tryTakeLocked.getAsBoolean()) {
            return;
          }
          node = enqueue(me, key, true, resource, operation);
        }
      } finally {
        lock.unlockIfHeld();
      }
      if (node != null && await(node)) {
        return;
      }
      Checkpoints.afterAbort();
    }
  }

  /**
   * Parks until {@code node} is granted or aborted. Called without the lock. On abort it takes the
   * node out of the queue (it may already be gone), and the caller must then call {@code
   * Checkpoints.afterAbort()}.
   *
   * @return {@code true} if granted; {@code false} if aborted, which granted nothing
   */
  public boolean await(Node<K> node) {
    lock.dropLeakedHolds(); // never park holding it (a stack overflow may have left it held)
    if (node.waiter().await()) {
      return true;
    }
    try {
      lock.lock();
      nodes.remove(node);
    } finally {
      lock.unlockIfHeld();
    }
    return false;
  }

  /**
   * Completes the oldest waiter that has not been aborted, dropping the aborted ones before it.
   * Lock held.
   *
   * @return the granted node, or {@code null} when no waiter was left to grant
   */
  public Node<K> grantNext() {
    assert lock.isHeldByCurrentThread();
    for (Node<K> node; (node = nodes.poll()) != null; ) {
      if (node.waiter().complete(null)) {
        return node;
      }
    }
    return null;
  }

  /** Returns whether no node is queued. Lock held. */
  public boolean isEmpty() {
    assert lock.isHeldByCurrentThread();
    return nodes.isEmpty();
  }

  /**
   * Returns how many nodes are queued, including aborted ones whose tasks have not yet taken them
   * out (statistics only). Lock held.
   */
  public int size() {
    assert lock.isHeldByCurrentThread();
    return nodes.size();
  }
}
