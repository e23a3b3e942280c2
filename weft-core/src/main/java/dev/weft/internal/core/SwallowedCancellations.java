package dev.weft.internal.core;

import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;

/**
 * Notices a task that catches its cancellation and goes on, again and again (semantics C17; ADR
 * 0008). Cancellation is level-triggered, so such a task is thrown a new cancellation of the same
 * scope at every checkpoint; after {@value #REPORT_AFTER} of them it is reported once, with the
 * stack of the checkpoint that threw. Nothing else changes.
 *
 * <h2>Implementation notes</h2>
 * One instance per task, touched only by that task's thread (checkpoints run there), so its fields
 * need no synchronization. The report goes to {@code System.Logger}, which is user-pluggable code:
 * it is called with no Weft lock held (checkpoints hold none) and whatever it throws is dropped, so
 * it can never change the cancellation being thrown.
 */
final class SwallowedCancellations {

  /** Far above what correct code does, and reached within milliseconds by a swallowing loop. */
  static final int REPORT_AFTER = 10_000;

  private CancelScope scope;
  private int count;
  private boolean reported;

  /** Called just before {@code task} throws {@code ce} at a checkpoint. */
  void thrown(Task task, CancelledException ce) {
    if (ce.scope() != scope) {
      scope = ce.scope();
      count = 0;
    }
    if (++count == REPORT_AFTER && !reported) {
      reported = true;
      report(task, ce);
    }
  }

  private static void report(Task task, CancelledException ce) {
    try {
      System.getLogger("dev.weft").log(System.Logger.Level.WARNING,
          task + " was thrown " + REPORT_AFTER + " cancellations of "
              + "CancelScope@" + Integer.toHexString(System.identityHashCode(ce.scope()))
              + " and caught every one: some code catches CancelledException (catch Throwable or"
              + " Error?) and goes on. Let it reach its scope; catch it only to clean up, and"
              + " rethrow it. The stack is that of the latest checkpoint that threw.",
          ce);
    } catch (Throwable ignored) {
      // a logger's failure must not replace the cancellation
    }
  }
}
