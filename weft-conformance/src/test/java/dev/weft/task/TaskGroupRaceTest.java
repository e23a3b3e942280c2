package dev.weft.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ThrowingSupplier;
import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.sync.Event;
import dev.weft.time.Timeouts;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** The first success wins (semantics G11). */
class TaskGroupRaceTest {

  @WeftTest
  void raceSuccess_firstToReturnWins_theOthersAreCancelledAndHaveEnded(Backend backend) {
    AtomicBoolean slowEnded = new AtomicBoolean();
    List<Boolean> slowEndedWhenRaceReturned = new ArrayList<>();

    String winner = Runs.run(backend, () -> {
      String w = TaskGroup.raceSuccess(
          () -> "quick",
          () -> {
            try {
              Weft.sleepForever();
              return "slow";
            } finally {
              CancelScope.shielded().run(Weft::checkpoint); // cleanup that still runs
              slowEnded.set(true);
            }
          });
      slowEndedWhenRaceReturned.add(slowEnded.get());
      return w;
    });

    assertEquals("quick", winner);
    assertEquals(List.of(true), slowEndedWhenRaceReturned);
  }

  @WeftTest
  void raceSuccess_aFailingRacer_doesNotEndTheRace(Backend backend) {
    Event firstFailed = new Event();

    String winner = Runs.run(backend, () -> TaskGroup.raceSuccess(
        () -> {
          firstFailed.set();
          throw new IOException("unreachable mirror");
        },
        () -> {
          firstFailed.await();
          Weft.checkpoint();
          return "second mirror";
        }));

    assertEquals("second mirror", winner);
  }

  @WeftTest
  void raceSuccess_everyRacerFails_throwsTaskGroupExceptionWithEveryFailureInOrder(
      Backend backend) {
    IOException first = new IOException("first");
    IllegalStateException second = new IllegalStateException("second");
    Event firstFailed = new Event();

    TaskGroupException e = assertThrows(TaskGroupException.class, () ->
        Runs.run(backend, () -> TaskGroup.<String>raceSuccess(
            () -> {
              firstFailed.set();
              throw first;
            },
            () -> {
              firstFailed.await();
              throw second;
            })));

    // In the order they were recorded. The first racer sets the event before its failure is
    // recorded, so on real threads the second may be recorded first; with one task at a time
    // (the deterministic backend) the first is always recorded before the second runs.
    if (backend.features().contains(BackendFeature.REAL_PARALLELISM)) {
      assertEquals(Set.of(first, second), Set.copyOf(e.failures()));
      assertEquals(2, e.failures().size());
    } else {
      assertEquals(List.of(first, second), e.failures());
    }
  }

  @WeftTest
  void raceSuccess_cancelledCaller_cancelsEveryRacer_andTheCancellationPropagates(
      Backend backend) {
    List<String> ended = new CopyOnWriteArrayList<>();
    ThrowingSupplier<String, RuntimeException> sleeper = () -> {
      try {
        Weft.sleepForever();
        return "never";
      } finally {
        ended.add("racer");
      }
    };

    CancelScope scope = Runs.run(backend, () ->
        Timeouts.moveOnAfter(Duration.ofMillis(20), () -> TaskGroup.raceSuccess(sleeper, sleeper)));

    assertTrue(scope.cancelledCaught());
    assertEquals(List.of("racer", "racer"), ended);
  }

  @WeftTest
  void raceSuccess_anErrorFailsTheRaceAtOnce(Backend backend) {
    AssertionError broken = new AssertionError("broken invariant");

    TaskGroupException e = assertThrows(TaskGroupException.class, () ->
        Runs.run(backend, () -> TaskGroup.raceSuccess(
            () -> {
              throw broken;
            },
            () -> {
              Weft.sleepForever();
              return "never";
            })));

    assertEquals(List.of(broken), e.failures());
  }

  @WeftTest
  void raceSuccess_badArguments_getClearErrors(Backend backend) {
    Runs.exec(backend, () -> {
      IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
          () -> TaskGroup.raceSuccess(List.of()));
      assertTrue(none.getMessage().contains("racers"), none.getMessage());
      NullPointerException nullRacer = assertThrows(NullPointerException.class,
          () -> TaskGroup.raceSuccess(Arrays.asList(() -> "a", null)));
      assertEquals("racers[1]", nullRacer.getMessage());
      assertInstanceOf(NullPointerException.class,
          assertThrows(NullPointerException.class, () -> TaskGroup.raceSuccess(
              (List<ThrowingSupplier<String, ?>>) null)));
    });
  }
}
