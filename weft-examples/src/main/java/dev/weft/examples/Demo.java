package dev.weft.examples;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.task.TaskGroup;
import dev.weft.time.Timeouts;
import java.time.Duration;

/**
 * The README's demo: a task group, a deadline that cancels a subtree of tasks, and a shielded
 * cleanup that still runs (and waits) after its task was cancelled.
 */
public final class Demo {

  private static final long START = System.nanoTime();

  private Demo() {}

  public static void main(String[] args) {
    Weft.run(
        () -> {
          log("main", "starts a task group: one quick task, and two slow ones under a 300 ms deadline");
          TaskGroup.run(
              group -> {
                group.startSoon("quick", () -> {
                  Weft.sleep(Duration.ofMillis(100));
                  log("quick", "done");
                });
                group.startSoon("supervisor", () -> {
                  CancelScope deadline =
                      Timeouts.moveOnAfter(
                          Duration.ofMillis(300),
                          () ->
                              TaskGroup.run(
                                  slow -> {
                                    slow.startSoon("slow-1", () -> slowWork("slow-1"));
                                    slow.startSoon("slow-2", () -> slowWork("slow-2"));
                                  }));
                  log("supervisor", "deadline passed: " + deadline.cancelledCaught()
                      + "; both slow tasks have ended, cleanup included");
                });
              });
          log("main", "the task group has ended; no task is left running");
          return null;
        });
  }

  private static void slowWork(String name) {
    try {
      log(name, "works for 10 s...");
      Weft.sleep(Duration.ofSeconds(10));
    } catch (CancelledException e) {
      log(name, "cancelled (" + e.reason() + "); cleans up in a shield");
      CancelScope.shielded().run(() -> {
        Weft.sleep(Duration.ofMillis(50)); // would throw at once without the shield
        log(name, "cleanup finished");
      });
      throw e;
    }
  }

  private static void log(String who, String what) {
    long ms = (System.nanoTime() - START) / 1_000_000;
    System.out.printf("[%4d ms] %-10s %s%n", ms, who, what);
  }
}
