package dev.weft;

import dev.weft.cancel.CancelledException;
import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.Task;
import dev.weft.internal.core.Waiter;
import dev.weft.sync.CapacityLimiter;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

/**
 * Waiting for work that Weft did not start: a {@link CompletionStage} completed by an executor,
 * an HTTP client, another thread or another task, or a plain {@link Future} such as the one {@code
 * ExecutorService.submit} returns.
 *
 * <pre>{@code
 * CompletableFuture<Response> reply = httpClient.sendAsync(request, handler);
 * Response response = Futures.await(reply); // cancellable; a cancelled task cancels the request
 * }</pre>
 *
 * <p>Unlike {@code CompletableFuture.join()}, which ignores Weft's cancellation, {@link #await}
 * is a checkpoint and a cancellable wait (semantics F3-F5): a cancelled task stops waiting at once
 * and cancels the future.
 *
 * <h2>Memory consistency effects</h2>
 * Actions of the thread that completes the stage, before it completes it, happen-before {@code
 * await} returns its result or throws its failure.
 */
public final class Futures {

  private Futures() {}

  /**
   * Waits for {@code stage} and returns its result; if the current task is cancelled first, stops
   * waiting, cancels the stage (if it is a {@link Future}, with {@code cancel(true)}) and throws
   * the cancellation. A checkpoint, also when the stage is already complete.
   *
   * @param <T> the type of the result
   * @param stage the stage to wait for
   * @return the stage's result
   * @throws CancelledException if the task was cancelled before the stage completed (or, on a
   *     thread outside Weft, if the thread was interrupted)
   * @throws CompletionException wrapping the stage's failure, if that is a checked exception
   * @throws java.util.concurrent.CancellationException if someone else cancelled the stage; not a
   *     Weft cancellation
   * @throws NullPointerException if {@code stage} is null
   */
  public static <T> T await(CompletionStage<T> stage) {
    return await(stage, true);
  }

  /**
   * As {@link #await}, but a cancelled task leaves the stage running: for work that others share,
   * or that must finish anyway.
   *
   * @param <T> the type of the result
   * @param stage the stage to wait for
   * @return the stage's result
   * @throws CancelledException if the task was cancelled before the stage completed (or, on a
   *     thread outside Weft, if the thread was interrupted)
   * @throws CompletionException wrapping the stage's failure, if that is a checked exception
   * @throws java.util.concurrent.CancellationException if someone else cancelled the stage; not a
   *     Weft cancellation
   * @throws NullPointerException if {@code stage} is null
   */
  public static <T> T awaitWithoutCancelling(CompletionStage<T> stage) {
    return await(stage, false);
  }

  /**
   * As {@link #await(CompletionStage)}; this overload only chooses between the other two for a
   * {@code CompletableFuture}, which is both a stage and a future.
   *
   * @param <T> the type of the result
   * @param future the future to wait for
   * @return the future's result
   * @throws CancelledException if the task was cancelled before the future completed (or, on a
   *     thread outside Weft, if the thread was interrupted)
   * @throws CompletionException wrapping the future's failure, if that is a checked exception
   * @throws java.util.concurrent.CancellationException if someone else cancelled the future
   * @throws NullPointerException if {@code future} is null
   */
  public static <T> T await(CompletableFuture<T> future) {
    return await((CompletionStage<T>) future, true);
  }

  /**
   * As {@link #awaitWithoutCancelling(CompletionStage)}, for a {@code CompletableFuture}.
   *
   * @param <T> the type of the result
   * @param future the future to wait for
   * @return the future's result
   * @throws CancelledException if the task was cancelled before the future completed (or, on a
   *     thread outside Weft, if the thread was interrupted)
   * @throws CompletionException wrapping the future's failure, if that is a checked exception
   * @throws java.util.concurrent.CancellationException if someone else cancelled the future
   * @throws NullPointerException if {@code future} is null
   */
  public static <T> T awaitWithoutCancelling(CompletableFuture<T> future) {
    return await((CompletionStage<T>) future, false);
  }

  /**
   * Waits for a {@code Future} that cannot call back (the {@code FutureTask} of {@code
   * ExecutorService.submit}, a {@code ForkJoinTask}) and returns its result, with the promises of
   * {@link #await(CompletionStage)}: if the task is cancelled first, stops waiting, cancels the
   * future with {@code cancel(true)} and throws the cancellation (semantics F6). A worker thread
   * waits in the future's {@code get()} meanwhile; a future that is also a {@code CompletionStage}
   * is awaited as one, without a worker.
   *
   * @param <T> the type of the result
   * @param future the future to wait for
   * @return the future's result
   * @throws CancelledException if the task was cancelled before the future completed (or, on a
   *     thread outside Weft, if the thread was interrupted)
   * @throws CompletionException wrapping the future's failure, if that is a checked exception
   * @throws java.util.concurrent.CancellationException if someone else cancelled the future
   * @throws NullPointerException if {@code future} is null
   */
  public static <T> T await(Future<T> future) {
    return awaitFuture(future, true);
  }

