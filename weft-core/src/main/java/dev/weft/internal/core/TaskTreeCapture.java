package dev.weft.internal.core;

import dev.weft.task.TaskDump;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link TaskDump} of every live run (semantics O1), from any thread.
 *
 * <h2>Implementation notes</h2>
 * The run registry is a concurrent set; each run's tasks come from {@link Runner#liveTasks}, which
 * takes one task's lock at a time. A task's scope chain is read under that task's lock (the owner
 * guards its chain), and the scopes' own fields are volatile. What the task waits on is read from
 * its volatile {@code parkedOn} and described after the lock is released, because a resource may
 * be a user's object whose {@code toString} is user code. Nothing here blocks or parks: a dump
 * never waits for the run, and the run never waits for a dump.
 */
public final class TaskTreeCapture {

  private TaskTreeCapture() {}

  /** The views of every live run, oldest first. */
  public static List<TaskDump.RunView> runs() {
    List<TaskDump.RunView> runs = new ArrayList<>();
    for (Runner runner : Runner.liveRuns()) {
      runs.add(view(runner));
    }
    return runs;
  }

  /** The view of one run, live or not (a deadlock report describes a run that has stopped). */
  static TaskDump.RunView view(Runner runner) {
    List<TaskDump.TaskView> tasks = new ArrayList<>();
    for (Task task : runner.liveTasks()) {
      tasks.add(view(runner, task));
    }
    return new TaskDump.RunView(runner.id(), runner.backendName(), tasks);
  }

  private static TaskDump.TaskView view(Runner runner, Task task) {
    List<Scope> chain = new ArrayList<>();
    try {
      task.lock.lock();
      for (Scope s = task.innermost; s != null && s != task.root; s = s.parent) {
        chain.add(s);
      }
    } finally {
      task.lock.unlockIfHeld();
    }
    long now = runner.clock.nanoTime();
    List<TaskDump.ScopeView> scopes = new ArrayList<>();
    for (Scope s : chain) {
      scopes.add(s.view(now));
    }
    Waiter<?> waiter = task.parkedOn;
    String waits = null;
    Duration parked = null;
    if (waiter != null && waiter.isWaiting()) {
      waits = waiter.describeWait();
      long since = waiter.parkedSince();
      if (since != Waiter.NOT_PARKED) {
        parked = Duration.ofNanos(Math.max(0, now - since));
      }
    }
    Task parent = task.parent;
    return new TaskDump.TaskView(task.id, task.name(), parent != null ? parent.id : null,
        waits, parked, scopes);
  }
}
