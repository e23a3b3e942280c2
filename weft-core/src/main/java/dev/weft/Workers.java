package dev.weft;

import dev.weft.cancel.CancelledException;
import dev.weft.internal.backend.WorkerPool;
import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.InterruptOutcomes;
import dev.weft.internal.core.Task;
import dev.weft.internal.core.Waiter;
import dev.weft.internal.core.WorkerJob;
import dev.weft.internal.guard.StackHeadroom;
import dev.weft.sync.CapacityLimiter;
import java.util.Objects;

/**
 * Runs blocking or CPU-bound calls on platform worker threads while the calling task waits
 * cancellably (AnyIO's {@code to_thread.run_sync}; semantics X1-X8). A call can ask whether its
 * task was cancelled ({@link #callerCancelled}) and run code back in that task ({@link
 * #runInTask}).
 *
 * <pre>{@code
 * byte[] digest = Workers.run(() -> sha256(hugeFile)); // the task waits; other tasks run on
 * }</pre>
 *
 * <p>A {@link CapacityLimiter} bounds how many calls run at once: the run's default one (40
 * tokens, {@link #defaultLimiter()}) or one given per call. Cancelled while its call runs, a task
 * interrupts the worker and waits for the call to end ({@link #run}), or leaves it running and goes
 * at once ({@link #runAbandoningOnCancel}).
 *
 * <h2>Memory consistency effects</h2>
 * Actions of the task before {@code run} happen-before the call; the call's actions happen-before
 * {@code run} returns or throws.
 *
 * <h2>Implementation notes</h2>
 * Each call is a {@link WorkerJob}, whose notes give the handshake between the waiting task and the
 * worker. The task's first wait is cancellable; cancelled, it stops the job (a call not started
 * never starts; a running one is interrupted, or abandoned) and, unless it abandons, waits for the
 * end on an uncancellable waiter, so that nothing outlives it. Both waits are loops that run the
 * worker's requests (X8) until the job reports its end.
 */
public final class Workers {

  private Workers() {}

  private static final int DEFAULT_TOKENS = 40;
  private static final Object DEFAULT_LIMITER_KEY = new Object();

  /**
   * Returns the current run's default limiter of worker calls: 40 tokens at first, one limiter
   * per run.
   *
   * @return the run's default limiter
   * @throws IllegalStateException if called outside a Weft task
   */
  public static CapacityLimiter defaultLimiter() {
    return defaultLimiter(Task.require("Workers.defaultLimiter"));
  }

  private static CapacityLimiter defaultLimiter(Task task) {
    return task.runner()
        .runLocal(DEFAULT_LIMITER_KEY, () -> CapacityLimiter.create(DEFAULT_TOKENS));
  }

  /**
   * From inside a worker call: whether the task waiting for it has a pending cancellation, so that
   * a long computation can stop early. Not a checkpoint; throws nothing for the cancellation.
   *
   * @return {@code true} if the calling task has been cancelled
   * @throws IllegalStateException if the current thread is not running a worker call
   */
  public static boolean callerCancelled() {
    WorkerJob job = WorkerJob.current();
    if (job == null) {
      throw new IllegalStateException("Workers.callerCancelled must be called from inside a worker"
          + " call (Workers.run), not from thread '" + Thread.currentThread().getName() + "'");
    }
    return job.callerCancelled();
  }

  /**
   * From inside a worker call: runs {@code fn} in the task that waits for this call, on that task's
   * thread and in its cancel scopes, and returns its result (AnyIO's {@code from_thread.run};
   * semantics X8). The worker waits, not interruptibly, until {@code fn} has ended. The task runs
   * such requests between its waits, also while it waits for a cancelled call to end, so a
   * cancellation of the task reaches {@code fn} at its checkpoints.
   *
   * <pre>{@code
   * Workers.run(() -> {
   *   for (Path file : files) {
   *     long size = Files.size(file);                          // blocking, on the worker
   *     Workers.runInTask(() -> progress.send(size));          // a Weft stream, from the task
   *   }
   *   return null;
   * });
   * }</pre>
   *
   * @param <T> the type of the result
   * @param <X> the checked exception {@code fn} may throw
   * @param fn what to run in the waiting task
   * @return what {@code fn} returned
   * @throws X what {@code fn} threw, unchanged
   * @throws CancelledException if {@code fn} was cancelled at a checkpoint, or the task has
   *     abandoned this call ({@link #runAbandoningOnCancel}) and {@code fn} never ran
   * @throws NullPointerException if {@code fn} is null
   * @throws IllegalStateException if the current thread is not running a worker call
   */
  public static <T, X extends Exception> T runInTask(ThrowingSupplier<T, X> fn) throws X {
    Objects.requireNonNull(fn, "fn");
    WorkerJob job = WorkerJob.current();
    if (job == null) {
      throw new IllegalStateException("Workers.runInTask must be called from inside a worker"
          + " call (Workers.run), not from thread '" + Thread.currentThread().getName() + "'");
    }
    return job.runInTask(fn);
  }

  /**
   * Runs {@code call} on a worker thread under the run's default limiter and returns its result.
   * Cancelled while the call runs, the task interrupts the worker and waits for the call to end.
   *
   * @param <T> the type of the result
   * @param <X> the checked exception the call may throw
   * @param call the blocking or CPU-bound work
   * @return what the call returned
   * @throws X what the call threw, unchanged
   * @throws CancelledException if the task was cancelled before the call started, or while it
   *     ran and the call then threw
   * @throws NullPointerException if {@code call} is null
   * @throws IllegalStateException if called outside a Weft task
   */
  public static <T, X extends Exception> T run(ThrowingSupplier<T, X> call) throws X {
    Objects.requireNonNull(call, "call");
    return run(defaultLimiter(Task.require("Workers.run")), call, false);
  }

