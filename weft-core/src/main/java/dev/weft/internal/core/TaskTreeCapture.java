package dev.weft.internal.core;

import dev.weft.internal.stream.StreamCore;
import dev.weft.stream.StreamStatistics;
import dev.weft.sync.CapacityLimiter;
import dev.weft.sync.Lock;
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
      waits = waiter.describeWait() + stateOf(waiter.resource());
      long since = waiter.parkedSince();
      if (since != Waiter.NOT_PARKED) {
        parked = Duration.ofNanos(Math.max(0, now - since));
      }
    }
    Task parent = task.parent;
    return new TaskDump.TaskView(task.id, task.name(), parent != null ? parent.id : null,
        waits, parked, scopes);
  }

  /**
   * The state of a Weft resource that a task waits on, from its own statistics (each takes the
   * resource's lock for a moment; no task lock is held here): who holds a lock, what a stream
   * buffers and who waits on it, a limiter's tokens. Empty for anything else.
   */
  private static String stateOf(Object resource) {
    try {
      if (resource instanceof StreamCore stream) {
        StreamStatistics st = stream.statistics();
        return " (" + st.bufferUsed() + " buffered, " + st.tasksWaitingSend() + " waiting to send, "
            + st.tasksWaitingReceive() + " waiting to receive)";
      }
      if (resource instanceof Lock lock) {
        Lock.Statistics st = lock.statistics();
        if (!st.locked()) {
          return " (free)";
        }
        String holder = st.owner() == null ? "a thread outside Weft"
            : "task '" + st.owner().name() + "' (#" + st.owner().id() + ")";
        return " (held by " + holder + ", " + st.tasksWaiting() + " waiting)";
      }
      if (resource instanceof CapacityLimiter limiter) {
        CapacityLimiter.Statistics st = limiter.statistics();
        return " (" + st.borrowedTokens() + " of " + st.totalTokens() + " tokens borrowed, "
            + st.tasksWaiting() + " waiting)";
      }
    } catch (RuntimeException | StackOverflowError e) {
      return ""; // a dump is best effort: never fail it for one resource's state
    }
    return "";
  }
}
