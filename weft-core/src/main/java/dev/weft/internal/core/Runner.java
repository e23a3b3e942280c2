package dev.weft.internal.core;

import dev.weft.internal.guard.CriticalLock;
import dev.weft.ThrowingSupplier;
import dev.weft.spi.Backend;
import dev.weft.spi.Clock;
import dev.weft.spi.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * One run of Weft: the root task, every task below it, their scope tree, and the backend's
 * scheduler and clock.
 *
 * <h2>Implementation notes</h2>
 * {@link #lock} is the run's tree lock. It guards the shape and state of the scope tree (see
 * {@link Scope}), every task group's bookkeeping (see {@link Group}), the list of live tasks, and
 * the interrupts Weft sends. One lock keeps every decision about "who is cancelled" atomic with
 * respect to every change of the tree; it is held only for short, non-blocking sections (no park,
 * no user code), and the hot paths (a checkpoint that finds nothing, a handoff between tasks) do
 * not take it. Other locks (a stream's, the clock's) may be taken while holding it; it is never
 * taken while holding them, except by a timer action that holds no other lock. Like every Weft
 * lock it is a {@link CriticalLock}: sections never nest, and a hold that a stack overflow left
 * behind is dropped by the thread's next section or park (semantics H3).
 */
public final class Runner {

  final Scheduler scheduler;
  final Clock clock;
  final String backendName;
  final CriticalLock lock = new CriticalLock();

  private long taskIds; // guarded by lock
  private Task liveHead; // guarded by lock
  private int liveCount; // guarded by lock

  /** A run without a root task, for tests that drive tasks by hand. */
  static Runner forTest(Scheduler scheduler) {
    return new Runner(scheduler, "test");
  }

  private Runner(Scheduler scheduler, String backendName) {
    this.scheduler = scheduler;
    this.clock = scheduler.clock();
    this.backendName = backendName;
  }

  /** Runs {@code main} as the root task of a new run on {@code backend}; see {@code Weft.run}. */
  public static <T, X extends Exception> T run(Backend backend, ThrowingSupplier<T, X> main)
      throws X {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(main, "main");
    if (Task.current() != null) {
      throw new IllegalStateException(
          "Weft.run was called from inside Weft " + Task.current()
              + "; use a TaskGroup to run more tasks");
    }
    Scheduler scheduler = backend.open();
    Runner runner = new Runner(scheduler, backend.name());
    scheduler.describeTasksWith(runner::describeTasks);
    RootOutcome<T> outcome = new RootOutcome<>();
    try {
      Task root = runner.newRootTask();
      scheduler.launch("main", () -> runner.runRoot(root, main, outcome));
      outcome.await(root);
    } finally {
      scheduler.close();
    }
    return outcome.valueOrThrow();
  }

  Task newRootTask() {
    try {
      lock.lock();
      Task root = new Task(this, "main", null, null, null);
      root.root.enterLocked(root, null);
      addLiveLocked(root);
      return root;
    } finally {
      lock.unlockIfHeld();
    }
  }

  private <T, X extends Exception> void runRoot(
      Task root, ThrowingSupplier<T, X> main, RootOutcome<T> outcome) {
    T value = null;
    Throwable failure = null;
    try {
      root.begin();
      value = main.get();
    } catch (Throwable t) {
      failure = t;
    }
    try {
      try {
        lock.lock();
        failure = root.endLocked(failure);
      } finally {
        lock.unlockIfHeld();
      }
      root.detachFromThread();
    } catch (Throwable t) {
      failure = t; // a broken invariant: report it rather than leave the caller waiting
    } finally {
      outcome.finish(value, failure);
    }
  }

  /** The result of the root task, handed to the thread that called {@code Weft.run}. */
  private static final class RootOutcome<T> {
    private final CountDownLatch done = new CountDownLatch(1);
    private T value;
    private Throwable failure;

    void finish(T v, Throwable f) {
      value = v;
      failure = f;
      done.countDown(); // publishes value and failure
    }

    /**
     * Waits on the caller's thread, which is not a Weft task. Interrupting the caller cancels the
     * run's root scope; the caller still waits for the run to end and keeps its interrupt status.
     */
    void await(Task root) {
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
          root.root.cancel("the thread that called Weft.run was interrupted");
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    <X extends Exception> T valueOrThrow() throws X {
      if (failure != null) {
        throw Rethrow.<X>unchanged(failure);
      }
      return value;
    }
  }

  // ---- live tasks -----------------------------------------------------------------------------

  long nextTaskId() {
    assert lock.isHeldByCurrentThread();
    return ++taskIds;
  }

  void addLiveLocked(Task task) {
    task.nextLive = liveHead;
    if (liveHead != null) {
      liveHead.prevLive = task;
    }
    liveHead = task;
    liveCount++;
  }

  void removeLiveLocked(Task task) {
    if (task.prevLive != null) {
      task.prevLive.nextLive = task.nextLive;
    } else {
      liveHead = task.nextLive;
    }
    if (task.nextLive != null) {
      task.nextLive.prevLive = task.prevLive;
    }
    task.prevLive = null;
    task.nextLive = null;
    liveCount--;
  }

  /** Returns the run's live tasks, oldest first. */
  public List<Task> liveTasks() {
    try {
      lock.lock();
      List<Task> tasks = new ArrayList<>(liveCount);
      for (Task t = liveHead; t != null; t = t.nextLive) {
        tasks.add(t);
      }
      return tasks.reversed();
    } finally {
      lock.unlockIfHeld();
    }
  }

  /**
   * Describes every live task as a tree: its name, what it waits on, and its cancel scopes from the
   * innermost outward (cancelled? shielded? deadline?). For deadlock reports.
   */
  public String describeTasks() {
    try {
      lock.lock();
      StringBuilder sb = new StringBuilder();
      for (Task t = liveHead; t != null; t = t.nextLive) {
        if (t.parent == null || !isLive(t.parent)) {
          describe(t, 0, sb);
        }
      }
      return sb.toString();
    } finally {
      lock.unlockIfHeld();
    }
  }

  private boolean isLive(Task task) {
    for (Task t = liveHead; t != null; t = t.nextLive) {
      if (t == task) {
        return true;
      }
    }
    return false;
  }

  private void describe(Task task, int depth, StringBuilder sb) {
    String indent = "  ".repeat(depth);
    sb.append(indent).append(task).append('\n');
    Waiter<?> w = task.parkedOn;
    sb.append(indent).append("  waits: ")
        .append(w != null ? w.describeWait() : "nothing (running, or blocked outside Weft)")
        .append('\n');
    sb.append(indent).append("  scopes, innermost first:");
    Scope s = task.innermost;
    if (s == null || s == task.root) {
      sb.append(" none of its own");
    }
    for (; s != null && s != task.root; s = s.parent) {
      sb.append(' ').append(s.describeForReport()).append(';');
    }
    sb.append('\n');
    // Children, oldest first.
    List<Task> children = new ArrayList<>();
    for (Task t = liveHead; t != null; t = t.nextLive) {
      if (t.parent == task) {
        children.add(t);
      }
    }
    for (Task child : children.reversed()) {
      describe(child, depth + 1, sb);
    }
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  public Clock clock() {
    return clock;
  }

  public String backendName() {
    return backendName;
  }
}
