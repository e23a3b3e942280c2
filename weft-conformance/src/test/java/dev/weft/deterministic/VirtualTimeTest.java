package dev.weft.deterministic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.junit.WeftTest;
import dev.weft.spi.BackendFeature;
import dev.weft.stream.MemoryStream;
import dev.weft.task.TaskGroup;
import dev.weft.time.Deadline;
import dev.weft.time.DeadlineExceededException;
import dev.weft.time.Timeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * On a backend with virtual time, durations are exact: time moves only when every task is blocked,
 * straight to the earliest deadline, so hour-long timeouts take no real time and can be asserted to
 * the nanosecond. These tests run inside the run, as its root task.
 */
class VirtualTimeTest {

  @WeftTest(requires = BackendFeature.VIRTUAL_TIME)
  void oneHourTimeout_takesExactlyOneHour() {
    Deadline start = Deadline.now();

    CancelScope scope = Timeouts.moveOnAfter(Duration.ofHours(1), Weft::sleepForever);

    assertTrue(scope.cancelledCaught());
    assertEquals(Duration.ofHours(1), start.remaining().negated());
  }

  @WeftTest(requires = BackendFeature.VIRTUAL_TIME)
  void failAfter_throwsAtExactlyTheDeadline() {
    Deadline start = Deadline.now();

    DeadlineExceededException e = assertThrows(DeadlineExceededException.class,
        () -> Timeouts.failAfter(Duration.ofMinutes(5), Weft::sleepForever));

    assertEquals(start.plus(Duration.ofMinutes(5)), e.deadline());
    assertEquals(e.deadline(), Deadline.now());
  }

  @WeftTest(requires = BackendFeature.VIRTUAL_TIME)
  void timeDoesNotMoveWhileATaskRuns() {
    Deadline before = Deadline.now();
    for (int i = 0; i < 1_000; i++) {
      Weft.checkpoint();
    }

    assertEquals(before, Deadline.now());
  }

  @WeftTest(requires = BackendFeature.VIRTUAL_TIME)
  void sleepersWakeInDeadlineOrder_atTheirExactTimes() {
    List<String> woke = new ArrayList<>();

    TaskGroup.run(group -> {
      for (int minutes : new int[] {3, 1, 2}) {
        group.startSoon(() -> {
          Weft.sleep(Duration.ofMinutes(minutes));
          woke.add(minutes + "min at " + Duration.ofNanos(Deadline.now().toNanos()));
        });
      }
    });

    assertEquals(List.of("1min at PT1M", "2min at PT2M", "3min at PT3M"), woke);
  }

  @WeftTest(requires = BackendFeature.VIRTUAL_TIME)
  void receiveWithTimeout_givesUpAtExactlyTheTimeout_andTakesNothing() {
    MemoryStream<String> stream = MemoryStream.create(1);
    Deadline start = Deadline.now();

    CancelScope scope = Timeouts.moveOnAfter(Duration.ofSeconds(30),
        () -> stream.receiveStream().receive());
    stream.sendStream().send("later");

    assertTrue(scope.cancelledCaught());
    assertEquals(Duration.ofSeconds(30), start.remaining().negated());
    assertEquals("later", stream.receiveStream().receive());
  }
}
