package dev.weft.internal.core;

import dev.weft.cancel.CancelledException;
import dev.weft.internal.guard.CriticalLock;
import dev.weft.internal.guard.StackHeadroom;

/**
 * The runtime state of one Weft task: its place in the scope tree, what it is parked on, and the
 * bookkeeping of the interrupts Weft sends it.
 *
 * <h2>Implementation notes</h2>
 * {@link #lock} is the task's own lock (ADR 0007): it guards the scopes the task owns (see {@link
 * Scope}), the task groups it hosts (see {@link Group}) and the interrupt bookkeeping below. It is
 * uncontended unless another thread cancels this task or starts a task in a group it hosts; no
 * thread ever holds two task locks.
 *
 * <p>{@code innermost} is written only by the task's own thread (or, before the task runs, by the
 * thread that spawns it), under the task's lock; the task reads it freely (its own writes), other
 * threads read it under the lock. {@code parkedOn} is volatile
 * and written only by the task: set before the task checks for cancellation and parks, cleared
 * after it wakes. A canceller sets {@code effective} (volatile) and then reads {@code parkedOn};
 * the task writes {@code parkedOn} and then reads {@code effective}; so either the canceller
 * aborts the waiter or the task sees the cancellation and aborts it itself (see {@link Waiter}).
 *
 * <p><b>Interrupts.</b> While a task is effectively cancelled, Weft keeps its interrupt status set,
 * so that a JDK call that blocks outside Weft (socket I/O, {@code Thread.sleep}, a {@code
 * BlockingQueue}) wakes up. {@code interruptPending} (guarded by the task's lock) records that Weft
 * set it. When the task stops being cancelled (its scope caught the cancellation, it entered a
 * shield) or ends, Weft clears the status on the task's own thread, the only thread that can clear
 * it; a change made by another thread is cleaned up at the task's next scope change or park. Weft
 * never clears an interrupt it did not send.
 */
public final class Task {

  private static final ThreadLocal<Task> CURRENT = new ThreadLocal<>();

  final long id;
  private final String givenName; // null: "task-<id>", built when asked for
  final Task parent;
  final Runner runner;
  final Scope root;
  final Group group; // null for the root task
  final Group.Starter starter; // non-null for a child of start() until it ends
  final CriticalLock lock = new CriticalLock();

  volatile Thread thread;
  Scope innermost;
  volatile Waiter<?> parkedOn;
  private volatile boolean interruptPending; // written under lock; read as a hint
  private boolean foreignInterrupt; // guarded by lock: the thread was interrupted already
  // Guarded by lock, written only by the task's thread: a park of this task is holding an
  // interrupt that Weft did not send (it cleared the status to park again, and re-asserts it when
  // the wait ends), so the thread's status reads clear although it was interrupted.
  private boolean absorbedForeignInterrupt;

  // Time slicing at checkpoints (K3); only the task's own thread reads and writes them.
  private static final long TIME_SLICE_NANOS = 1_000_000;
  private static final int CHECKPOINTS_PER_CLOCK_READ = 64;
  private int checkpointsUntilClockRead = CHECKPOINTS_PER_CLOCK_READ;
  /** Cancellations thrown to this task in a row for one scope (C17); this task's thread only. */
  private final SwallowedCancellations swallowed = new SwallowedCancellations();
  private long sliceStartNanos;

  Task(Runner runner, String name, Task parent, Group group, Group.Starter starter) {
    this.runner = runner;
    this.id = runner.nextTaskId();
    this.givenName = name;
    this.parent = parent;
    this.group = group;
    this.starter = starter;
    // Only the root task's root scope can be cancelled (Weft.run's caller was interrupted), so
    // only it needs a public face; a child's root scope is never cancelled or named.
    this.root = parent == null
        ? ApiAccess.get().node(ApiAccess.get().newScope())
        : new Scope(null, Scope.NEVER, -1, false);
  }

  /** Returns the current thread's task, or {@code null} on a thread that no Weft run started. */
  public static Task current() {
    return CURRENT.get();
  }

  /** Returns the current task, or throws naming the operation that needs one. */
  public static Task require(String operation) {
    Task t = CURRENT.get();
    if (t == null) {
      throw new IllegalStateException(
          operation + " must be called from a Weft task (inside Weft.run), not from thread '"
              + Thread.currentThread().getName() + "'");
    }
    return t;
  }

  /** First thing a task's thread does. */
  void begin() {
    CURRENT.set(this);
    // Publish the thread, then look at the scope: a canceller sets `effective` and then reads
    // `thread` (under the lock), so one of the two sees the other and the task is interrupted if
    // it was cancelled before it ran. The lock is taken only in that case.
    thread = Thread.currentThread();
    if (innermost.effective) {
      try {
        lock.lock();
        if (innermost.effective) { // a shield may have been raised since the first look
          interruptLocked();
        }
      } finally {
        lock.unlockIfHeld();
      }
    }
  }

  /**
   * Last thing a task's thread does, under its own lock: leaves its scopes and its root scope. The
   * root stays linked below its parent, another task's scope; the caller unlinks it.
   *
   * @return the task's outcome, with an {@link InterruptedException} replaced by its cancellation
   */
  Throwable endLocked(Throwable outcome) {
    assert lock.isHeldByCurrentThread();
    // Scopes are left by the code that entered them; only an Error (a backend aborting a failed
    // run, a stack overflow) can leave some behind. Leave them here, innermost first.
    while (innermost != null && innermost != root && innermost.owner == this) {
      innermost.exitLocked(this, null);
    }
    Throwable result = root.exitLocked(this, Scope.adoptInterruptLocked(this, outcome));
    if (interruptPending) {
      clearWeftInterruptLocked();
    }
    return result;
  }

