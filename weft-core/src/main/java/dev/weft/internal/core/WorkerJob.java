package dev.weft.internal.core;

import dev.weft.ThrowingSupplier;
import dev.weft.cancel.CancelledException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 *
 * <p>Callbacks ({@code Workers.runInTask}, semantics X8): the worker stores its request in {@code
 * pending} and takes the current waiter in one section, then completes that waiter (a wake-up that
 * may lose to a cancellation: the request stays pending either way). The task publishes each next
 * waiter in a section that first looks for a pending request or the end, so a request is never
 * stored while nobody will look: the task either finds it before waiting, or its waiter is taken
 * by the request. Both the cancellable wait and the wait for the end serve requests; an abandoned
 * job refuses them in the section that marks it abandoned, and a request made afterwards is
 * refused at once. The worker waits for the answer on a {@code CompletableFuture} that the task
 * completes outside the monitor.
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
  private Callback<?> pending; // guarded by this: a request of runInTask the task has not taken
  private boolean inline; // the call runs on the task's own thread (X5)

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

  /**
   * For the task: a request of the worker to serve now, or else, if the call has not ended, a new
   * waiter published for the worker to complete (on its end or its next request); {@code null}
   * for both means that the call has ended.
   */
  public synchronized Object nextWait(Task me, boolean cancellable) {
    if (pending != null) {
      Callback<?> request = pending;
      pending = null;
      return request;
    }
    if (ended) {
      return null;
    }
    waiter = Waiter.forTask(me, cancellable, this, cancellable ? "run on" : "wait for the end of");
    return waiter;
  }

  /** Runs a request of the worker on the task's thread and hands its outcome back. */
  public static void serve(Object request) {
    ((Callback<?>) request).serve();
  }

  /**
   * For the worker: runs {@code fn} in the waiting task and returns its result, or throws its
   * failure unchanged (semantics X8).
   */
  public <T, X extends Exception> T runInTask(ThrowingSupplier<T, X> fn) throws X {
    if (inline) {
      return Callback.runHere(fn); // already the task's thread
    }
    Callback<T> request = new Callback<>(fn);
    Waiter<Object> toWake;
    synchronized (this) {
      if (abandoned) {
        throw left();
      }
      pending = request;
      toWake = waiter;
      waiter = null;
    }
    if (toWake != null) {
      toWake.complete(request); // lost to a cancellation, the task still finds the request
    }
    return request.awaitAnswer();
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
          waiter = null;
        }
        Thread.interrupted(); // an interrupt for this call ends with it
        if (toWake != null) { // null: the task is serving a request, and then finds the end
          toWake.complete(this);
        }
      }
    }
  }

  /** Runs the call on the current thread (the deterministic backend's model of a pool). */
  public void runInline() {
    inline = true;
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
  public void stop(boolean abandon) {
    Callback<?> refused = null;
    synchronized (this) {
      stopped = true;
      abandoned = abandon;
      if (abandon) {
        refused = pending;
        pending = null;
        waiter = null;
      } else if (!ended && thread != null) {
        thread.interrupt();
      }
    }
    if (refused != null) {
      refused.refuse();
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

  private static CancelledException left() {
    return ApiAccess.get().cancelled(
        null, "the task that waited for this worker call was cancelled and left it", null, false);
  }

  /** A request of the worker to run a function in the waiting task, and its answer. */
  private static final class Callback<T> {
    private final ThrowingSupplier<T, ?> fn;
    private final CompletableFuture<T> answer = new CompletableFuture<>();

    Callback(ThrowingSupplier<T, ?> fn) {
      this.fn = fn;
    }

    void serve() {
      T value;
      try {
        value = fn.get();
      } catch (Throwable t) {
        answer.completeExceptionally(t);
        return;
      }
      answer.complete(value);
    }

    void refuse() {
      Throwable why;
      try {
        why = left();
      } catch (Throwable t) { // out of memory: the worker must still hear an answer
        why = t;
      }
      answer.completeExceptionally(why);
    }

    T awaitAnswer() {
      // join() is not interruptible: an interrupt stays pending, and the answer always comes.
      try {
        return answer.join();
      } catch (CompletionException e) {
        throw Rethrow.<RuntimeException>unchanged(e.getCause()); // fn's own failure, unchanged
      }
    }

    static <T> T runHere(ThrowingSupplier<T, ?> fn) {
      try {
        return fn.get();
      } catch (Throwable t) {
        throw Rethrow.<RuntimeException>unchanged(t);
      }
    }
  }
}
