package dev.weft.internal.core;

import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.spi.Clock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;

/**
 * A node of a run's cancel-scope tree: the state behind one {@link CancelScope}, a task's root
 * scope, or a task group's scope.
 *
 * <p>A scope's parent is the innermost scope of the task that entered it; a task's root scope has
 * the scope of its task group as parent (or, while a {@code start()} child has not yet called
 * {@code started()}, the innermost scope of the task that called {@code start()}). So one tree
 * spans every task of a run, and cancelling a scope reaches every task below it.
 *
 * <h2>Implementation notes</h2>
 * <b>Guards.</b> The run's tree lock ({@link Runner#lock}) guards the tree's shape ({@code parent},
 * {@code firstChild}, {@code prev}, {@code next}), {@code state}, {@code owner}, {@code timer}, and
 * every write of {@code effective}. Three fields may be written before the scope is entered, when
 * it has no run and hence no lock: {@code cancelReason} (set once by CAS; the first reason wins),
 * {@code shielded} and {@code deadline} (volatile). Entry publishes {@code runner} (volatile) and
 * then, under the lock, reads those three fields; a setter writes its field and then reads
 * {@code runner}, and if it sees a run it takes the lock and re-applies the change. Both sides
 * write one volatile and then read the other, so at least one of them sees the other's write: a
 * change made during entry is never lost, and applying it twice is harmless.
 *
 * <p><b>Invariant.</b> For every active scope, under the lock: {@code effective == (cancelReason !=
 * null || (!shielded && parent != null && parent.effective))}. {@link #propagateLocked} restores it
 * after any change, top-down, and tells each task whose innermost scope changed.
 *
 * <p><b>Lock-free readers.</b> A task's checkpoint reads {@code effective} of its own innermost
 * scope without the lock. A stale {@code false} is harmless: the change that makes it {@code true}
 * also tells the task (aborts its park, interrupts its thread), and the next checkpoint sees it.
 *
 * <h2>Lifecycle</h2>
 * NEW → ACTIVE ({@link #enterLocked}) → EXITED ({@link #exitLocked}); a second entry fails
 * ({@code CancelScopeTest#enter_twice_throwsNamingTheScope}, {@code
 * CancelScopeTest#enter_whileActive_throws}).
 */
public final class Scope {

  public static final long NEVER = Long.MAX_VALUE;
  public static final long PAST = Long.MIN_VALUE;

  private static final int NEW = 0;
  private static final int ACTIVE = 1;
  private static final int EXITED = 2;

  private static final VarHandle CANCEL_REASON;
  private static final VarHandle RUNNER;