  void detachFromThread() {
    CURRENT.remove();
  }

  /**
   * At a checkpoint: once this task has run for a time slice since it last yielded, lets other
   * tasks have the processor. The clock is read only every {@value #CHECKPOINTS_PER_CLOCK_READ}
   * checkpoints, which keeps an uncancelled checkpoint within a few nanoseconds. (A task that
   * parks gives up its thread anyway; its slice is not restarted then, which costs at most one
   * early yield.)
   */
  void yieldAtEndOfSlice() {
    if (--checkpointsUntilClockRead > 0) {
      return;
    }
    checkpointsUntilClockRead = CHECKPOINTS_PER_CLOCK_READ;
    long now = runner.clock.nanoTime();
    if (now - sliceStartNanos >= TIME_SLICE_NANOS) {
      sliceStartNanos = now;
      StackHeadroom.ensure(); // never overflow inside the JDK's own yield
      runner.scheduler.yieldProcessor();
    }
  }

  // ---- cancellation ---------------------------------------------------------------------------

  /** Whether a checkpoint of this task would throw now: exactly the checkpoint's predicate. */
  public boolean hasPendingCancellation() {
    if (Thread.currentThread() == thread) {
      return innermost.effective;
    }
    try {
      lock.lock();
      return innermost != null && innermost.effective;
    } finally {
      lock.unlockIfHeld();
    }
  }

  /** Throws the pending cancellation of the current task, if there is one. */
  public void throwIfCancelled() {
    if (innermost.effective) {
      CancelledException ce = pendingCancellation();
      if (ce != null) {
        swallowed.thrown(this, ce);
        throw ce;
      }
    }
  }

  /**
   * Returns a new exception for this task's pending cancellation, or {@code null}. On the task's
   * own thread (the only caller) it needs no lock: see {@link Scope}, "Lock-free readers".
   */
  public CancelledException pendingCancellation() {
    Scope s = innermost;
    Scope target = s == null ? null : s.cancellationTarget();
    return target == null ? null : target.newCancelledException();
  }

  /** Called by the tree when the effective state of this task's innermost scope changed. */
  void cancellationChangedLocked(boolean cancelled) {
    if (cancelled) {
      Waiter<?> w = parkedOn;
      if (w != null) {
        w.abortForCancellation();
      }
      interruptLocked();
    } else {
      dropStaleInterruptLocked();
    }
  }

  /**
   * Sets Weft's interrupt. If the thread is interrupted already, by someone else, Weft leaves
   * that interrupt alone and remembers not to clear it later. (An interrupt that someone else
   * sends while Weft's is set cannot be told apart from it; ADR 0004.)
   */
  private void interruptLocked() {
    Thread t = thread;
    if (!interruptPending && t != null) {
      interruptPending = true;
      foreignInterrupt = absorbedForeignInterrupt || t.isInterrupted();
      if (!foreignInterrupt) {
        t.interrupt();
      }
    }
  }

  /** Takes back Weft's interrupt; on the task's own thread, the only one that can clear it. */
  private void clearWeftInterruptLocked() {
    interruptPending = false;
    if (!foreignInterrupt) {
      Thread.interrupted();
    }
    foreignInterrupt = false;
  }

  /** Clears Weft's interrupt when this task is no longer cancelled, if called on its thread. */
  void dropStaleInterruptLocked() {
    if (interruptPending
        && Thread.currentThread() == thread
        && (innermost == null || !innermost.effective)) {
      clearWeftInterruptLocked();
    }
  }

  /**
   * Called by a park of this task, on its thread, when it took an interrupt off the thread to
   * park again: unless Weft had sent one, the interrupt is someone else's (B4).
   */
  void interruptAbsorbed() {
    try {
      lock.lock();
      if (!interruptPending) {
        absorbedForeignInterrupt = true;
      }
    } finally {
      lock.unlockIfHeld();
    }
  }

  /** Called by that park once it has set the interrupt status again; the status now tells. */
  void absorbedInterruptRestored() {
    if (absorbedForeignInterrupt) { // only this thread writes it
      try {
        lock.lock();
        absorbedForeignInterrupt = false;
      } finally {
        lock.unlockIfHeld();
      }
    }
  }

  /** After a park: clears an interrupt left by a cancellation that a shield has since hidden. */
  void afterPark() {
    if (interruptPending && !innermost.effective) {
      try {
        lock.lock();
        dropStaleInterruptLocked();
      } finally {
        lock.unlockIfHeld();
      }
    }
  }

  /**
   * Whether any scope around this task is cancelled, <em>ignoring shields</em>: the wrong predicate
   * that AnyIO 4.4.0's memory stream used to skip receivers. Nothing in Weft calls it; tests use it
   * to rebuild that bug and show that Weft's tools find it.
   */
  public boolean cancelledIgnoringShields() {
    Scope start;
    try {
      lock.lock();
      start = innermost;
    } finally {
      lock.unlockIfHeld();
    }
    for (Scope s = start; s != null; s = s.parent) {
      if (s.cancelCalled()) {
        return true;
      }
    }
    return false;
  }

  /** The current task's effective deadline (T6); on its own thread, needs no lock. */
  public long effectiveDeadline() {
    return innermost.effectiveDeadline();
  }

  // ---- identity -------------------------------------------------------------------------------

  public long id() {
    return id;
  }

  public String name() {
    return givenName != null ? givenName : "task-" + id;
  }

  /** The name given when the task was started, or {@code null}. */
  String givenName() {
    return givenName;
  }

  public Task parent() {
    return parent;
  }

  public Runner runner() {
    return runner;
  }

  public Scope innermost() {
    return innermost;
  }

  @Override
  public String toString() {
    return "task '" + name() + "' (#" + id + ")";
  }
}
