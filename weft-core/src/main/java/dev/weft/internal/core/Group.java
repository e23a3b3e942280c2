package dev.weft.internal.core;

import dev.weft.cancel.CancelledException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The state behind one task group: its children, its failures, and the host's wait for them.
 *
 * <h2>Implementation notes</h2>
 * The host task's lock guards every field (ADR 0007). {@code live} counts children that have been spawned
 * and have not yet ended, including children of {@code start()} that have not called {@code
 * started()} (they count from the start, so that the group cannot close while one of them may
 * still move in). The group closes, under the lock, at the moment the host finds {@code live == 0}
 * after its body ended; after that, {@link #spawn} fails, so "no child is still running when the
 * group has exited" needs no further synchronisation. The host waits on an uncancellable {@link
 * Waiter}: cancellation reaches the children through the scope tree (they sit below the group's
 * scope, which sits below the host's), and the host must wait for them whatever happens.
 *
 * <pre>
 *   OPEN ──(body ended and live == 0)──▶ CLOSED
 *   TaskGroupTest#startSoon_afterGroupEnded_throwsIllegalStateSayingTheGroupFinished
 *   TaskGroupTest#startSoon_fromTaskWhileHostWaitsInExit_startsATaskThatRunWaitsFor
 * </pre>
 */
public final class Group {

  /** What a child task runs. */
  @FunctionalInterface
  public interface ChildBody {
    void run(Task self) throws Throwable;
  }

  /**
   * Told how a child ended, after the group's bookkeeping for that end is complete: a failure has
   * been recorded and has cancelled the group's scope (and every task below it has been told).
   * Weft's own code (a task handle); it must not throw.
   */
  @FunctionalInterface
  public interface EndListener {
    /**
     * @param outcome what the child threw, or {@code null}
     * @param failure whether the group counted {@code outcome} as a failure (not a cancellation)
     */
    void ended(Throwable outcome, boolean failure);
  }

  /** The handshake between a caller of {@code start()} and its child. */
  public static final class Starter {
    /** Completed with the started value, or with a {@link Failed}. */
    final Waiter<Object> waiter;

    boolean started; // guarded by the host's lock

    private Starter(Waiter<Object> waiter) {
      this.waiter = waiter;
    }

    /** Creates the handshake; the caller of {@code start()} waits on it, uncancellably. */
    public static Starter forCurrentTask(Object group) {
      return new Starter(Waiter.forCurrentThread(false, group, "start a task in"));
    }

    public Waiter<Object> waiter() {
      return waiter;
    }
  }

  /** How a child of {@code start()} ended before calling {@code started()}. */
  public record Failed(Throwable failure) {}

  private final Runner runner;
  private final Task host;
  private final Scope scope;

  private int live;
  private boolean closed;
  private final List<Throwable> failures = new ArrayList<>(2);
  private boolean childCancelled;
  private Waiter<Void> joiner;

  /**
   * How the group's children ended.
   *
   * @param failures every failure (of the body or a child), in the order they happened
   * @param childCancelled whether some child ended with a cancellation from the group's scope or
   *     a scope outside it
   * @param bodyOutcome what the body threw, unless it is among the failures: {@code null} or a
   *     cancellation from above
   */
  public record Ending(List<Throwable> failures, boolean childCancelled, Throwable bodyOutcome) {}

  public Group(Task host, Scope scope) {
    this.runner = host.runner;
    this.host = host;
    this.scope = scope;
  }

  /**
   * Starts a child task. With a {@code starter}, the child sits below {@code caller}'s innermost
   * scope until it calls {@link #started}; otherwise it sits below the group's scope at once.
   */
  public Task spawn(Task caller, String name, ChildBody undecorated, Starter starter) {
    return spawn(caller, name, undecorated, starter, null);
  }

  /** As {@link #spawn(Task, String, ChildBody, Starter)}, telling {@code listener} of the end. */
  public Task spawn(
      Task caller, String name, ChildBody undecorated, Starter starter, EndListener listener) {
    if (caller.runner != runner) {
      throw new IllegalStateException(
          "this task group belongs to another Weft run than " + caller);
    }
    ChildBody body = runner.decorate(undecorated); // user code: before any lock
    // The child's root goes below the group's scope (the host's) or, for start(), below the
    // caller's innermost scope (the caller's): linked under that scope's owner's lock.
    Scope parentScope = starter != null ? caller.innermost : scope;
    Task child;
    try {
      host.lock.lock();
      if (closed) {
        throw new IllegalStateException(
            "this task group has finished; it cannot start "
                + (name != null ? "task '" + name + "'" : "a new task"));
      }
      child = new Task(runner, name, host, this, starter);
      live++;
      if (parentScope.owner == host) {
        child.root.enterLocked(child, parentScope);
      }
    } finally {
      host.lock.unlockIfHeld();
    }
    try {
      if (parentScope.owner != host) {
        try {
          caller.lock.lock();
          child.root.enterLocked(child, parentScope);
        } finally {
          caller.lock.unlockIfHeld();
        }
      }
      runner.scheduler.launch(child.givenName(), () -> runChild(child, body, listener));
    } catch (Throwable t) {
      end(child, t, listener); // counted in the group, so it must end like any other child
    }
    return child;
  }

  private void runChild(Task child, ChildBody body, EndListener listener) {
    Throwable outcome = null;
    Object event = null;
    try {
      event = WeftEvents.taskStarted();
      child.begin();
      body.run(child);
    } catch (Throwable t) {
      outcome = t;
    }
    try {
      WeftEvents.taskEnded(event, child, outcome);
    } catch (Throwable t) {
      // a recording's failure (out of memory) must not skip the child's bookkeeping
    }
    end(child, outcome, listener);
    child.detachFromThread();
  }

  /**
   * The child's bookkeeping at its end, in sections of one lock each: its own (leave its scopes),
   * its parent scope's owner's (unlink its root), the host's (the group). Nothing thrown here may
   * skip {@code live--}.
   */
  private void end(Task child, Throwable outcome, EndListener listener) {
    String text = textOf(outcome); // user code: before any lock
    Throwable ended;
    try {
      child.lock.lock();
      ended = child.endLocked(outcome);
    } catch (Throwable t) {
      ended = t; // a broken invariant: report it as the task's failure, never strand the host
    } finally {
      child.lock.unlockIfHeld();
    }
    Scope parentScope = child.root.parent;
    if (parentScope != null && parentScope.owner != host) { // a start() child below its caller
      Task owner = parentScope.owner;
      try {
        owner.lock.lock();
        child.root.unlinkRootFromParentLocked();
      } finally {
        owner.lock.unlockIfHeld();
      }
    }
    ArrayDeque<Scope> pending = null;
    boolean failure = false;
    // A child with a listener still counts until the listener has been told, so that the group
    // never ends before its handles know how their tasks ended: one more section of the host's lock.
    boolean leaveNow = listener == null;
    try {
      host.lock.lock();
      if (parentScope != null && parentScope.owner == host) {
        child.root.unlinkRootFromParentLocked();
      }
      try {
        int failuresBefore = failures.size();
        pending = childEndedLocked(child, ended, ended == outcome ? text : null);
        failure = failures.size() > failuresBefore;
      } finally {
        if (leaveNow) { // inline, not leaveLocked(): no call that a stack overflow could hit here
          live--;
          if (live == 0 && joiner != null) {
            joiner.complete(null);
            joiner = null;
          }
        }
      }
    } finally {
      host.lock.unlockIfHeld();
    }
    try {
      Scope.visit(pending); // a failure cancelled the group: tell its other tasks
      if (listener != null) {
        listener.ended(ended, failure); // after the visit: a joiner in the group is cancelled now
      }
    } finally {
      if (!leaveNow) {
        try {
          host.lock.lock();
          leaveLocked();
        } finally {
          host.lock.unlockIfHeld();
        }
      }
    }
  }

  /** One child fewer; the last one wakes the host waiting in {@link #finish}. */
  private void leaveLocked() {
    live--;
    if (live == 0 && joiner != null) {
      joiner.complete(null);
      joiner = null;
    }
  }

  private ArrayDeque<Scope> childEndedLocked(Task child, Throwable outcome, String text) {
    Starter starter = child.starter;
    if (starter != null && !starter.started) {
      starter.started = true; // a later started() must fail, not move a dead task
      starter.waiter.complete(new Failed(outcome));
    } else if (outcome != null) {
      if (isCancellationFromAbove(outcome)) {
        childCancelled = true;
      } else {
        return addFailureLocked(outcome, text, child.toString());
      }
    }
    return null;
  }

  /**
   * The text of a failure for the group's cancellation reason, built before taking the lock
   * because a {@code toString} is user code; {@code null} for Weft's own exceptions, whose text is
   * safe to build under the lock.
   */
  private static String textOf(Throwable outcome) {
    return outcome == null || outcome instanceof CancelledException ? null
        : SafeStrings.of(outcome);
  }

  /**
   * Moves a child of {@code start()} into the group and hands {@code value} to the caller.
   *
   * @throws IllegalStateException if the child already called it
   */
  public void started(Task child, Object value) {
    Starter starter = child.starter;
    try {
      host.lock.lock();
      if (starter.started) {
        throw new IllegalStateException(
            "TaskStatus.started() was already called by " + child);
      }
      starter.started = true;
    } finally {
      host.lock.unlockIfHeld();
    }
    // The caller of start() returns once the child is in the group: completed under the host's
    // lock, in the same section that links the child's root below the group's scope.
    child.root.reparent(scope, () -> starter.waiter.complete(value));
  }

  /**
   * The host's side of leaving the group: records a failure of the body, waits for every child,
   * and closes the group.
   *
   * @param bodyOutcome what the body threw, or {@code null}
   * @return how the children ended
   */
  public Ending finish(Throwable bodyOutcome) {
    Throwable cancellation = null;
    String text = textOf(bodyOutcome); // user code: before the lock
    ArrayDeque<Scope> pending = null;
    try {
      host.lock.lock();
      Throwable outcome = Scope.adoptInterruptLocked(host, bodyOutcome);
      if (outcome != null) {
        if (isCancellationFromAbove(outcome)) {
          cancellation = outcome;
        } else {
          pending = addFailureLocked(
              outcome, outcome == bodyOutcome ? text : null, "the task group's body");
        }
      }
    } finally {
      host.lock.unlockIfHeld();
    }
    Scope.visit(pending);
    while (true) {
      Waiter<Void> w;
      try {
        host.lock.lock();
        if (live == 0) {
          closed = true;
          return new Ending(List.copyOf(failures), childCancelled, cancellation);
        }
        w = Waiter.forCurrentThread(false, this, "join");
        joiner = w;
      } finally {
        host.lock.unlockIfHeld();
      }
      w.await();
    }
  }

  /**
   * Records a failure; the first cancels the group's scope.
   *
   * @param text the failure's text, built outside the lock, or {@code null} for Weft's own
   */
  private ArrayDeque<Scope> addFailureLocked(Throwable failure, String text, String source) {
    failures.add(failure);
    if (failures.size() == 1) {
      return scope.cancelLocked(
          source + " failed: " + (text != null ? text : SafeStrings.of(failure)), false, null);
    }
    return null;
  }

  /**
   * Whether {@code outcome} is a cancellation of this run aimed at the group's scope or a scope
   * that encloses it: then the host raises the same cancellation itself, and the child's copy is
   * dropped. A cancellation aimed anywhere else (another run's, or one a task stored and rethrew
   * later) is a failure like any other exception.
   */
  private boolean isCancellationFromAbove(Throwable outcome) {
    if (!(outcome instanceof CancelledException ce) || ce.scope() == null) {
      return false;
    }
    Scope target = ApiAccess.get().node(ce.scope());
    return target.owner != null && target.owner.runner == runner && scope.isWithin(target);
  }

  public Scope scope() {
    return scope;
  }

  @Override
  public String toString() {
    return "task group of " + host;
  }
}