  static {
    try {
      CANCEL_REASON =
          MethodHandles.lookup().findVarHandle(Scope.class, "cancelReason", Reason.class);
      RUNNER = MethodHandles.lookup().findVarHandle(Scope.class, "runner", Runner.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Why a scope was cancelled.
   *
   * @param by who called {@code cancel()}, for the message; {@code null} when no one did
   */
  record Reason(String text, String by, boolean deadline) {}

  /** The public face of this node. */
  final CancelScope api;

  /** What the scope is for, in reports ("task group"); {@code null} for a plain cancel scope. */
  private volatile String role;

  /** A timeout that becomes a deadline when the scope is entered; -1 when there is none. */
  private final long relativeTimeoutNanos;

  /** Whether {@link #setDeadline} was called; then a relative timeout no longer applies. */
  private volatile boolean deadlineSet;

  private volatile Runner runner; // set once, by CAS, at entry
  private volatile Reason cancelReason; // set once, by CAS
  private volatile boolean shielded;
  private volatile long deadline;
  private volatile boolean cancelledCaught; // written by the owner at exit
  volatile boolean effective; // written under the lock; read lock-free by the owner's checkpoints

  // Guarded by runner.lock.
  Task owner;
  Scope parent;
  private Scope firstChild;
  private Scope prev;
  private Scope next;
  private int state = NEW;
  private Clock.Timer timer;

  public Scope(CancelScope api, long deadline, long relativeTimeoutNanos, boolean shielded) {
    this.api = api;
    this.deadline = deadline;
    this.relativeTimeoutNanos = relativeTimeoutNanos;
    this.shielded = shielded;
  }

  // ---- entering and leaving -------------------------------------------------------------------

  /** Enters this scope as the new innermost scope of {@code task}, the current task. */
  public void enter(Task task) {
    Runner r = task.runner;
    try {
      r.lock.lock();
      enterLocked(task, task.innermost);
    } finally {
      r.lock.unlockIfHeld();
    }
  }

  /**
   * Links this scope below {@code parentScope} and makes it {@code task}'s innermost scope. For a
   * task's root scope, {@code task} is not yet running and {@code parentScope} belongs to another
   * task.
   */
  void enterLocked(Task task, Scope parentScope) {
    Runner r = task.runner;
    assert r.lock.isHeldByCurrentThread();
    // The one entry, decided across runs (each run's lock guards only its own tree); the CAS also
    // publishes the run before reading cancelReason/shielded/deadline (see class notes).
    if (!RUNNER.compareAndSet(this, (Runner) null, r)) {
      // Not api.toString(): it takes the lock of the run that entered it, maybe another run's.
      throw new IllegalStateException("CancelScope@" + Integer.toHexString(
          System.identityHashCode(api)) + " was already entered; a cancel scope can be entered"
          + " only once");
    }
    // In an order that leaves a state that exitLocked can undo, should an error (a stack overflow)
    // stop it at any point: nothing links or arms before the scope is the task's innermost.
    owner = task;
    parent = parentScope;
    state = ACTIVE;
    task.innermost = this;
    linkLocked();
    if (relativeTimeoutNanos >= 0 && !deadlineSet) {
      deadline = saturatedAdd(r.clock.nanoTime(), relativeTimeoutNanos);
    }
    effective = computeEffective();
    armDeadlineLocked();
    if (effective) {
      task.cancellationChangedLocked(true);
    } else {
      task.dropStaleInterruptLocked();
    }
  }

  /**
   * Leaves this scope, the innermost scope of the current task, and decides what propagates.
   *
   * @param outcome what the body threw, or {@code null}
   * @return what to throw to the caller: {@code null} when the body returned or when this scope
   *     caught its own cancellation; otherwise the outcome, with an {@link InterruptedException}
   *     replaced by the pending cancellation
   */
  public Throwable exit(Task task, Throwable outcome) {
    Runner r = task.runner;
    try {
      r.lock.lock();
      return exitLocked(task, adoptInterruptLocked(task, outcome));
    } finally {
      r.lock.unlockIfHeld();
    }
  }

  Throwable exitLocked(Task task, Throwable outcome) {
    assert runner.lock.isHeldByCurrentThread();
    if (state != ACTIVE || owner != task) {
      return outcome; // an error stopped the entry before it began: nothing to undo
    }
    // Scopes inside this one that an error (a stack overflow between their entry and the code that
    // leaves them) left entered: leave them first, innermost first.
    while (task.innermost != this && task.innermost.owner == task
        && task.innermost.isWithin(this)) {
      task.innermost.exitLocked(task, null);
    }
    Throwable result = outcome;
    if (outcome instanceof CancelledException ce && isOwn(ce)) {
      if (outerCancellationVisible()) {
        // Ours, but a scope outside was cancelled while it was on its way out: from here on it
        // belongs to the outermost visible cancelled scope (C8), so that the scope that will
        // catch it, or a task group above this task, sees a cancellation aimed at it.
        result = parent.cancellationTargetLocked().newCancelledException();
        result.addSuppressed(ce);
      } else if (cancelReason != null && this != owner.root) {
        cancelledCaught = true;
        result = null;
      }
    }
    disarmDeadlineLocked();
    unlinkLocked();
    state = EXITED;
    task.innermost = parent != null && parent.owner == task ? parent : null;
    if (task.innermost != null) {
      // Leaving a shield inside a cancelled scope makes the task cancelled again: it needs Weft's
      // interrupt back (ReviewFindings); leaving the cancelled scope itself ends the need for it.
      task.cancellationChangedLocked(task.innermost.effective);
    }
    return result;
  }

  /**
   * Whether {@code ce} is ours: thrown in this run for this scope or a scope nested in it. Leaving
   * this scope swallows its own cancellation if it is cancelled and no cancelled scope outside it
   * is visible; with one visible, the cancellation travels on, re-aimed at the outermost visible
   * one. A task's root scope never swallows: a cancelled run ({@code Weft.run}'s caller was
   * interrupted) ends with the cancellation. Any other cancellation travels on unchanged (C9).
   */
  private boolean isOwn(CancelledException ce) {
    CancelScope origin = ce.scope();
    if (origin == null) {
      return false;
    }
    Scope s = ApiAccess.get().node(origin);
    if (s.runner != runner) {
      return false;
    }
    for (; s != null; s = s.parent) {
      if (s == this) {
        return true;
      }
    }
    return false;
  }

  private boolean outerCancellationVisible() {
    return !shielded && parent != null && parent.effective;
  }

  /**
   * Replaces an exception by which an interrupt ended a JDK call ({@link InterruptedException},
   * {@code ClosedByInterruptException}, {@code InterruptedIOException}, a socket "Closed by
   * interrupt") with the task's cancellation, if it has one: Weft sent that interrupt (B3).
   */
  static Throwable adoptInterruptLocked(Task task, Throwable outcome) {
    if (outcome != null && task.innermost.effective && InterruptOutcomes.endedByInterrupt(outcome)) {
      CancelledException ce = task.cancellationLocked();
      if (ce != null) {
        ce.addSuppressed(outcome);
        return ce;
      }
    }
    return outcome;
  }

  // ---- cancel, shield, deadline ---------------------------------------------------------------

  /** Cancels this scope; the first reason wins. Never throws into the caller. */
  public void cancel(String reason) {
    if (cancelReason != null) {
      return; // the first reason won already; do not build a second one
    }
    Task t = Task.current();
    cancel(new Reason(reason,
        t != null ? t.toString() : "thread '" + Thread.currentThread().getName() + "'", false));
  }

  private void cancel(Reason reason) {
    if (!CANCEL_REASON.compareAndSet(this, null, reason)) {
      return;
    }
    whileActive(this::propagateLocked);
  }

  /** Cancels this scope with the lock already held, as a timer or a failing child does. */
  void cancelLocked(String reason, boolean isDeadline) {
    assert runner.lock.isHeldByCurrentThread();
    if (CANCEL_REASON.compareAndSet(this, null, new Reason(reason, null, isDeadline)) && state == ACTIVE) {
      propagateLocked();
    }
  }

  public void setShielded(boolean value) {
    shielded = value;
    whileActive(this::propagateLocked);
  }

  public void setDeadline(long value) {
    deadlineSet = true; // before the write: an entry that misses the flag is still running...
    deadline = value;
    whileActive(() -> {
      deadline = value; // ...and may have written the relative deadline over ours
      disarmDeadlineLocked();
      armDeadlineLocked();
    });
  }

  /**
   * Re-applies a change made to a volatile field, under the lock, if the scope is active by then;
   * before entry there is nothing to do (entry reads the field), after exit neither.
   */
  private void whileActive(Runnable change) {
    Runner r = runner;
    if (r != null) {
      try {
        r.lock.lock();
        if (state == ACTIVE) {
          change.run();
        }
      } finally {
        r.lock.unlockIfHeld();
      }
    }
  }

  private void armDeadlineLocked() {
    long d = deadline;
    if (d == NEVER || cancelReason != null) {
      return;
    }
    Runner r = runner;
    if (d <= r.clock.nanoTime()) {
      cancelLocked("the deadline passed", true);
    } else {
      timer = r.clock.schedule(d, this::deadlineReached);
    }
  }

  private void disarmDeadlineLocked() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  /** Runs on the clock's timer thread. A timer left over from an earlier deadline does nothing. */
  private void deadlineReached() {
    Runner r = runner;
    try {
      r.lock.lock();
      if (state == ACTIVE && deadline <= r.clock.nanoTime()) {
        // This may be a timer of an earlier deadline; cancel whichever timer is current, so that
        // none stays queued after the scope is gone.
        disarmDeadlineLocked();
        cancelLocked("the deadline passed", true);
      }
    } finally {
      r.lock.unlockIfHeld();
    }
  }

  // ---- the effective state -------------------------------------------------------------------

  private boolean computeEffective() {
    return cancelReason != null || (!shielded && parent != null && parent.effective);
  }

  /**
   * Restores the invariant for this scope and everything below it, and tells every task whose
   * innermost scope changed. Iterative, because trees of nested task groups can be deep.
   */
  void propagateLocked() {
    assert runner.lock.isHeldByCurrentThread();
    ArrayDeque<Scope> work = null;
    Scope s = this;
    while (s != null) {
      boolean now = s.computeEffective();
      if (now != s.effective) {
        s.effective = now;
        if (s.owner.innermost == s) {
          s.owner.cancellationChangedLocked(now);
        }
        for (Scope c = s.firstChild; c != null; c = c.next) {
          if (work == null) {
            work = new ArrayDeque<>();
          }
          work.push(c);
        }
      }
      s = work == null ? null : work.poll();
    }
  }

  /** Moves this active root scope of a starting task below {@code newParent}. */
  void reparentLocked(Scope newParent) {
    assert runner.lock.isHeldByCurrentThread() && state == ACTIVE;
    unlinkLocked();
    parent = newParent;
    linkLocked();
    propagateLocked();
  }

  /**
   * Returns the scope a checkpoint of the task whose innermost scope is this one would name: the
   * outermost cancelled scope reachable by walking outward up to and including the first shielded
   * scope; {@code null} when there is none.
   */
  Scope cancellationTargetLocked() {
    Scope target = null;
    for (Scope s = this; s != null; s = s.parent) {
      if (s.cancelReason != null) {
        target = s;
      }
      if (s.shielded) {
        break;
      }
    }
    return target;
  }

  /** The earliest deadline from this scope outward up to the first shield; PAST if cancelled. */
  long effectiveDeadlineLocked() {
    long min = NEVER;
    for (Scope s = this; s != null; s = s.parent) {
      if (s.cancelReason != null) {
        return PAST;
      }
      min = Math.min(min, s.deadline);
      if (s.shielded) {
        break;
      }
    }
    return min;
  }

  /** Whether {@code ancestor} is this scope or encloses it. */
  boolean isWithin(Scope ancestor) {
    for (Scope s = this; s != null; s = s.parent) {
      if (s == ancestor) {
        return true;
      }
    }
    return false;
  }

  CancelledException newCancelledException() {
    Reason reason = cancelReason;
    return ApiAccess.get().cancelled(api, reason.text(), reason.by(), reason.deadline());
  }

  private void linkLocked() {
    if (parent != null) {
      next = parent.firstChild;
      if (next != null) {
        next.prev = this;
      }
      parent.firstChild = this;
    }
  }

  private void unlinkLocked() {
    if (parent != null && (prev != null || parent.firstChild == this)) { // linked at all?
      if (prev != null) {
        prev.next = next;
      } else {
        parent.firstChild = next;
      }
      if (next != null) {
        next.prev = prev;
      }
      prev = null;
      next = null;
    }
  }

  static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? (b > 0 ? NEVER : PAST) : sum;
  }

  /** A short description for reports; called under the lock. */
  String describeForReport() {
    StringBuilder sb = new StringBuilder(role != null ? role + " scope" : "CancelScope@"
        + Integer.toHexString(System.identityHashCode(api)));
    sb.append('[');
    Reason r = cancelReason;
    sb.append(r == null ? "not cancelled" : "cancelled: " + r.text());
    if (shielded) {
      sb.append(", shielded");
    }
    if (deadline != NEVER) {
      sb.append(", deadline ").append(java.time.Duration.ofNanos(deadline));
    }
    return sb.append(']').toString();
  }

  /** Names what this scope is for, in reports. */
  public void setRole(String role) {
    this.role = role;
  }

  // ---- reads for the public API ---------------------------------------------------------------

  public boolean cancelCalled() {
    return cancelReason != null;
  }

  public boolean cancelledCaught() {
    return cancelledCaught;
  }

  public boolean shielded() {
    return shielded;
  }

  public long deadline() {
    return deadline;
  }

  public String stateName() {
    Runner r = runner;
    if (r == null) {
      return "new";
    }
    try {
      r.lock.lock();
      return state == ACTIVE ? "active in task '" + owner.name() + "'" : "exited";
    } finally {
      r.lock.unlockIfHeld();
    }
  }
}
