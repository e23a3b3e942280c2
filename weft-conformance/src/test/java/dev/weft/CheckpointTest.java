package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.spi.Backend;
import dev.weft.task.TaskGroup;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.util.ArrayList;
import java.util.List;

/** Each kind of checkpoint throws exactly when the task is effectively cancelled, as documented. */
class CheckpointTest {

  @WeftTest
  void inCancelledScope_checkpointsThrow_butCancelShieldedCheckpointDoesNot(Backend backend) {
    List<String> outcomes = Runs.run(backend, () -> {
      List<String> seen = new ArrayList<>();
      CancelScope scope = CancelScope.create();
      scope.run(() -> {
        scope.cancel();
        seen.add(outcome(Weft::checkpoint));
        seen.add(outcome(Weft::checkpointIfCancelled));
        seen.add(outcome(Weft::cancelShieldedCheckpoint));
        seen.add(outcome(Weft::sleepForever));
      });
      return seen;
    });

    assertEquals(List.of("cancelled", "cancelled", "returned", "cancelled"), outcomes);
  }

  @WeftTest
  void outsideCancelledScope_checkpointsReturn(Backend backend) {
    List<String> outcomes = Runs.run(backend, () -> List.of(
        outcome(Weft::checkpoint),
        outcome(Weft::checkpointIfCancelled),
        outcome(Weft::cancelShieldedCheckpoint)));

    assertEquals(List.of("returned", "returned", "returned"), outcomes);
  }

  @WeftTest
  void taskGroupExit_isNotACancellationPoint(Backend backend) {
    CancelScope scope = CancelScope.create();
    List<String> events = new ArrayList<>();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel();
      TaskGroup.run(group -> group.startSoon(() -> events.add("child ran without checkpoint")));
      events.add("after group");
    }));

    assertEquals(List.of("child ran without checkpoint", "after group"), events);
    assertTrue(scope.cancelCalled());
  }

  @WeftTest
  void onAThreadOutsideWeft_checkpointThrowsOnlyWhenInterrupted_andKeepsTheInterrupt(
      Backend backend) throws InterruptedException {
    List<Object> seen = new ArrayList<>();
    Thread plain = Thread.ofPlatform().start(() -> {
      seen.add(outcome(Weft::checkpoint));
      Thread.currentThread().interrupt();
      try {
        Weft.checkpoint();
      } catch (CancelledException e) {
        seen.add(e.scope());
        seen.add(e.reason());
      }
      seen.add(Thread.currentThread().isInterrupted());
    });
    plain.join();

    assertEquals("returned", seen.get(0));
    assertNull(seen.get(1));
    assertTrue(((String) seen.get(2)).contains("was interrupted"), (String) seen.get(2));
    assertEquals(true, seen.get(3));
  }

  @WeftTest
  void operationsThatNeedATask_throwOnAThreadOutsideWeft(Backend backend) {
    IllegalStateException group =
        assertThrows(IllegalStateException.class, () -> TaskGroup.run(g -> {}));
    IllegalStateException sleep =
        assertThrows(IllegalStateException.class, Weft::sleepForever);

    assertTrue(group.getMessage().startsWith("TaskGroup.run must be called from a Weft task"),
        group.getMessage());
    assertTrue(sleep.getMessage().startsWith("Weft.sleep must be called from a Weft task"),
        sleep.getMessage());
  }

  private static String outcome(Runnable checkpoint) {
    try {
      checkpoint.run();
      return "returned";
    } catch (CancelledException e) {
      return "cancelled";
    }
  }
}
