package dev.weft;

import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.internal.backend.WorkerPool;
import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.DeadlockWatchdog;
import dev.weft.internal.core.Rethrow;
import dev.weft.internal.core.Runner;
import dev.weft.internal.core.Task;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.stream.BrokenResourceException;
import dev.weft.stream.ClosedResourceException;
import dev.weft.stream.MemoryReceiveStream;
import dev.weft.stream.MemorySendStream;
import dev.weft.stream.MemoryStream;
import dev.weft.task.StartableTask;
import dev.weft.task.TaskGroup;
import dev.weft.task.TaskStatus;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Weft run that any thread can call into (AnyIO's {@code BlockingPortal}; semantics Q1-Q4): a
 * servlet or Netty thread, a scheduler's callback, {@code main}.
 *
 * <pre>{@code
 * try (BlockingPortal portal = BlockingPortal.start()) {
 *   String page = portal.call(() -> Timeouts.failAfter(Duration.ofSeconds(2), () -> fetch(url)));
 *   CompletableFuture<Report> report = portal.submit(() -> buildReport());
 * } // waits for every call it took
 * }</pre>
 *
 * <p>Each call runs as a task of the portal's task group, inside a cancel scope of its own: a
 * failing call fails only its caller, {@code future.cancel} or an interrupt of the calling thread
 * cancels only that task, and {@link #closeCancellingRunning()} cancels them all.
 *
 * <h2>Memory consistency effects</h2>
 * Actions of a thread before {@code call} or {@code submit} happen-before the task runs; the
 * task's actions happen-before {@code call} returns or throws, and before its future completes.
 *
 * <h2>Implementation notes</h2>
 * Threads hand calls to the run through an unbounded memory stream, which never blocks a sender;
 * a dispatcher task in the run starts one task per call. Closing closes the stream's send side:
 * the dispatcher then starts what is still queued and ends, and the task group waits for every
 * call. A call that races with closing is either sent before the stream closes (and runs) or
 * refused. {@code closing} only makes the refusal early and the message clear; the stream decides.
 * When closing cancels the calls, the dispatcher stops at its next receive and closes the receive
 * side; calls still queued then go to the stream's {@code onUndelivered}, which completes their
 * futures as cancelled: every future completes, once.
 */
public final class BlockingPortal implements AutoCloseable {

  private final MemorySendStream<Job<?>> calls;
  private final Thread thread;
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile Runner runner;
  private volatile CancelScope groupScope;
  private volatile Throwable runFailure;
  // Every call handed to a task, until it ended: what a task decorator kept from running, or a run
  // that ended early, is refused when the run is over instead of leaving its caller waiting.
  private final Set<Job<?>> dispatched = ConcurrentHashMap.newKeySet();

  private BlockingPortal(Backend backend) {
    // Calls still queued when the run stops taking them (it was cancelled) are refused.
    MemoryStream<Job<?>> stream = MemoryStream.unbounded(Job::refuse);
    this.calls = stream.sendStream();
    MemoryReceiveStream<Job<?>> queued = stream.receiveStream();
    CountDownLatch ready = new CountDownLatch(1);
    this.thread = WorkerPool.startLongLived("weft-portal", () -> {
      try {
        Weft.run(backend, () -> {
          runner = Task.current().runner();
          // Idle, the portal waits for callers outside the run: never a deadlock (O5).
          runner.runLocal(DeadlockWatchdog.FED_FROM_OUTSIDE, () -> Boolean.TRUE);
          TaskGroup.run(group -> {
            groupScope = group.cancelScope();
            ready.countDown();
            try (queued) {
              for (Job<?> job : queued) {
                dispatched.add(job);
                try {
                  group.startSoon(() -> {
                    try {
                      job.run();
                    } finally {
                      dispatched.remove(job);
                    }
                  });
                } catch (RuntimeException e) { // a task decorator refused to start it
                  dispatched.remove(job);
                  job.fail(e);
                }
              }
            }
          });
          return null;
        });
      } catch (Throwable t) {
        runFailure = t; // the run could not start (a decorator), or a bug in Weft
      } finally {
        queued.close(); // calls sent from now on are refused; queued ones go to refuse()
        dispatched.forEach(Job::refuse);
        ready.countDown();
      }
    });
    awaitUninterruptibly(ready);
    if (groupScope == null) {
      throw new IllegalStateException("the BlockingPortal's run did not start", runFailure);
    }
  }

  /**
   * Starts a portal on virtual threads.
   *
   * @return a portal that accepts calls
   */
  public static BlockingPortal start() {
    return start(Backend.virtualThreads());
  }

  /**
   * Starts a portal on {@code backend}.
   *
   * @param backend a backend with real parallelism (threads outside the run must be able to wake
   *     it)
   * @return a portal that accepts calls
   * @throws IllegalArgumentException if {@code backend} schedules deterministically
   * @throws NullPointerException if {@code backend} is null
   */
  public static BlockingPortal start(Backend backend) {
    Objects.requireNonNull(backend, "backend");
    if (!backend.features().contains(BackendFeature.REAL_PARALLELISM)) {
      throw new IllegalArgumentException("a BlockingPortal needs a backend with real parallelism,"
          + " which threads outside its run can wake; " + backend.name() + " has "
          + backend.features());
    }
    return new BlockingPortal(backend);
  }

  /**
   * Runs {@code fn} as a task of the portal's run and waits for it. Interrupting the calling thread
   * cancels the task; the call then waits for the task to end and throws {@link
   * CancelledException}, with the thread's interrupt status set.
   *
   * @param <T> the type of the result
   * @param <X> the checked exception {@code fn} may throw
   * @param fn the work, run as a Weft task
   * @return what {@code fn} returned
   * @throws X what {@code fn} threw, unchanged
   * @throws CancelledException if the calling thread was interrupted
   * @throws CancellationException if the task was cancelled another way (its future, or {@link
   *     #closeCancellingRunning()})
   * @throws IllegalStateException if the portal is closed, or the caller is a task of the portal's
   *     own run
   * @throws NullPointerException if {@code fn} is null
   */
  public <T, X extends Exception> T call(ThrowingSupplier<T, X> fn) throws X {
    Job<T> job = enqueue(fn, "call");
    return BlockingPortal.<T, X>awaitFor(job, job.future, "call");
  }

  /**
   * Waits for {@code result} of {@code job}'s task, and returns it or throws its failure
   * unchanged. Interrupted, cancels the task, waits for its end, and throws the cancellation with
   * the interrupt status kept (F2).
   */
  private static <V, X extends Exception> V awaitFor(
      Job<?> job, CompletableFuture<V> result, String operation) throws X {
    try {
      return result.get();
    } catch (InterruptedException e) {
      if (result.isDone() || !job.future.cancel(true)) {
        // The outcome was decided before the interrupt's cancel (the future's own CAS decides):
        // it is the caller's, not lost; the interrupt stays pending.
        Thread.currentThread().interrupt();
        return BlockingPortal.<V, X>outcome(result);
      }
      job.awaitEnd();
      Thread.currentThread().interrupt();
      Checkpoints.afterAbort(); // on a thread outside Weft: throws the interrupt's cancellation
      // A task of another run, interrupted by someone else than Weft: the operation was cancelled.
      throw new CancellationException(
          "the " + operation + " was cancelled: its caller was interrupted");
    } catch (ExecutionException e) {
      throw Rethrow.<X>unchanged(e.getCause());
    }
  }

  private static <V, X extends Exception> V outcome(CompletableFuture<V> done) throws X {
    try {
      return done.join(); // done: returns at once
    } catch (CompletionException e) {
      throw Rethrow.<X>unchanged(e.getCause());
    }
  }

  /**
   * A task started through {@link #start}: the value it passed to {@code started}, and a future
   * completed when it ends (normally, with its failure, or cancelled). Cancelling {@code end}
   * cancels the task.
   *
   * @param <T> the type of the started value
   * @param value what the task passed to {@link TaskStatus#started(Object)}
   * @param end completed with {@code null} when the task has ended normally, or exceptionally: with
   *     a {@code TaskGroupException} that holds the task's failure, or a cancellation
   */
  public record Started<T>(T value, CompletableFuture<Void> end) {}

  /**
   * Starts {@code task} as a task of the portal's run and waits until it calls {@link
   * TaskStatus#started}, as {@code TaskGroup.start} does inside a run; the task then runs on.
   * Interrupting the calling thread before that cancels the task, as for {@link #call}.
   *
   * @param <T> the type of the started value
   * @param <X> the checked exception the task may throw
   * @param task the task, which must call {@code started} once
   * @return the started value, and a future for the task's end
   * @throws X what the task threw before it called {@code started}, unchanged
   * @throws CancelledException if the calling thread was interrupted before the task started
   * @throws IllegalStateException if the portal is closed, or the caller is a task of the portal's
   *     own run
   * @throws NullPointerException if {@code task} is null
   */
  public <T, X extends Exception> Started<T> start(StartableTask<T, X> task) throws X {
    Objects.requireNonNull(task, "task");
    CompletableFuture<T> startedValue = new CompletableFuture<>();
    Job<Void> job = enqueue(() -> {
      try {
        TaskGroup.run(group -> {
          T value;
          try {
            value = group.start(task);
          } catch (Throwable t) {
            startedValue.completeExceptionally(t); // before started(): the caller's, unchanged
            throw t;
          }
          startedValue.complete(value);
        });
      } finally {
        // Cancelled or broken before it could report (the portal closed): never leave the
        // caller waiting. No effect once it started.
        startedValue.completeExceptionally(new CancellationException("the task ended unstarted"));
      }
      return null;
    }, "start");
    T value = BlockingPortal.<T, X>awaitFor(job, startedValue, "start");
    return new Started<>(value, job.future);
  }

  /**
   * Runs {@code fn} as a task of the portal's run and returns at once. Cancelling the future
   * cancels the task (it stops at its next checkpoint; the future is cancelled at once).
   *
   * @param <T> the type of the result
   * @param fn the work, run as a Weft task
   * @return a future completed with what {@code fn} returned or threw
   * @throws IllegalStateException if the portal is closed, or the caller is a task of the portal's
   *     own run
   * @throws NullPointerException if {@code fn} is null
   */
  public <T> CompletableFuture<T> submit(ThrowingSupplier<T, ?> fn) {
    return enqueue(fn, "submit").future;
  }

  private <T> Job<T> enqueue(ThrowingSupplier<T, ?> fn, String method) {
    Objects.requireNonNull(fn, "fn");
    Task caller = Task.current();
    if (!method.equals("submit") && isOwnRun(caller)) {
      throw new IllegalStateException("BlockingPortal." + method + " was called from " + caller
          + " of the portal's own run, which would wait for itself; start a task instead");
    }
    Job<T> job = new Job<>(fn);
    if (!closing.get()) {
      try {
        calls.send(job);
        return job;
      } catch (ClosedResourceException | BrokenResourceException e) {
        // closed meanwhile: refused below
      }
    }
    throw new IllegalStateException("this BlockingPortal is closed; it takes no more calls");
  }

  /** Stops taking calls and waits for every call already taken. Idempotent. */
  @Override
  public void close() {
    stop(false);
  }

  /** Stops taking calls, cancels every call already taken, and waits for them to end. Idempotent. */
  public void closeCancellingRunning() {
    stop(true);
  }

  private boolean isOwnRun(Task caller) {
    return caller != null && caller.runner() == runner;
  }

  private void stop(boolean cancelRunning) {
    closing.set(true);
    calls.close();
    CancelScope scope = groupScope;
    if (cancelRunning && scope != null) {
      scope.cancel("the BlockingPortal was closed");
    }
    if (isOwnRun(Task.current())) {
      return; // a task of the run cannot wait for the run: it stops intake and returns
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable failure = runFailure;
    if (failure != null) {
      throw new IllegalStateException("the BlockingPortal's run failed", failure);
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (latch.getCount() > 0) {
      try {
        latch.await();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** One call: its function, its scope, and the future its caller holds. */
  private static final class Job<T> {
    final ThrowingSupplier<T, ?> fn;
    final CancelScope scope = CancelScope.create(); // cancelled before entry: cancelled at entry
    final CountDownLatch ended = new CountDownLatch(1);
    final CompletableFuture<T> future = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        scope.cancel("its future was cancelled");
        return super.cancel(mayInterruptIfRunning);
      }
    };

    Job(ThrowingSupplier<T, ?> fn) {
      this.fn = fn;
    }

    /** The task's body: never fails the portal's group, except with the group's cancellation. */
    void run() {
      try {
        @SuppressWarnings("unchecked")
        T[] result = (T[]) new Object[1];
        scope.run(() -> {
          result[0] = fn.get();
        });
        if (scope.cancelledCaught()) {
          future.completeExceptionally(new CancellationException("the call was cancelled"));
        } else {
          future.complete(result[0]);
        }
      } catch (CancelledException cancelled) {
        if (!Task.current().hasPendingCancellation()) {
          future.completeExceptionally(cancelled); // one the call kept and rethrew: its failure
          return;
        }
        CancellationException e = new CancellationException("the BlockingPortal was closed");
        e.initCause(cancelled); // the portal is closing and cancelled its calls
        future.completeExceptionally(e);
        throw cancelled;
      } catch (Throwable t) {
        future.completeExceptionally(t);
      } finally {
        ended.countDown();
      }
    }

    void awaitEnd() {
      awaitUninterruptibly(ended);
    }

    /** For a call that never started: the portal stopped taking calls first. */
    void refuse() {
      future.completeExceptionally(
          new CancellationException("the BlockingPortal was closed before the call started"));
      ended.countDown();
    }

    /** For a call whose task could not be started. */
    void fail(Throwable failure) {
      future.completeExceptionally(failure);
      ended.countDown();
    }

  }
}
