package dev.weft.internal.core;

import dev.weft.ThrowingSupplier;
import java.util.function.Consumer;

/**
 * One call of {@code Workers.run} on a worker thread: the call, its outcome, and the handshake
 * between the task that waits for it and the worker that runs it.
 *
 * <h2>Implementation notes</h2>
 * The job's monitor (held only for a few field accesses, never around user code) guards {@code
 * thread}, {@code ended}, {@code stopped} and {@code waiter}; the outcome is written before {@code
 * ended} under it, so whoever sees {@code ended} (under the monitor, or through the waiter's
 * volatile state) sees the outcome. A cancelled task calls {@link #stop}: a worker that picks the
 * job up afterwards skips the call (it reads {@code stopped} in the same section that publishes
 * {@code thread}), and one already running it is interrupted, only while {@code ended} is false. The
 * worker sets {@code ended} and clears {@code thread} in one section, and only then clears its own
 * interrupt status: no interrupt meant for this call can arrive after that, so none reaches the
 * worker's next call ({@code WorkerJobModelCheckTest}). The token is given back before the job is
 * marked ended, so it is back whenever the task sees the end. A task that waits for the end after
 * a cancellation installs an uncancellable waiter under the monitor, or finds the job ended: the
 * worker's completion is never lost.
 */
public final class WorkerJob implements Runnable {

  private static final ThreadLocal<WorkerJob> CURRENT = new ThreadLocal<>();

  private final Task task; // null only in model checks
  private final ThrowingSupplier<?, ?> call;
  private final Consumer<Object> releaseToken;
  private Object value; // written by the worker before `ended`
  private Throwable failure;
  private Thread thread; // guarded by this
  private boolean ended; // guarded by this
  private boolean stopped; // guarded by this: the task was cancelled; a call not started never starts
  private volatile boolean abandoned; // read by callerCancelled on the worker thread
  private Waiter<Object> waiter; // guarded by this once the job runs

  /**
   * @param task the task that waits for the call
   * @param call the user's call
   * @param releaseToken gives the call's limiter token back; called with this job, once
   */
  public WorkerJob(Task task, ThrowingSupplier<?, ?> call, Consumer<Object> releaseToken) {
    this.task = task;
    this.call = call;
    this.releaseToken = releaseToken;
  }

  /** The job whose call the current thread runs, or {@code null}. */
  public static WorkerJob current() {
    return CURRENT.get();
  }

  /** Sets the waiter the end completes; before the job is handed to a worker. */
  public void setWaiter(Waiter<Object> first) {
    synchronized (this) {
      waiter = first;
    }
  }

  /** Whether the waiting task was cancelled, or abandoned this call. */
  public boolean callerCancelled() {
    return abandoned || (task != null && task.hasPendingCancellation());
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
        releaseToken.accept(this); // before the task can see the end: run returns after it
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

  /** Runs the call on the current thread (the deterministic backend's model of a pool). */
  public void runInline() {
    try {
      execute();
    } finally {
      releaseToken.accept(this);
    }
  }

  private void execute() {
    WorkerJob outer = CURRENT.get(); // inline, a call may run inside another's turn
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
   * {@link #callerCancelled}.
   */
  public synchronized void stop(boolean abandon) {
    stopped = true;
    abandoned = abandon;
    if (!abandon && !ended && thread != null) {
      thread.interrupt();
    }
  }

  /**
   * For a task that must wait for the end: a new uncancellable waiter that the end will complete,
   * or {@code null} if the job has ended already (then nothing is published).
   */
  public Waiter<Object> endWaiter(Task me) {
    synchronized (this) {
      if (ended) {
        return null;
      }
      waiter = Waiter.forTask(me, false, this, "wait for the end of");
      return waiter;
    }
  }

  /** What the call threw, or {@code null}; valid once the job has ended. */
  public Throwable failure() {
    return failure;
  }

  /** The call's result, or its failure thrown unchanged; valid once the job has ended. */
  @SuppressWarnings("unchecked")
  public <T, X extends Exception> T result() throws X {
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
