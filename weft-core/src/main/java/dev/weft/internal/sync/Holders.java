package dev.weft.internal.sync;

import dev.weft.internal.core.SafeStrings;
import dev.weft.internal.core.Task;
import dev.weft.task.TaskInfo;

/**
 * Who holds a lock or borrows a token by default: the current Weft task, as its {@link TaskInfo}
 * (equal for the same task, so it can be compared, stored and shown in statistics as it is), or,
 * on a thread that no Weft run started, that {@link Thread}.
 */
public final class Holders {

  private Holders() {}

  /** Returns the identity of the caller: its task's {@code TaskInfo}, or its thread. */
  public static Object current() {
    return Task.current() != null ? TaskInfo.current() : Thread.currentThread();
  }

  /**
   * Describes a holder for an error message: "task 'worker' (#3)", "thread 'legacy'", or, for any
   * other borrower, "borrower X".
   */
  public static String describe(Object holder) {
    if (holder instanceof TaskInfo t) {
      return "task '" + t.name() + "' (#" + t.id() + ")";
    }
    if (holder instanceof Thread t) {
      return "thread '" + t.getName() + "'";
    }
    return "borrower " + SafeStrings.of(holder); // user code: never under a Weft lock
  }
}
