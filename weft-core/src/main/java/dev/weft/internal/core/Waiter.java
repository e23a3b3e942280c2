package dev.weft.internal.core;

import dev.weft.internal.backend.LockSupportParker;
import dev.weft.internal.guard.StackHeadroom;
import dev.weft.spi.Parker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The one park primitive of Weft: a parked task's single waiter, which is either completed with a
 * value or aborted, exactly once.
 *
 * <pre>
 *            complete(v) wins the CAS
 *   WAITING ───────────────────────────▶ COMPLETED(v)
 *      │
 *      └───────────────────────────────▶ ABORTED
 *            abortForCancellation() wins the CAS
 *
 *   both arrows, and that only one is taken: WaiterModelCheckTest#completeRacingAbort_exactlyOneWins
 *   the abort of a waiter published while its task is being cancelled:
 *                                        WaiterModelCheckTest#cancelRacingPark_parkedTaskAlwaysWakes
 * </pre>
 *
 * <p>A resource (a stream, a lock, a task group) keeps waiters in its own queue, under its own lock.
 * Whoever wins the CAS owns the outcome: a completer that wins has handed its value over and the
 * operation succeeds, even if a cancellation arrives a moment later (that cancellation is then
 * delivered at the task's next checkpoint). A completer that loses must offer its value to the next
 * waiter. An aborted task removes its waiter from the resource's queue itself, under the
 * resource's lock; a completer that polls an aborted waiter simply skips it. Nobody ever asks
 * whether a waiter is "about to be cancelled".
 *
 * <h2>Implementation notes</h2>
 * {@code state} is the only mutable field; the CAS from WAITING is the single decision point.
 * The winner unparks the waiting thread after the CAS, so the value is published (volatile write)
 * before the thread can observe the new state. The thread re-checks {@code state} after every
 * (possibly spurious) return from park. Cancellation reaches a waiting task through {@link
 * Task#parkedOn}: {@link #forCurrentThread} publishes the new waiter there and then re-checks the
 * task's {@code effective} flag, and the canceller sets that flag before it reads {@code parkedOn},
 * so one of them always aborts the waiter (a Dekker-style handshake on two volatiles; {@code
 * WaiterModelCheckTest} checks it). The handshake happens when the waiter is created, which every
 * caller does under its resource's lock before queueing it: a waiter is reachable by a canceller
 * before any completer can see it, so a {@code cancel()} that returned before a completer started
 * has always aborted it (semantics P4). Publishing it only at park time, after queueing, let a
 * {@code cancel()} miss a queued waiter that the next release then completed.
 *
 * <p>Inside a task, interrupts do not end the wait; they are absorbed and re-asserted afterwards.
 * On a thread that no Weft run started, an interrupt aborts a cancellable wait, because for such
 * a thread the interrupt is the only way to cancel.
 *
 * @param <V> the type of the value handed over
 */
public final class Waiter<V> {

  private static final Object WAITING = new Object();
  private static final Object ABORTED = new Object();
  private static final Object NULL = new Object();
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile Object state = WAITING;
  private final Thread thread;
  private final Parker parker;
  private final Task task;
  private final boolean cancellable;
  private final Object resource;
  private final String operation;

  private Waiter(Task task, boolean cancellable, Object resource, String operation) {
    this.thread = Thread.currentThread();
    this.task = task;
    this.parker = task != null ? task.runner.scheduler : LockSupportParker.INSTANCE;
    this.cancellable = cancellable;
    this.resource = resource;
    this.operation = operation;
  }

  /**
   * Creates a waiter for the current thread, a Weft task or not.
   *
   * @param cancellable whether a cancellation (or, outside a task, an interrupt) aborts the wait
   * @param resource what is waited on, for reports
   * @param operation what the task does there ("receive", "acquire"), for reports
   */
  public static <V> Waiter<V> forCurrentThread(
      boolean cancellable, Object resource, String operation) {
    Task t = Task.current();
    Waiter<V> w = new Waiter<>(t, cancellable, resource, operation);
    if (t != null) {
      // Reachable by a canceller before any completer can see it: the caller creates the waiter
      // under the resource's lock and queues it only afterwards. Publish, then look at the
      // scope (the task's half of the handshake); a cancellation that came first aborts it here.
      t.parkedOn = w;
      if (cancellable && t.innermost.effective) {
        STATE.compareAndSet(w, WAITING, ABORTED); // our own thread: no unpark needed
      }
    }
    return w;
  }

  /** Hands {@code value} to the waiting thread; returns {@code false} if it was already aborted. */
  public boolean complete(V value) {
    if (STATE.compareAndSet(this, WAITING, value == null ? NULL : value)) {
      parker.unpark(thread);
      return true;
    }
    return false;
  }

  /** Aborts a cancellable wait; returns {@code false} if it was already completed. */
  boolean abortForCancellation() {
    if (cancellable && STATE.compareAndSet(this, WAITING, ABORTED)) {
      parker.unpark(thread);
      return true;
    }
    return false;
  }

  /**
   * Parks the current thread (the one that created this waiter) until the waiter is completed or
   * aborted.
   *
   * @return {@code true} if completed (then {@link #value()} holds the value), {@code false} if
   *     aborted
   */
  public boolean await() {
    Task t = task;
    if (t != null) {
      t.lock.dropLeakedHolds(); // a stack overflow may have left it held: never park so
    }
    for (int spins = parker.spinsBeforePark(); spins > 0 && state == WAITING; spins--) {
      Thread.onSpinWait();
    }
    boolean interrupted = false;
    try {
      while (state == WAITING) {
        try {
          StackHeadroom.ensure(); // never overflow inside the JDK's own parking code
          parker.park(this);
          if (Thread.interrupted()) {
            if (!interrupted && t != null) {
              t.interruptAbsorbed(); // so that a canceller does not take it for Weft's own
            }
            interrupted = true;
            if (t == null) {
              abortForCancellation();
            }
          }
        } catch (VirtualMachineError e) {
          // A stack overflow (or out of memory) in the JDK's parking code, or while it resumes
          // the thread, must not leave a waiter that a completer could still grant. Still
          // waiting and cancellable: take it back (the operation then had no effect) and throw.
          // Otherwise the outcome is not the error's: a completed wait returns its grant, which
          // must not be lost, and an uncancellable one waits on (H3).
          if (cancellable && STATE.compareAndSet(this, WAITING, ABORTED)) {
            throw e;
          }
        }
      }
    } finally {
      // Also when a backend aborting a failed run throws out of park.
      if (interrupted) {
        Thread.currentThread().interrupt();
        if (t != null) {
          t.absorbedInterruptRestored();
        }
      }
      if (t != null) {
        t.parkedOn = null;
      }
    }
    if (t != null) {
      t.afterPark();
    }
    return state != ABORTED;
  }

  /** Returns the value handed over; valid after {@link #await()} returned {@code true}. */
  @SuppressWarnings("unchecked")
  public V value() {
    Object s = state;
    return s == NULL ? null : (V) s;
  }

  /** Returns whether nobody has completed or aborted this waiter yet. */
  public boolean isWaiting() {
    return state == WAITING;
  }

  /** The task that waits, or {@code null} for a thread outside Weft. */
  public Task task() {
    return task;
  }

  /** What the waiting task does, for reports: "receive from memory stream@1a2b[buffer 0]". */
  public String describeWait() {
    return operation + " " + resource + (cancellable ? "" : " (not cancellable)");
  }

  @Override
  public String toString() {
    return (task != null ? task.toString() : "thread '" + thread.getName() + "'")
        + " waiting to " + operation + " " + resource;
  }
}
