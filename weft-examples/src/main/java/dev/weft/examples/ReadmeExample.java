package dev.weft.examples;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.task.TaskGroup;
import dev.weft.time.Timeouts;
import java.time.Duration;

/** The example in the README, kept here so that it compiles and runs in CI. */
public class ReadmeExample {
  public static void main(String[] args) {
    Weft.run(() -> {
      CancelScope timeout = Timeouts.moveOnAfter(Duration.ofSeconds(2), () ->
          TaskGroup.run(group -> {                        // every task below ends before run returns
            group.startSoon("a", () -> fetch("a"));       // the deadline cancels both tasks
            group.startSoon("b", () -> fetch("b"));
          }));
      System.out.println("timed out: " + timeout.cancelledCaught());
      return null;
    });
  }

  static void fetch(String what) {
    try {
      Weft.sleep(Duration.ofSeconds(5));                  // a checkpoint: cancellation arrives here
    } finally {
      CancelScope.shielded().run(() -> Weft.sleep(Duration.ofMillis(10))); // cleanup may still wait
    }
  }
}
