package dev.weft;

import dev.weft.cancel.CancelledException;
import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.Task;
import dev.weft.internal.core.Waiter;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

/**
 * Waiting for work that Weft did not start: a {@link CompletionStage} completed by an executor,
 * an HTTP client, another thread or another task.
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
