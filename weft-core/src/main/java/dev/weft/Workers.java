package dev.weft;

import dev.weft.cancel.CancelledException;
import dev.weft.internal.backend.WorkerPool;
import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.InterruptOutcomes;
import dev.weft.internal.core.Rethrow;
import dev.weft.internal.core.Task;
import dev.weft.internal.core.Waiter;
import dev.weft.internal.guard.StackHeadroom;
import dev.weft.sync.CapacityLimiter;
import java.util.Objects;

/**
 * Runs blocking or CPU-bound calls on platform worker threads while the calling task waits
 * cancellably (AnyIO's {@code to_thread.run_sync}; semantics X1-X6).
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
 * Each call is a {@link Job}. Its lock (the job's monitor, held only for a few field accesses)
 * guards {@code thread}, {@code ended}, {@code stopped} and {@code waiter}; the outcome is written
 * before {@code ended} under it. A cancelled task sets {@code stopped} under the lock: a worker that
 * picks the job up afterwards skips the call (it reads {@code stopped} in the same section that
 * publishes {@code thread}), and one already running it is interrupted. The worker interrupts
 * nobody; the task interrupts the worker only under the job's lock while {@code ended} is false, and the worker sets {@code ended} under the same lock
 * before it clears its interrupt status and takes another job, so an interrupt never reaches a
 * later call. The task's first wait is cancellable; a task that is cancelled and does not abandon
 * installs an uncancellable waiter under the lock (or finds the job ended), so the worker's
 * completion is never lost. The token is given back by the worker after the call ended and before
 * it marks the job ended, so that it is back whenever {@code run} returns.
 */
public final class Workers {

  private Workers() {}

  private static final int DEFAULT_TOKENS = 40;
  private static final ThreadLocal<Job> CURRENT = new ThreadLocal<>();
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
    Job job = CURRENT.get();
    if (job == null) {
      throw new IllegalStateException("Workers.callerCancelled must be called from inside a worker"
          + " call (Workers.run), not from thread '" + Thread.currentThread().getName() + "'");
    }
    return job.abandoned || job.task.hasPendingCancellation();
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

  private static <T, X extends Exception> T run(
      CapacityLimiter limiter, ThrowingSupplier<T, X> call, boolean abandon) throws X {
    Task me = Task.require("Workers.run");
    StackHeadroom.ensure(); // an overflow strikes here, never between the token and the call's end
    Job job = new Job(me, call, limiter);
    limiter.acquireOnBehalfOf(job); // a cancellable checkpoint: cancelled, nothing starts
    if (me.runner().runsWorkerCallsInline()) {
      return inline(job); // the deterministic backend's model of a pool (X5)
    }
    Waiter<Object> waiter = Waiter.forTask(me, true, job, "run on");
    job.waiter = waiter;
    try {
      WorkerPool.execute(job);
    } catch (Throwable t) { // no thread for it (out of memory): nothing ran
      limiter.releaseOnBehalfOf(job);
      waiter.complete(null);
      waiter.await(); // returns at once; the task no longer waits on it
      throw t;
    }
    boolean completed;
    try {
      completed = waiter.await();
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
    if (job.failure == null) {
      return job.result(); // nothing lost; the cancellation waits for the next checkpoint
    }
    try {
      Checkpoints.afterAbort(); // the failure gives way to the cancellation
    } catch (CancelledException cancelled) {
      if (!InterruptOutcomes.endedByInterrupt(job.failure)) {
        cancelled.addSuppressed(job.failure);
      }
      throw cancelled;
    }
    return job.result();
  }

  /** Waits, not cancellably, until the job has ended. */
  private static void awaitEnd(Task me, Job job) {
    Waiter<Object> end = null;
    synchronized (job) {
      if (!job.ended) { // published only when it will be awaited: no stale parkedOn
        end = Waiter.forTask(me, false, job, "wait for the end of");
        job.waiter = end;
      }
    }
    if (end != null) {
      end.await();
    }
  }

  private static <T, X extends Exception> T inline(Job job) throws X {
    try {
      job.execute();
    } finally {
      job.limiter.releaseOnBehalfOf(job);
    }
    return job.result();
  }

  /** One call on a worker thread. */
  private static final class Job implements Runnable {
    final Task task;
    final ThrowingSupplier<?, ?> call;
    final CapacityLimiter limiter;
    Object value; // written by the worker before `ended`
    Throwable failure;
    Thread thread; // guarded by this
    boolean ended; // guarded by this
    boolean stopped; // guarded by this: the task was cancelled; a call not yet started never starts
    volatile boolean abandoned; // read by callerCancelled on the worker thread
    Waiter<Object> waiter; // guarded by this (once the job runs)

    Job(Task task, ThrowingSupplier<?, ?> call, CapacityLimiter limiter) {
      this.task = task;
      this.call = call;
      this.limiter = limiter;
    }

    @Override
    public void run() {
      boolean skip;
      synchronized (this) {
        skip = stopped;
        thread = Thread.currentThread();
      }
      try {
        if (skip) {
          failure = new InterruptedException("the call was cancelled before it started");
        } else {
          execute();
        }
      } finally {
        try {
          limiter.releaseOnBehalfOf(this); // before the task can see the end: run returns after it
        } finally {
          Waiter<Object> toWake;
          synchronized (this) {
            ended = true;
            thread = null;
            toWake = waiter;
          }
          Thread.interrupted(); // an interrupt for this call ends with it
          toWake.complete(this);
        }
      }
    }

    void execute() {
      Job outer = CURRENT.get(); // the deterministic backend runs a call inside another's turn
      CURRENT.set(this);
      try {
        value = call.get();
      } catch (Throwable t) {
        failure = t;
      } finally {
        CURRENT.set(outer);
      }
    }

    /**
     * The task was cancelled: a call that has not started never starts; a running one is
     * interrupted unless {@code abandon}, in which case it runs on and only learns it through
     * {@link Workers#callerCancelled}.
     */
    synchronized void stop(boolean abandon) {
      stopped = true;
      abandoned = abandon;
      if (!abandon && !ended && thread != null) {
        thread.interrupt();
      }
    }

    @SuppressWarnings("unchecked")
    <T, X extends Exception> T result() throws X {
      if (failure != null) {
        throw Rethrow.<X>unchanged(failure);
      }
      return (T) value;
    }

    @Override
    public String toString() {
      return "a worker thread";
    }
  }
}
