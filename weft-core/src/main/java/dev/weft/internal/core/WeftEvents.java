package dev.weft.internal.core;

import dev.weft.cancel.CancelledException;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * Weft's JFR events (semantics O4). Each hook first reads whether the JVM's flight recorder was ever
 * initialized (one volatile read; false in a JVM that never records), then asks a throwaway event
 * whether its type is enabled; an event that is kept is allocated only when enabled.
 */
public final class WeftEvents {

  private WeftEvents() {}

  @Name("dev.weft.Task")
  @Label("Weft Task")
  @Category("Weft")
  @Description("A Weft task, from the start of its body to its end")
  @StackTrace(false)
  static final class TaskEvent extends Event {
    @Label("Run") long run;
    @Label("Task Id") long id;
    @Label("Task Name") String name;
    @Label("Parent Task Id") long parent;
    @Label("Outcome") String outcome;
  }

  @Name("dev.weft.ScopeCancelled")
  @Label("Weft Cancel Scope Cancelled")
  @Category("Weft")
  @Description("A cancel scope was cancelled: explicitly, by its deadline, or by a failing child")
  static final class ScopeCancelledEvent extends Event {
    @Label("Scope") String scope;
    @Label("Reason") String reason;
    @Label("Cancelled By") String cancelledBy;
    @Label("Deadline Expired") boolean deadline;
  }

  @Name("dev.weft.Wait")
  @Label("Weft Wait")
  @Category("Weft")
  @Description("A task parked on a Weft primitive or stream")
  @Threshold("20 ms")
  @StackTrace(false)
  static final class WaitEvent extends Event {
    @Label("Task Id") long task;
    @Label("Operation") String operation;
    @Label("Completed") boolean completed;
  }

  @Name("dev.weft.Deadlock")
  @Label("Weft Deadlock")
  @Category("Weft")
  @Description("A watched run whose tasks have all been parked, with nothing pending to wake them")
  @StackTrace(false)
  static final class DeadlockEvent extends Event {
    @Label("Run") long run;
    @Label("Task Tree") String tree;
  }

  static void deadlock(long run, String tree) {
    if (!FlightRecorder.isInitialized() || !new DeadlockEvent().isEnabled()) {
      return;
    }
    DeadlockEvent e = new DeadlockEvent();
    e.run = run;
    e.tree = tree;
    e.commit();
  }

  /** At the start of a task's body: an event to end with {@link #taskEnded}, or {@code null}. */
  static Object taskStarted() {
    if (!FlightRecorder.isInitialized() || !new TaskEvent().isEnabled()) {
      return null;
    }
    TaskEvent e = new TaskEvent();
    e.begin();
    return e;
  }

  static void taskEnded(Object started, Task task, Throwable outcome) {
    if (started == null) {
      return;
    }
    TaskEvent e = (TaskEvent) started;
    e.end();
    if (e.shouldCommit()) {
      e.run = task.runner.id();
      e.id = task.id;
      e.name = task.name();
      e.parent = task.parent != null ? task.parent.id : 0;
      e.outcome = outcome == null ? "returned"
          : outcome instanceof CancelledException ? "cancelled"
          : "failed: " + outcome.getClass().getName();
      e.commit();
    }
  }

  static void scopeCancelled(Scope scope, String reason, String by, boolean deadline) {
    if (!FlightRecorder.isInitialized() || !new ScopeCancelledEvent().isEnabled()) {
      return;
    }
    ScopeCancelledEvent e = new ScopeCancelledEvent();
    e.scope = scope.kindForEvents();
    e.reason = reason;
    e.cancelledBy = by;
    e.deadline = deadline;
    e.commit();
  }

  /** Before a park: an event to end with {@link #waitEnded}, or {@code null}. */
  static Object waitStarted() {
    if (!FlightRecorder.isInitialized() || !new WaitEvent().isEnabled()) {
      return null;
    }
    WaitEvent e = new WaitEvent();
    e.begin();
    return e;
  }

  static void waitEnded(Object started, Waiter<?> waiter, boolean completed) {
    if (started == null) {
      return;
    }
    WaitEvent e = (WaitEvent) started;
    e.end();
    if (e.shouldCommit()) { // past the threshold: only now build the text (user toString, no lock)
      Task t = waiter.task();
      e.task = t != null ? t.id : 0;
      e.operation = waiter.describeWait();
      e.completed = completed;
      e.commit();
    }
  }
}
