package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.junit.WeftTest;
import dev.weft.task.TaskGroup;
import dev.weft.task.TaskHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

/** Results of tasks, and what a user's catch blocks see of a cancellation. */
class ResultsTest {

  @WeftTest
  void forkedTasks_giveTheirValuesThroughHandles() {
    List<Integer> sums = new ArrayList<>();

    TaskGroup.run(group -> {
      TaskHandle<Integer> a = group.fork(() -> 1 + 2);
      TaskHandle<Integer> b = group.fork("b", () -> 3 + 4);
      sums.add(a.join() + b.join());
      assertEquals(Future.State.SUCCESS, b.state());
    });

    assertEquals(List.of(10), sums);
  }

  @WeftTest
  void aLogAndContinueLoop_doesNotSwallowItsCancellation() {
    List<Exception> logged = new ArrayList<>();
    CancelScope scope = CancelScope.create();

    scope.run(() -> {
      scope.cancel();
      while (true) {
        try {
          Weft.checkpoint();
        } catch (Exception e) {
          logged.add(e);
        }
      }
    });

    assertTrue(scope.cancelledCaught());
    assertTrue(logged.isEmpty(), logged.toString());
  }

  @WeftTest
  void theFirstSuccessOfARaceWins_andATimeLimitCanGiveAValue() {
    String winner = TaskGroup.raceSuccess(
        () -> {
          throw new java.io.IOException("primary is down");
        },
        () -> "mirror");
    java.util.Optional<String> quick =
        dev.weft.time.Timeouts.resultWithin(java.time.Duration.ofMinutes(1), () -> "in time");

    assertEquals("mirror", winner);
    assertEquals(java.util.Optional.of("in time"), quick);
  }
}
