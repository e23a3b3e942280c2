package dev.weft.testing;

import dev.weft.cancel.CancelScope;
import dev.weft.task.TaskGroup;
import java.util.Random;

/** Scopes that stress tests cancel at random moments. */
public final class RandomCancels {

  private RandomCancels() {}

  /** A scope that is cancelled before it starts (1 in 10), or by another task (1 in 10), or not. */
  public static CancelScope cancelledSometimes(Random random, TaskGroup helpers) {
    CancelScope scope = CancelScope.create();
    switch (random.nextInt(10)) {
      case 0 -> scope.cancel("cancelled before the operation");
      case 1 -> helpers.startSoon(() -> scope.cancel("cancelled while the operation runs"));
      default -> { }
    }
    return scope;
  }
}
