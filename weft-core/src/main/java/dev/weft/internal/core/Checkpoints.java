package dev.weft.internal.core;

import dev.weft.cancel.CancelledException;
import dev.weft.spi.Clock;
import dev.weft.time.Deadline;

/**
 * Checkpoints and sleeps, for the current thread: a Weft task, or a thread that no run started (for
 * which an interrupt is the cancellation).
 */
public final class Checkpoints {

  private Checkpoints() {}

  /** Lets other tasks run, then throws if the current task is cancelled. */
  public static void checkpoint() {
    checkpoint(Task.current());
  }

  /**
   * {@link #checkpoint()} for a caller that looked up the current task itself ({@code null} on a
   * thread outside Weft), so that an operation looks it up once.
   */
  public static void checkpoint(Task t) {
    if (t == null) {
      throwIfForeignInterrupted();
      return;
    }
    t.runner.scheduler.yieldTurn();
    t.yieldAtEndOfSlice();
    t.throwIfCancelled();
  }

  /** Throws if the current task is cancelled; does not let other tasks run. */
  public static void checkpointIfCancelled() {
    Task t = Task.current();
    if (t == null) {
      throwIfForeignInterrupted();
      return;
    }
    t.throwIfCancelled();
  }

  /** Lets other tasks run; never throws. */
  public static void cancelShieldedCheckpoint() {
    Task t = Task.current();
    if (t != null) {
      t.runner.scheduler.yieldTurn();
      t.yieldAtEndOfSlice();
    }
  }

  /**
   * Whether the current task is effectively cancelled now (on a thread outside Weft: interrupted).
   * A blocking operation asks this under its resource's lock at the moment it would take effect
   * without waiting (the lock is free, an item is there, the event is set): if it is, the
   * operation takes nothing and calls {@link #afterAbort()}. A cancellation whose {@code cancel()}
   * returned before the resource was released is then always seen, because the release's lock
   * (or volatile write) orders it before this read.
   */
  public static boolean cancelledNow() {
    return cancelledNow(Task.current());
  }

  /** {@link #cancelledNow()} for the current task {@code t} ({@code null} outside Weft). */
  public static boolean cancelledNow(Task t) {
    return t != null ? t.innermost.effective : Thread.currentThread().isInterrupted();
  }

  /**
   * Called by an operation whose waiter was aborted, after it took the waiter out of its queue:
   * throws the cancellation. Returns normally only when a shield raised since the abort hides the
   * cancellation again; the operation then tries again.
   */
  public static void afterAbort() {
    Task t = Task.current();
    if (t == null) {
      throw interrupted();
    }
    t.throwIfCancelled();
  }

  private static void throwIfForeignInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw interrupted();
    }
  }

  private static CancelledException interrupted() {
    return ApiAccess.get()
        .cancelled(
            null, "thread '" + Thread.currentThread().getName() + "' was interrupted", null, false);
  }

  /** Sleeps until {@code deadline} on the run's clock; a checkpoint even when it has passed. */
  public static void sleepUntil(long deadline) {
    Task t = Task.require("Weft.sleep");
    checkpoint();
    Clock clock = t.runner.clock;
    while (deadline == Scope.NEVER || deadline > clock.nanoTime()) {
      Waiter<Void> w = Waiter.forCurrentThread(true, Deadline.ofNanos(deadline), "sleep until");
      Clock.Timer timer =
          deadline == Scope.NEVER ? null : clock.schedule(deadline, () -> w.complete(null));
      if (w.await()) {
        return;
      }
      if (timer != null) {
        timer.cancel();
      }
      t.throwIfCancelled();
    }
  }
}
