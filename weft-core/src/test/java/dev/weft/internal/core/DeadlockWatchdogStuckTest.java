package dev.weft.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Weft;
import dev.weft.Workers;
import dev.weft.cancel.CancelScope;
import dev.weft.spi.Backend;
import dev.weft.sync.Event;
import dev.weft.task.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The watchdog's predicate (semantics O5), asked directly once every task of a run is parked, so
 * that nothing here depends on timing: which waits count as a deadlock, and which as a run that a
 * timer or a thread outside it will wake.
 */
class DeadlockWatchdogStuckTest {

  @Test
  void whatCountsAsStuck() {
    List<String> verdicts = new ArrayList<>();
    Weft.run(Backend.virtualThreads(), () -> {
      verdicts.add("event: " + stuckWith(() -> new Event().await()));
      verdicts.add("sleep forever: " + stuckWith(Weft::sleepForever));
      verdicts.add("sleep until a time: " + stuckWith(() -> Weft.sleep(Duration.ofHours(1))));
      verdicts.add("event under a deadline: " + stuckWith(() ->
          CancelScope.withTimeout(Duration.ofHours(1)).run(() -> new Event().await())));
      verdicts.add("worker call: " + stuckWith(() -> Workers.run(() -> {
        new CountDownLatch(1).await(); // until its task, cancelled, interrupts it
        return null;
      })));
      return null;
    });

    assertEquals(List.of("event: true", "sleep forever: true", "sleep until a time: false",
        "event under a deadline: false", "worker call: false"), verdicts);
  }

  /**
   * Runs {@code body} in a task of a nested group, waits until every task of the run but the
   * caller is parked, and asks the predicate with the caller counted as parked too (it is the
   * group's host, which parks in its join right after). Then cancels the group.
   */
  private static boolean stuckWith(dev.weft.ThrowingRunnable<?> body) {
    Runner runner = Task.current().runner();
    boolean[] verdict = new boolean[1];
    TaskGroup.run(group -> {
      group.startSoon(body);
      group.startSoon("asker", () -> {
        Task main = Task.current().parent();
        while (!allParkedBut(runner, Task.current()) || main.parkedOn == null) {
          Weft.cancelShieldedCheckpoint();
          Thread.yield();
        }
        // The asker itself runs; look at the others only: every other task is parked.
        verdict[0] = new DeadlockWatchdog(runner, Duration.ofNanos(1)).stuckIgnoring(Task.current());
        group.cancelScope().cancel();
      });
    });
    return verdict[0];
  }

  private static boolean allParkedBut(Runner runner, Task me) {
    for (Task t : runner.liveTasks()) {
      if (t != me && (t.parkedOn == null || t.parkedOn.parkedSince() == Waiter.NOT_PARKED)) {
        return false;
      }
    }
    return true;
  }
}