  /**
   * As {@link #await(Future)}, but a cancelled task leaves the future running; the worker thread
   * that waits in its {@code get()} stays blocked until it completes.
   *
   * @param <T> the type of the result
   * @param future the future to wait for
   * @return the future's result
   * @throws CancelledException if the task was cancelled before the future completed (or, on a
   *     thread outside Weft, if the thread was interrupted)
   * @throws CompletionException wrapping the future's failure, if that is a checked exception
   * @throws java.util.concurrent.CancellationException if someone else cancelled the future
   * @throws NullPointerException if {@code future} is null
   */
  public static <T> T awaitWithoutCancelling(Future<T> future) {
    return awaitFuture(future, false);
  }

  private static final Object FUTURE_WAITS_KEY = new Object();

  @SuppressWarnings("unchecked")
  private static <T> T awaitFuture(Future<T> future, boolean cancelFuture) {
    Objects.requireNonNull(future, "future");
    if (future instanceof CompletionStage<?> stage) {
      return await((CompletionStage<T>) stage, cancelFuture);
    }
    Task me = Task.current();
    Checkpoints.checkpoint(me);
    try {
      if (me == null || future.isDone()) { // outside Weft, a plain blocking call (F2)
        return outcomeOf(future);
      }
      // Not the run's default limiter: waiting for a future is not the work those tokens bound.
      CapacityLimiter waits = me.runner().runLocal(FUTURE_WAITS_KEY,
          () -> CapacityLimiter.create(Integer.MAX_VALUE));
      return Workers.runAbandoning(waits, () -> outcomeOf(future));
    } catch (CancelledException cancelled) {
      if (cancelFuture) {
        try {
          future.cancel(true); // ends the abandoned worker's get() too
        } catch (Throwable t) {
          cancelled.addSuppressed(t);
        }
      }
      throw cancelled;
    }
  }

  /** Blocks in {@code get()}; an interrupt (only on a thread outside Weft) is a cancellation. */
  private static <T> T outcomeOf(Future<T> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw rethrown(e.getCause() != null ? e.getCause() : e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Checkpoints.afterAbort(); // a thread outside Weft: throws the interrupt's cancellation
      throw new CancellationException("interrupted while waiting for a future"); // unreachable
    }
  }

  /** How the stage ended: exactly one of the two is meaningful. */
  private record Outcome(Object value, Throwable failure) {}

  @SuppressWarnings("unchecked")
  private static <T> T await(CompletionStage<T> stage, boolean cancelStage) {
    Objects.requireNonNull(stage, "stage");
    Task me = Task.current();
    Checkpoints.checkpoint(me);
    while (true) {
      // Published before the callback can complete it: a cancel() that returned before the stage
      // completed has aborted it (here, or through the task's parkedOn), so the completion finds
      // it aborted and the result stays in the stage (P4).
      Waiter<Outcome> waiter = Waiter.forTask(me, true, stage, "await");
      try {
        stage.whenComplete((value, failure) -> waiter.complete(new Outcome(value, failure)));
      } catch (Throwable t) {
        waiter.complete(new Outcome(null, t)); // a stage that cannot take a callback failed
      }
      waiter.publishAgain(); // whenComplete is the stage's code: it may have parked meanwhile
      if (waiter.await()) {
        Outcome outcome = waiter.value();
        if (outcome.failure() == null) {
          return (T) outcome.value();
        }
        throw rethrown(outcome.failure());
      }
      try {
        Checkpoints.afterAbort();
      } catch (CancelledException cancelled) {
        if (cancelStage && stage instanceof Future<?> future) {
          try {
            future.cancel(true); // runs the stage's dependents: user code, on this thread
          } catch (Throwable t) {
            cancelled.addSuppressed(t);
          }
        }
        throw cancelled;
      }
      // A shield raised since the abort hides the cancellation: wait again.
    }
  }

  /** The failure as {@code join()} reports it: unchecked ones unchanged, checked ones wrapped. */
  private static RuntimeException rethrown(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof RuntimeException unchecked) {
      return unchecked;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new CompletionException(cause);
  }
}
