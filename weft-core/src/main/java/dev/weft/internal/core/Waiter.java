package dev.weft.internal.core;

import dev.weft.internal.backend.LockSupportParker;
import dev.weft.internal.guard.StackHeadroom;
import dev.weft.spi.Parker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one park primitive of Weft: a parked task's single waiter, which is either completed with a
 * value or aborted, exactly once.
 *
 * <pre>
 *            complete(v) wins the CAS
 *   WAITING ───────────────────────────▶ COMPLETED(v)
 *      │  │
 *      │  └────────────────────────────▶ ABORTED
 *      │     abortForCancellation() wins the CAS
 *      ▼
 *   PARKED (the thread stopped spinning and parks; from here, the same two arrows, and the
 *           winner unparks it)
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
 * {@code state} is the only mutable field; the CAS from WAITING or PARKED to an outcome is the
 * single decision point. A waiting thread may spin first (a rendezvous does); then it CASes WAITING
 * to PARKED and parks. The winner of the decision unparks the thread only if it saw PARKED: a
 * thread that is still spinning sees the outcome by itself, and if the decision came first, the
 * thread's CAS to PARKED fails and it never parks. The value is published (volatile write) before
 * the thread can observe the new state. The thread re-checks {@code state} after every
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
  private static final Object PARKED = new Object(); // still waiting, and the thread parks
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

  /** Parks so far, process-wide; read by the benchmarks' parks-per-item figures. */
  private static final LongAdder PARKS = new LongAdder();

  private volatile Object state = WAITING;
  private final Thread thread;
  /** When the thread parked, on its run's clock; valid once PARKED (read racily by dumps). */
  private volatile long parkedSince;
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
    return forTask(Task.current(), cancellable, resource, operation);
  }

  /**
   * As {@link #forCurrentThread}, for a caller that looked up the current task itself.
   *
   * @param t the current task, or {@code null} on a thread outside Weft
   */
  public static <V> Waiter<V> forTask(
      Task t, boolean cancellable, Object resource, String operation) {
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

  /**
   * Publishes this waiter again as its task's {@code parkedOn}, after code that may itself have
   * parked (and so cleared it) ran between its creation and its await: user code, such as a
   * {@code CompletionStage.whenComplete}. Then looks at the scope, as at creation, so that a
   * cancellation that came meanwhile aborts it. Only the waiting thread calls it.
   */
  public void publishAgain() {
    Task t = task;
    if (t != null) {
      t.parkedOn = this;
      if (cancellable && t.innermost.effective) {
        STATE.compareAndSet(this, WAITING, ABORTED);
      }
    }
  }

  /** Hands {@code value} to the waiting thread; returns {@code false} if it was already aborted. */
  public boolean complete(V value) {
    return decide(value == null ? NULL : value);
  }

  /** Aborts a cancellable wait; returns {@code false} if it was already completed. */
  boolean abortForCancellation() {
    return cancellable && decide(ABORTED);
  }

  /**
   * The one decision: moves the state from waiting (spinning or parked) to {@code outcome}, and
   * wakes the thread only if it parked; a thread that is still spinning sees the new state by
   * itself, which spares it the unpark.
   */
  private boolean decide(Object outcome) {
    for (Object s = state; s == WAITING || s == PARKED; s = state) {
      if (STATE.compareAndSet(this, s, outcome)) {
        if (s == PARKED) {
          parker.unpark(thread);
        }
        return true;
      }
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
    return await(parker.spinsBeforePark());
  }

  /** {@link #await()} for one side of a rendezvous, which may spin longer before it parks. */
  public boolean awaitRendezvous() {
    return await(parker.spinsBeforeRendezvousPark());
  }

  private boolean await(int spinsBeforePark) {
    Task t = task;
    if (t != null) {
      t.lock.dropLeakedHolds(); // a stack overflow may have left it held: never park so
    }
    for (int spins = spinsBeforePark; spins > 0 && state == WAITING; spins--) {
      Thread.onSpinWait();
    }
    boolean interrupted = false;
    Object event = null;
    Object blocker = this;
    try {
      // Not entered when the spin saw the decision: such a wait neither announces nor parks.
      for (Object s; (s = state) == WAITING || s == PARKED; ) {
        try {
          if (s == WAITING) { // the way to a park, once (again only after an error here)
            if (t != null) {
              parkedSince = t.runner.clock.nanoTime();
            }
            // Announce the park: a completer that decides after this unparks us; one that
            // decided before made this CAS fail, and we do not park at all.
            if (!STATE.compareAndSet(this, WAITING, PARKED)) {
              continue;
            }
            event = WeftEvents.waitStarted(); // JFR (O4), parks only
            blocker = blockerForDumps();
          }
          StackHeadroom.ensure(); // never overflow inside the JDK's own parking code
          PARKS.increment();
          parker.park(blocker);
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
          // A stack overflow (or out of memory) on the way to the park, in the JDK's parking
          // code, or while it resumes the thread, must not leave a waiter that a completer could
          // still grant. Still waiting and cancellable: take it back (the operation then had no
          // effect) and throw. Otherwise the outcome is not the error's: a completed wait returns
          // its grant, which must not be lost, and an uncancellable one waits on (H3).
          if (cancellable && (STATE.compareAndSet(this, PARKED, ABORTED)
              || STATE.compareAndSet(this, WAITING, ABORTED))) {
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
    if (event != null) {
      WeftEvents.waitEnded(event, this, state != ABORTED);
    }
    if (t != null) {
      t.afterPark();
    }
    return state != ABORTED;
  }

  /** Returns how many times waiters have parked in this process; for the benchmarks. */
  public static long parks() {
    return PARKS.sum();
  }

  /** Returns the value handed over; valid after {@link #await()} returned {@code true}. */
  @SuppressWarnings("unchecked")
  public V value() {
    Object s = state;
    return s == NULL ? null : (V) s;
  }

  /** Returns whether nobody has completed or aborted this waiter yet. */
  public boolean isWaiting() {
    Object s = state;
    return s == WAITING || s == PARKED;
  }

  /** The task that waits, or {@code null} for a thread outside Weft. */
  public Task task() {
    return task;
  }

  /**
   * What the waiting task does, for reports: "receive from memory stream@1a2b[buffer 0]". The
   * resource may be a user's object (an awaited stage): never call this under a Weft lock.
   */
  public String describeWait() {
    return operation + " " + SafeStrings.of(resource) + (cancellable ? "" : " (not cancellable)");
  }

  /**
   * The park blocker (semantics O7): the resource itself when it is one of Weft's own, so that the
   * JDK's thread dump and JFR's {@code jdk.ThreadPark} name its class, with the identity hash that
   * Weft's reports print; this waiter otherwise, so that no user object's {@code toString} is ever
   * called by a backend's report.
   */
  private Object blockerForDumps() {
    Object r = resource;
    return r != null && WEFTS_OWN.get(r.getClass()) ? r : this;
  }

  /**
   * Whether a class is one of Weft's own, decided once per class: the name test it caches was the
   * most sampled frame of a rendezvous stream and a buffered one in JFR profiles (benchmarks.md).
   */
  private static final ClassValue<Boolean> WEFTS_OWN = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      return type.getName().startsWith("dev.weft.");
    }
  };

  /** What is waited on (for reports and the deadlock watchdog). */
  Object resource() {
    return resource;
  }

  /** When the thread parked, on its run's clock, or {@code NOT_PARKED} if it has not (yet). */
  public long parkedSince() {
    return state == PARKED ? parkedSince : NOT_PARKED;
  }

  /** What {@link #parkedSince} returns for a thread that has not parked. */
  public static final long NOT_PARKED = Long.MIN_VALUE;

  @Override
  public String toString() {
    return (task != null ? task.toString() : "thread '" + thread.getName() + "'")
        + " waiting to " + operation + " " + SafeStrings.of(resource);
  }
}
