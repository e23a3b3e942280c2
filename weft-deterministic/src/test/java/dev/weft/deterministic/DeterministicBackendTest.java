package dev.weft.deterministic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.stream.MemoryStream;
import dev.weft.task.TaskGroup;
import dev.weft.time.Deadline;
import dev.weft.time.Timeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The deterministic backend replays a schedule from its seed, runs virtual time, and reports
 * deadlocks and stalls instead of hanging.
 */
class DeterministicBackendTest {

  /** Three tasks append to a shared list at checkpoints: the order is the schedule. */
  private static List<String> racyScenario(DeterministicBackend backend) {
    return Weft.run(backend, () -> {
      List<String> order = new ArrayList<>();
      TaskGroup.run(group -> {
        for (String name : List.of("a", "b", "c")) {
          group.startSoon(name, () -> {
            for (int i = 0; i < 3; i++) {
              order.add(name + i);
              Weft.checkpoint();
            }
          });
        }
      });
      return order;
    });
  }

  @Test
  void sameSeed_sameResultAndSameTrace() {
    DeterministicBackend first = DeterministicBackend.withSeed(7);
    DeterministicBackend second = DeterministicBackend.withSeed(7);

    List<String> a = racyScenario(first);
    List<String> b = racyScenario(second);

    assertEquals(a, b);
    assertEquals(first.lastTrace(), second.lastTrace());
    assertTrue(first.lastTrace().size() > 9, first.lastTrace().toString());
  }

  @Test
  void longRun_keepsOnlyTheLastLinesOfItsTrace_andCountsTheDroppedOnes() {
    DeterministicBackend backend = DeterministicBackend.withSeed(7).withTraceLength(5);

    Weft.run(backend, () -> {
      for (int i = 0; i < 100; i++) {
        Weft.checkpoint();
      }
      return null;
    });

    List<String> trace = backend.lastTrace();
    assertEquals(6, trace.size(), trace.toString());
    assertTrue(trace.get(0).matches("\\(\\d+ earlier lines dropped; withTraceLength keeps more\\)"),
        trace.get(0));
    assertTrue(trace.get(5).startsWith("step "), trace.get(5));
  }

  @Test
  void badTraceLengthAndStallTimeout_throwNamingTheArgumentAndTheRange() {
    DeterministicBackend backend = DeterministicBackend.withSeed(1);

    IllegalArgumentException lines =
        assertThrows(IllegalArgumentException.class, () -> backend.withTraceLength(0));
    IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
        () -> backend.withStallTimeout(Duration.ofSeconds(Long.MAX_VALUE)));
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> backend.withStallTimeout(Duration.ZERO));

    assertEquals("lines must be at least 1, but was 0", lines.getMessage());
    assertTrue(tooLong.getMessage().startsWith("timeout must be between 1 ns and "),
        tooLong.getMessage());
    assertTrue(zero.getMessage().endsWith("but was PT0S"), zero.getMessage());
  }

  @Test
  void differentSeeds_exploreDifferentInterleavings() {
    Set<List<String>> orders = new HashSet<>();
    for (long seed = 0; seed < 20; seed++) {
      orders.add(racyScenario(DeterministicBackend.withSeed(seed)));
    }

    assertTrue(orders.size() > 5, "only " + orders.size() + " interleavings in 20 seeds");
  }

  @Test
  void oneHourTimeout_endsAtExactlyOneHourOfVirtualTime() {
    Duration elapsed = Weft.run(DeterministicBackend.withSeed(1), () -> {
      Deadline start = Deadline.now();
      CancelScope scope = Timeouts.moveOnAfter(Duration.ofHours(1), Weft::sleepForever);
      assertTrue(scope.cancelledCaught());
      return start.remaining().negated();
    });

    assertEquals(Duration.ofHours(1), elapsed);
  }

  @Test
  void sleeps_advanceVirtualTimeToTheEarliestDeadlineFirst() {
    List<String> order = Weft.run(DeterministicBackend.withSeed(3), () -> {
      List<String> seen = new ArrayList<>();
      TaskGroup.run(group -> {
        group.startSoon(() -> {
          Weft.sleep(Duration.ofMinutes(2));
          seen.add("2min at " + Deadline.now().toNanos());
        });
        group.startSoon(() -> {
          Weft.sleep(Duration.ofMinutes(1));
          seen.add("1min at " + Deadline.now().toNanos());
        });
      });
      return seen;
    });

    assertEquals(List.of("1min at " + Duration.ofMinutes(1).toNanos(),
        "2min at " + Duration.ofMinutes(2).toNanos()), order);
  }

  @Test
  void everyTaskBlocked_failsAtOnceWithTheTaskTreeAndTheSeed() {
    DeadlockException e = assertThrows(DeadlockException.class, () ->
        Weft.run(DeterministicBackend.withSeed(11), () -> {
          MemoryStream<String> stream = MemoryStream.create(0);
          TaskGroup.run(group -> group.startSoon("receiver", () -> {
            CancelScope.shielded().run(() -> stream.receiveStream().receive());
          }));
          return null;
        }));

    assertEquals(11, e.seed());
    assertTrue(e.getMessage().contains("seed 11"), e.getMessage());
    assertTrue(e.taskTree().contains("task 'main' (#1)"), e.taskTree());
    assertTrue(e.taskTree().contains("task 'receiver'"), e.taskTree());
    assertTrue(e.taskTree().contains("receive from memory stream"), e.taskTree());
    assertTrue(e.taskTree().contains("join task group"), e.taskTree());
    assertTrue(e.taskTree().contains("shielded"), e.taskTree());
  }

  @Test
  void taskBlockedOutsideWeft_isReportedWithItsStackTrace() {
    StalledTaskException e = assertThrows(StalledTaskException.class, () ->
        Weft.run(DeterministicBackend.withSeed(5).withStallTimeout(Duration.ofMillis(200)),
            () -> {
              TaskGroup.run(group -> group.startSoon("sleeper", () -> {
                // The blocking call the watchdog must report, not a wait for ordering.
                CancelScope.shielded().run(() -> Thread.sleep(Duration.ofHours(1)));
              }));
              return null;
            }));

    assertEquals("sleeper", e.taskName());
    assertTrue(e.getMessage().contains("seed 5"), e.getMessage());
    boolean inSleep = false;
    for (StackTraceElement frame : e.getStackTrace()) {
      inSleep |= frame.getMethodName().startsWith("sleep");
    }
    assertTrue(inSleep, "the stack trace is the stalled task's");
  }
}
