package dev.weft.internal.core;

import dev.weft.ThrowingSupplier;
import dev.weft.internal.backend.ClassPathFriends;
import dev.weft.internal.backend.DecoratedBackend;
import dev.weft.internal.guard.CriticalLock;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.spi.Clock;
import dev.weft.spi.Scheduler;
import dev.weft.spi.TaskDecorator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One run of Weft: the root task, every task below it, their scope tree, and the backend's
 * scheduler and clock.
 *
 * <h2>Implementation notes</h2>
 * A run has no lock of its own (ADR 0007): each task's lock guards the scopes it owns, the groups
 * it hosts and the interrupts Weft sends it, and no thread holds two of them. A task lock is held
 * only for short, non-blocking sections (no park, no user code); the hot paths (a checkpoint that
 * finds nothing, a handoff between tasks) take none. Other locks (a timer queue's) may be taken
 * while holding one; a task lock is never taken while holding them. Like every Weft lock, task
 * locks are {@link CriticalLock}s: sections never nest, and a hold that a stack overflow left
 * behind is dropped by the thread's next section or park (semantics H3). Task ids come from an
 * atomic counter. There is no list of live tasks: reports walk the tree from the root task, one
 * task's lock at a time.
 */
public final class Runner {

  final Scheduler scheduler;
  final Clock clock;
  final String backendName;
  private final AtomicLong taskIds = new AtomicLong();
  private final boolean workerCallsInline;
  private final TaskDecorator decorator; // null: task bodies run as they are
  private final ConcurrentHashMap<Object, Object> runLocals = new ConcurrentHashMap<>();
  private volatile Task rootTask;
  private final long runId = RUN_IDS.incrementAndGet();

  /** The runs whose root task has started and not ended, for {@code TaskDump} (semantics O1). */
  private static final Set<Runner> LIVE = ConcurrentHashMap.newKeySet();
  private static final AtomicLong RUN_IDS = new AtomicLong();

  /** A run without a root task, for tests that drive tasks by hand. */
  static Runner forTest(Scheduler scheduler) {
    return new Runner(scheduler, "test", false, null);
  }

  private Runner(Scheduler scheduler, String backendName, boolean workerCallsInline,
      TaskDecorator decorator) {
    this.scheduler = scheduler;
    this.clock = scheduler.clock();
    this.backendName = backendName;
    this.workerCallsInline = workerCallsInline;
    this.decorator = decorator;
  }

  /**
   * Wraps a task's body with the run's decorator (semantics Y2), on the thread that starts the
   * task and before any Weft lock is taken: the decorator is user code. Returns {@code body}
   * itself when the run has none. A decorator that throws, or returns null, fails the start.
   */
  Group.ChildBody decorate(Group.ChildBody body) {
    if (decorator == null) {
      return body;
    }
    Throwable[] thrown = new Throwable[1];
    Runnable inner = () -> {
      try {
        body.run(Task.current());
      } catch (Throwable t) {
        thrown[0] = t;
      }
    };
    Runnable wrapped = Objects.requireNonNull(decorator.decorate(inner),
        "the run's TaskDecorator returned null instead of a task body");
    return self -> {
      wrapped.run();
      if (thrown[0] != null) {
        throw thrown[0];
      }
    };
  }

  /**
   * Whether worker calls run on the calling task's thread: on a backend with a deterministic
   * schedule, where a thread outside the run would make the schedule depend on timing (X5).
   */
  public boolean runsWorkerCallsInline() {
    return workerCallsInline;
  }

  /** Whether the run has a value for {@code key}. */
  public boolean hasRunLocal(Object key) {
    return runLocals.containsKey(key);
  }

  /** Returns the run's value for {@code key}, created by {@code initial} on first use. */
  @SuppressWarnings("unchecked")
  public <T> T runLocal(Object key, Supplier<T> initial) {
    return (T) runLocals.computeIfAbsent(key, k -> initial.get());
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
    ClassPathFriends.ensure(); // a backend on the class path may need Weft's internal packages
    Scheduler scheduler = backend.open();
    Runner runner = new Runner(scheduler, backend.name(),
        backend.features().contains(BackendFeature.DETERMINISTIC_SCHEDULE),
        DecoratedBackend.decoratorOf(backend));
    scheduler.describeTasksWith(runner::describeTasks);
    RootOutcome<T> outcome = new RootOutcome<>();
    LIVE.add(runner);
    TaskDumpMBean.registerOnce(); // JMX, once per JVM (semantics O3)
    java.time.Duration watchdogDelay = DecoratedBackend.watchdogOf(backend);
    AutoCloseable watchdog = watchdogDelay == null ? null
        : DeadlockWatchdog.watch(runner, watchdogDelay);
    try {
      Task root = runner.newRootTask();
      Object[] result = new Object[1];
      Group.ChildBody body = runner.decorate(self -> result[0] = main.get());
      scheduler.launch("main", () -> runner.runRoot(root, body, result, outcome));
      outcome.await(root);
    } finally {
      LIVE.remove(runner);
      if (watchdog != null) {
        try {
          watchdog.close();
        } catch (Exception e) {
          throw new AssertionError(e); // a cancelled schedule throws nothing
        }
      }
      scheduler.close();
    }
    return outcome.valueOrThrow();
  }

  Task newRootTask() {
    Task root = new Task(this, "main", null, null, null);
    try {
      root.lock.lock();
      root.root.enterLocked(root, null);
    } finally {
      root.lock.unlockIfHeld();
    }
    if (rootTask == null) {
      rootTask = root; // hand-driven test runs make several; reports start at the first
    }
    return root;
  }

  @SuppressWarnings("unchecked")
  private <T> void runRoot(
      Task root, Group.ChildBody body, Object[] result, RootOutcome<T> outcome) {
    T value = null;
    Throwable failure = null;
    Object event = null;
    try {
      event = WeftEvents.taskStarted();
      root.begin();
      body.run(root);
      value = (T) result[0];
    } catch (Throwable t) {
      failure = t;
    }
    try {
      WeftEvents.taskEnded(event, root, failure);
    } catch (Throwable t) {
      // a recording's failure must not skip the run's end
    }
    try {
      try {
        root.lock.lock();
        failure = root.endLocked(failure);
      } finally {
        root.lock.unlockIfHeld();
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
    return taskIds.incrementAndGet();
  }

  /** Returns the run's live tasks, oldest first: a walk of the tree, one task's lock at a time. */
  public List<Task> liveTasks() {
    List<Task> tasks = new ArrayList<>();
    Task root = rootTask;
    if (root != null) {
      collect(root, tasks);
    }
    tasks.sort(Comparator.comparingLong(Task::id));
    return tasks;
  }

  /** Adds {@code task}, if it is still live, and every live task below it. */
  private static void collect(Task task, List<Task> into) {
    List<Task> children = new ArrayList<>();
    boolean live;
    try {
      task.lock.lock();
      live = task.innermost != null;
      if (live) {
        for (Scope s = task.innermost; s != null && s.owner == task; s = s.parent) {
          s.forEachChildTaskLocked(children::add);
        }
      }
    } finally {
      task.lock.unlockIfHeld();
    }
    if (live) {
      into.add(task);
      for (Task child : children) {
        collect(child, into);
      }
    }
  }

  /**
   * Describes every live task as a tree, as {@code TaskDump} does (semantics O1): its name, what it
   * waits on, and its cancel scopes from the innermost outward. For deadlock reports.
   */
  public String describeTasks() {
    return new dev.weft.task.TaskDump(List.of(TaskTreeCapture.view(this))).toString();
  }

  /** The live runs, in the order they started. */
  public static List<Runner> liveRuns() {
    List<Runner> runs = new ArrayList<>(LIVE);
    runs.sort(Comparator.comparingLong(r -> r.runId));
    return runs;
  }

  /** This run's id: 1 for the first run of the JVM. */
  public long id() {
    return runId;
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
