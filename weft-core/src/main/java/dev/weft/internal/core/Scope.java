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
 * <b>Guards (ADR 0007).</b> The lock of the task that owns the scope ({@link Task#lock}) guards
 * {@code state}, {@code timer}, every write of {@code effective}, and the list of the scope's
 * children ({@code firstChild} and the children's {@code prev}/{@code next}): a child that is
 * another task's root scope is linked and unlinked under this scope's owner's lock, not the
 * child's. A root scope's {@code parent} is written by the thread that spawns or moves the task
 * and read under either lock (volatile). Three fields may be written before the scope is entered,
 * when it has no owner and hence no lock: {@code cancelReason} (set once by CAS; the first reason
 * wins), {@code shielded} and {@code deadline} (volatile). Entry publishes {@code owner} (volatile,
 * after the one-entry CAS on {@code runner}) and then, under the owner's lock, reads those three
 * fields; a setter writes its field and then reads {@code owner}, and if it sees one it takes that
 * lock and re-applies the change. Both sides write one volatile and then read the other, so at
 * least one of them sees the other's write.
 *
 * <p><b>Invariant.</b> For every active scope, once the propagation that last changed its parent
 * has visited it: {@code effective == (cancelReason != null || (!shielded && parent != null &&
 * parent.effective))}. {@link #propagateLocked} restores it in the owner's scopes, top-down, under
 * the owner's lock, and returns the other tasks' root scopes below, which {@link #visit} then
 * handles one task lock at a time, each recomputed from its parent's flag as it is when visited.
 * No thread holds two task locks; every writer of a parent's flag visits the children afterwards,
 * so the last visit of a child sees the last write; and {@code cancel()} returns only after its
 * whole walk (P4).
 *
 * <p><b>Lock-free readers.</b> A task's checkpoint reads {@code effective} of its own innermost
 * scope without a lock. A stale {@code false} is harmless: the change that makes it {@code true}
 * also tells the task (aborts its park, interrupts its thread), and the next checkpoint sees it.
 * The walk outward for an exception's target reads set-once reasons and volatile shields along a
 * path that does not change while the task runs (a scope that a task is inside cannot be left
 * before the task ends).
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

  private volatile Runner runner; // set once, by CAS, at entry: the one entry across runs
  volatile Task owner; // set once, at entry, after runner
  volatile Scope parent; // set at entry; a root scope's moves once (start -> started)
  private volatile Reason cancelReason; // set once, by CAS
  private volatile boolean shielded;
  private volatile long deadline;
  private volatile boolean cancelledCaught; // written by the owner at exit
  volatile boolean effective; // written under owner.lock; read lock-free by the owner's checkpoints

  // Guarded by owner.lock (the children list: by this scope's owner's lock, see class notes).
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
    try {
      task.lock.lock();
      enterLocked(task, task.innermost);
    } finally {
      task.lock.unlockIfHeld();
    }
  }

  /**
   * Links this scope below {@code parentScope} and makes it {@code task}'s innermost scope. Called
   * under the lock of {@code parentScope}'s owner, which for a scope of a running task is {@code
   * task} itself; for a task's root scope, {@code task} is not yet running (nobody else knows it)
   * and {@code parentScope} belongs to another task.
   */
  void enterLocked(Task task, Scope parentScope) {
    Runner r = task.runner;
    assert parentScope == null ? task.lock.isHeldByCurrentThread()
        : parentScope.owner.lock.isHeldByCurrentThread();
    // The one entry, decided across runs (each task's lock guards only its own scopes).
    if (!RUNNER.compareAndSet(this, (Runner) null, r)) {
      // Not api.toString(): it takes the lock of the task that entered it.
      throw new IllegalStateException("CancelScope@" + Integer.toHexString(
          System.identityHashCode(api)) + " was already entered; a cancel scope can be entered"
          + " only once");
    }
    // In an order that leaves a state that exitLocked can undo, should an error (a stack overflow)
    // stop it at any point: nothing links or arms before the scope is the task's innermost.
    parent = parentScope;
    owner = task; // publish before reading cancelReason/shielded/deadline (see class notes)
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
    try {
      task.lock.lock();
      return exitLocked(task, adoptInterruptLocked(task, outcome));
    } finally {
      task.lock.unlockIfHeld();
    }
  }

  /**
   * Leaves this scope under its owner's lock. A task's root scope stays linked below its parent,
   * which belongs to another task: the caller unlinks it under that task's lock ({@link
   * #unlinkRootFromParentLocked}).
   */
  Throwable exitLocked(Task task, Throwable outcome) {
    assert task.lock.isHeldByCurrentThread();
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
        result = parent.cancellationTarget().newCancelledException();
        result.addSuppressed(ce);
      } else if (cancelReason != null && this != owner.root) {
        cancelledCaught = true;
        result = null;
      }
    }
    disarmDeadlineLocked();
    Scope p = parent;
    if (p != null && p.owner == task) {
      unlinkLocked();
    }
    state = EXITED;
    task.innermost = p != null && p.owner == task ? p : null;
    if (task.innermost != null) {
      // Leaving a shield inside a cancelled scope makes the task cancelled again: it needs Weft's
      // interrupt back (ReviewFindings); leaving the cancelled scope itself ends the need for it.
      task.cancellationChangedLocked(task.innermost.effective);
    }
    return result;
  }

  /** Unlinks this exited root scope from its parent's children; the parent's owner's lock held. */
  void unlinkRootFromParentLocked() {
    assert parent.owner.lock.isHeldByCurrentThread();
    unlinkLocked();
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
      CancelledException ce = task.pendingCancellation();
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
    WeftEvents.scopeCancelled(this, reason.text(), reason.by(), reason.deadline());
    whileActive(() -> propagateLocked(null));
  }

  /**
   * Cancels this scope with its owner's lock held, as a timer or a failing child does.
   *
   * @return the other tasks' root scopes to {@link #visit} once the lock is released
   */
  ArrayDeque<Scope> cancelLocked(String reason, boolean isDeadline, ArrayDeque<Scope> pending) {
    assert owner.lock.isHeldByCurrentThread();
    if (CANCEL_REASON.compareAndSet(this, null, new Reason(reason, null, isDeadline))) {
      WeftEvents.scopeCancelled(this, reason, null, isDeadline); // JFR's own code, no user code
      if (state == ACTIVE) {
        return propagateLocked(pending);
      }
    }
    return pending;
  }

  public void setShielded(boolean value) {
    shielded = value;
    whileActive(() -> propagateLocked(null));
  }

  public void setDeadline(long value) {
    deadlineSet = true; // before the write: an entry that misses the flag is still running...
    deadline = value;
    whileActive(() -> {
      deadline = value; // ...and may have written the relative deadline over ours
      disarmDeadlineLocked();
      return armDeadlineLocked();
    });
  }

  /** A change applied under the owner's lock; returns the roots of other tasks to visit. */
  @FunctionalInterface
  private interface LockedChange {
    ArrayDeque<Scope> apply();
  }

  /**
   * Re-applies a change made to a volatile field, under the owner's lock, if the scope is active by
   * then, and then visits the other tasks below; before entry there is nothing to do (entry reads
   * the field), after exit neither.
   */
  private void whileActive(LockedChange change) {
    Task t = owner;
    if (t == null) {
      return;
    }
    ArrayDeque<Scope> pending = null;
    try {
      t.lock.lock();
      if (state == ACTIVE) {
        pending = change.apply();
      }
    } finally {
      t.lock.unlockIfHeld();
    }
    visit(pending);
  }

  /** Arms the deadline's timer, or cancels at once if it has passed; owner's lock held. */
  private ArrayDeque<Scope> armDeadlineLocked() {
    long d = deadline;
    if (d == NEVER || cancelReason != null) {
      return null;
    }
    Runner r = runner;
    if (d <= r.clock.nanoTime()) {
      return cancelLocked("the deadline passed", true, null);
    }
    timer = r.clock.schedule(d, this::deadlineReached);
    return null;
  }

  private void disarmDeadlineLocked() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  /** Runs on the clock's timer thread. A timer left over from an earlier deadline does nothing. */
  private void deadlineReached() {
    Task t = owner;
    ArrayDeque<Scope> pending = null;
    try {
      t.lock.lock();
      if (state == ACTIVE && deadline <= runner.clock.nanoTime()) {
        // This may be a timer of an earlier deadline; cancel whichever timer is current, so that
        // none stays queued after the scope is gone.
        disarmDeadlineLocked();
        pending = cancelLocked("the deadline passed", true, null);
      }
    } finally {
      t.lock.unlockIfHeld();
    }
    visit(pending);
  }

  // ---- the effective state -------------------------------------------------------------------

  private boolean computeEffective() {
    Scope p = parent;
    return cancelReason != null || (!shielded && p != null && p.effective);
  }

  /**
   * Restores the invariant for this scope and every scope of the same task below it, under the
   * owner's lock, and tells the task if its innermost scope changed. Iterative, because trees of
   * nested scopes can be deep.
   *
   * @param pending where to add the other tasks' root scopes below whose parent changed (may be
   *     {@code null})
   * @return {@code pending}, or a new deque if it was {@code null} and a root was found
   */
  ArrayDeque<Scope> propagateLocked(ArrayDeque<Scope> pending) {
    Task t = owner;
    assert t.lock.isHeldByCurrentThread();
    ArrayDeque<Scope> work = null;
    Scope s = this;
    while (s != null) {
      boolean now = s.computeEffective();
      if (now != s.effective) {
        s.effective = now;
        if (t.innermost == s) {
          t.cancellationChangedLocked(now);
        }
        for (Scope c = s.firstChild; c != null; c = c.next) {
          if (c.owner == t) {
            if (work == null) {
              work = new ArrayDeque<>();
            }
            work.push(c);
          } else {
            if (pending == null) {
              pending = new ArrayDeque<>();
            }
            pending.add(c); // another task's root: visited under its own lock, after ours
          }
        }
      }
      s = work == null ? null : work.poll();
    }
    return pending;
  }

  /**
   * Visits the given roots of other tasks, each under its own task's lock, recomputing it from its
   * parent's flag as it is now and propagating below it; continues with the roots found there.
   * Called with no task lock held.
   */
  static void visit(ArrayDeque<Scope> pending) {
    if (pending == null) {
      return;
    }
    for (Scope root; (root = pending.poll()) != null; ) {
      Task t = root.owner;
      try {
        t.lock.lock();
        if (root.state == ACTIVE) {
          pending = root.propagateLocked(pending);
        }
      } finally {
        t.lock.unlockIfHeld();
      }
    }
  }

  /**
   * Moves this active root scope of a starting task below {@code newParent} (the group's scope):
   * unlinks it under the old parent's owner's lock, links it under the new one's, and recomputes it
   * under its own task's lock. A propagation in between reads the new parent when it visits.
   */
  void reparent(Scope newParent, Runnable alsoUnderNewParentsLock) {
    Scope old = parent;
    try {
      old.owner.lock.lock();
      unlinkLocked();
    } finally {
      old.owner.lock.unlockIfHeld();
    }
    Task host = newParent.owner;
    try {
      host.lock.lock();
      parent = newParent;
      linkLocked();
      alsoUnderNewParentsLock.run();
    } finally {
      host.lock.unlockIfHeld();
    }
    ArrayDeque<Scope> pending = new ArrayDeque<>();
    pending.add(this);
    visit(pending);
  }

  /**
   * Returns the scope a checkpoint of the task whose innermost scope is this one would name: the
   * outermost cancelled scope reachable by walking outward up to and including the first shielded
   * scope; {@code null} when there is none. Needs no lock (see class notes).
   */
  Scope cancellationTarget() {
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
  long effectiveDeadline() {
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

  /** Calls {@code action} with each child of this scope that is another task's root; lock held. */
  void forEachChildTaskLocked(java.util.function.Consumer<Task> action) {
    for (Scope c = firstChild; c != null; c = c.next) {
      if (c.owner != owner) {
        action.accept(c.owner);
      }
    }
  }

  private void linkLocked() {
    Scope p = parent;
    if (p != null) {
      next = p.firstChild;
      if (next != null) {
        next.prev = this;
      }
      p.firstChild = this;
    }
  }

  private void unlinkLocked() {
    Scope p = parent;
    if (p != null && (prev != null || p.firstChild == this)) { // linked at all?
      if (prev != null) {
        prev.next = next;
      } else {
        p.firstChild = next;
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

  /** This scope as {@code TaskDump} shows it; {@code now} on the run's clock (semantics O1). */
  dev.weft.task.TaskDump.ScopeView view(long now) {
    Reason r = cancelReason;
    long d = deadline;
    java.time.Duration remaining = d == NEVER ? null
        : d == PAST ? java.time.Duration.ZERO : java.time.Duration.ofNanos(d - now);
    return new dev.weft.task.TaskDump.ScopeView(kindForEvents(),
        r != null, r == null ? null : r.text() + (r.by() != null ? " (by " + r.by() + ")" : ""),
        shielded, remaining);
  }

  /** Whether this scope has a deadline (passed or not); read by the deadlock watchdog. */
  boolean hasDeadline() {
    return deadline != NEVER;
  }

  /** What this scope is for, in dumps and JFR events. */
  String kindForEvents() {
    return role != null ? role : "cancel scope";
  }

  /** Names what this scope is for, in reports. */
  public void setRole(String role) {
    this.role = role;
  }

  // ---- reads for the public API ---------------------------------------------------------------

  public boolean cancelCalled() {
    return cancelReason != null;
  }

  /** Whether this scope was cancelled, first, by its deadline rather than by {@code cancel()}. */
  public boolean cancelledByDeadline() {
    Reason r = cancelReason;
    return r != null && r.deadline();
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
    Task t = owner;
    if (t == null) {
      return "new";
    }
    try {
      t.lock.lock();
      return state == ACTIVE ? "active in task '" + t.name() + "'" : "exited";
    } finally {
      t.lock.unlockIfHeld();
    }
  }
}
