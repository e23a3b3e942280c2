package dev.weft.examples;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.task.TaskGroup;
import dev.weft.task.TaskHandle;
import dev.weft.time.Timeouts;
import java.time.Duration;

/** The example in the README, kept here so that it compiles and runs in CI. */
public class ReadmeExample {
  public static void main(String[] args) {
    Weft.run(() -> {
      CancelScope timeout = Timeouts.moveOnAfter(Duration.ofSeconds(2), () ->
          TaskGroup.run(group -> {                        // every task below ends before run returns
            TaskHandle<String> a = group.fork("a", () -> fetch("a", Duration.ofMillis(100)));
            group.startSoon("b", () -> fetch("b", Duration.ofSeconds(5))); // the deadline cancels b
            System.out.println(a.join());                 // waits for a's result
          }));
      System.out.println("timed out: " + timeout.cancelledCaught());
    });
  }

  static String fetch(String what, Duration takes) {
    try {
      Weft.sleep(takes);                                  // a checkpoint: cancellation arrives here
      return what + " fetched";
    } finally {
      CancelScope.shielded().run(() -> Weft.sleep(Duration.ofMillis(10))); // cleanup may still wait
    }
  }
}
