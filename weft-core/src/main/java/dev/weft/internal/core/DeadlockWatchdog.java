package dev.weft.internal.core;

import dev.weft.internal.backend.Periodic;
import dev.weft.task.TaskDump;
import dev.weft.time.Deadline;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches one run for a deadlock on the thread backends (semantics O5) and reports it once.
 *
 * <h2>Implementation notes</h2>
 * The check runs on the shared {@link Periodic} thread, never on the run's: it reads the task tree
 * as {@code TaskDump} does (one task's lock at a time, never blocking the run), so its view is
 * consistent per task only. A run counts as stuck only if every task has been parked for the whole
 * delay: a task that woke in between shows a later park time, so a run that makes progress, even in
 * a cycle, is never reported. The report is built and logged outside every Weft lock, once per run
 * ({@code reported}); the watchdog stops with the run.
 */
public final class DeadlockWatchdog {

  /** A run-local key: the run is fed by threads outside it (a portal), so it is never stuck. */
  public static final Object FED_FROM_OUTSIDE = new Object();

  private final Runner runner;
  private final long delayNanos;
  private final AtomicBoolean reported = new AtomicBoolean();

  DeadlockWatchdog(Runner runner, Duration delay) {
    this.runner = runner;
    this.delayNanos = delay.toNanos();
  }

  /** Starts watching {@code runner}; closing the handle stops it. */
  static AutoCloseable watch(Runner runner, Duration delay) {
    DeadlockWatchdog watchdog = new DeadlockWatchdog(runner, delay);
    Duration period = delay.dividedBy(4);
    if (period.compareTo(Duration.ofMillis(10)) < 0) {
      period = Duration.ofMillis(10);
    } else if (period.compareTo(Duration.ofSeconds(1)) > 0) {
      period = Duration.ofSeconds(1);
    }
    return Periodic.every(period, watchdog::check);
  }

  private void check() {
    if (reported.get() || runner.hasRunLocal(FED_FROM_OUTSIDE) || !stuck()) {
      return;
    }
    if (reported.compareAndSet(false, true)) {
      String tree = new TaskDump(List.of(TaskTreeCapture.view(runner))).toString();
      String message = "Weft run #" + runner.id() + " looks deadlocked: every task has been parked"
          + " for at least " + Duration.ofNanos(delayNanos) + " on something only the run's own"
          + " tasks can complete, with no deadline pending (a thread outside the run may still"
          + " wake it; nothing was cancelled).\n" + tree;
      System.getLogger("dev.weft").log(System.Logger.Level.WARNING, message);
      WeftEvents.deadlock(runner.id(), tree);
    }
  }

  private boolean stuck() {
    return stuckIgnoring(null);
  }

  /**
   * Whether the run counts as stuck now (O5), leaving {@code asker} out (its unit test asks from
   * inside the run; the watchdog itself leaves no task out).
   */
  boolean stuckIgnoring(Task asker) {
    long now = runner.clock.nanoTime();
    List<Task> tasks = runner.liveTasks();
    tasks.remove(asker);
    if (tasks.isEmpty()) {
      return false;
    }
    for (Task task : tasks) {
      Waiter<?> w = task.parkedOn;
      if (w == null || !w.isWaiting() || !onlyTheRunCanComplete(w.resource())) {
        return false;
      }
      long since = w.parkedSince();
      if (since == Waiter.NOT_PARKED || now - since < delayNanos || hasADeadline(task)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Weft's own primitives, streams and groups; not a worker call, an awaited future (user
   * objects) or a sleep until a time.
   */
  private static boolean onlyTheRunCanComplete(Object resource) {
    if (resource instanceof Deadline d) {
      return d.equals(Deadline.NEVER); // sleepForever
    }
    return resource != null && !(resource instanceof WorkerJob)
        && resource.getClass().getName().startsWith("dev.weft.");
  }

  private static boolean hasADeadline(Task task) {
    try {
      task.lock.lock();
      for (Scope s = task.innermost; s != null && s != task.root; s = s.parent) {
        if (s.hasDeadline()) {
          return true;
        }
      }
      return false;
    } finally {
      task.lock.unlockIfHeld();
    }
  }
}