  /**
   * As {@link #run(ThrowingSupplier)}, under {@code limiter}.
   *
   * @param <T> the type of the result
   * @param <X> the checked exception the call may throw
   * @param limiter bounds how many calls run at once
   * @param call the blocking or CPU-bound work
   * @return what the call returned
   * @throws X what the call threw, unchanged
   * @throws CancelledException if the task was cancelled before the call started, or while it
   *     ran and the call then threw
   * @throws NullPointerException if {@code limiter} or {@code call} is null
   * @throws IllegalStateException if called outside a Weft task
   */
  public static <T, X extends Exception> T run(CapacityLimiter limiter, ThrowingSupplier<T, X> call)
      throws X {
    Objects.requireNonNull(limiter, "limiter");
    Objects.requireNonNull(call, "call");
    return run(limiter, call, false);
  }

  /**
   * As {@link #run(ThrowingSupplier)}, but a cancelled task leaves at once: the call goes on
   * without being interrupted, its result or failure is dropped, and its token is given back when
   * it ends.
   *
   * @param <T> the type of the result
   * @param <X> the checked exception the call may throw
   * @param call the blocking or CPU-bound work
   * @return what the call returned
   * @throws X what the call threw, unchanged
   * @throws CancelledException if the task was cancelled before the call ended
   * @throws NullPointerException if {@code call} is null
   * @throws IllegalStateException if called outside a Weft task
   */
  public static <T, X extends Exception> T runAbandoningOnCancel(ThrowingSupplier<T, X> call)
      throws X {
    Objects.requireNonNull(call, "call");
    return run(defaultLimiter(Task.require("Workers.runAbandoningOnCancel")), call, true);
  }

  /** As {@link #runAbandoningOnCancel}, under {@code limiter}; for {@link Futures}. */
  static <T, X extends Exception> T runAbandoning(CapacityLimiter limiter, ThrowingSupplier<T, X> call)
      throws X {
    return run(limiter, call, true);
  }

  private static <T, X extends Exception> T run(
      CapacityLimiter limiter, ThrowingSupplier<T, X> call, boolean abandon) throws X {
    Task me = Task.require("Workers.run");
    StackHeadroom.ensure(); // an overflow strikes here, never between the token and the call's end
    WorkerJob job = new WorkerJob(me, call, limiter::releaseOnBehalfOf);
    limiter.acquireOnBehalfOf(job); // a cancellable checkpoint: cancelled, nothing starts
    if (me.runner().runsWorkerCallsInline()) {
      job.runInline(); // the deterministic backend's model of a pool (X5)
      return job.result();
    }
    @SuppressWarnings("unchecked") // nothing is pending and nothing has ended before it runs
    Waiter<Object> first = (Waiter<Object>) job.nextWait(me, true);
    try {
      WorkerPool.execute(job);
    } catch (Throwable t) { // no thread for it (out of memory): nothing ran
      limiter.releaseOnBehalfOf(job);
      first.complete(null);
      first.await(); // returns at once; the task no longer waits on it
      throw t;
    }
    boolean completed;
    try {
      completed = serveUntilEnd(me, job, first, true);
    } catch (VirtualMachineError e) { // the wait was taken back (H3): the call must not outlive us
      job.stop(false);
      awaitEnd(me, job);
      throw e;
    }
    if (completed) {
      return job.result();
    }
    // Cancelled. A call that has not started yet never will; a running one is interrupted, or,
    // abandoned, left to run on (X3, X4).
    job.stop(abandon);
    if (abandon) {
      Checkpoints.afterAbort(); // throws; the job gives its token back when it ends
    }
    awaitEnd(me, job); // (abandoning, only if a shield raised since hides the cancellation)
    if (job.failure() == null) {
      return job.result(); // nothing lost; the cancellation waits for the next checkpoint
    }
    try {
      Checkpoints.afterAbort(); // the failure gives way to the cancellation
    } catch (CancelledException cancelled) {
      Throwable failure = job.failure(); // the interrupt's or the cancellation's own outcome: no news
      if (!InterruptOutcomes.endedByInterrupt(failure) && !(failure instanceof CancelledException)) {
        cancelled.addSuppressed(failure);
      }
      throw cancelled;
    }
    return job.result();
  }

  /**
   * Waits for the call's end, running what the worker asks to run in this task meanwhile (X8),
   * starting with {@code first} if it is not null. Returns {@code false} if a cancellable wait was
   * aborted by a cancellation first.
   */
  private static boolean serveUntilEnd(
      Task me, WorkerJob job, Waiter<?> first, boolean cancellable) {
    Object next = first;
    while (true) {
      if (next instanceof Waiter<?> waiter) {
        if (!waiter.await()) {
          return false;
        }
      } else if (next != null) {
        WorkerJob.serve(next);
      }
      next = job.nextWait(me, cancellable);
      if (next == null) {
        return true; // ended
      }
    }
  }

  /** Waits, not cancellably, until the job has ended, still serving the worker's requests (X8). */
  private static void awaitEnd(Task me, WorkerJob job) {
    serveUntilEnd(me, job, null, false);
  }
}
