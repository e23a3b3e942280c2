package dev.weft.exploration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ThrowingSupplier;
import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.deterministic.DeadlockException;
import dev.weft.deterministic.DeterministicBackend;
import dev.weft.deterministic.Exploration;
import dev.weft.stream.MemoryStream;
import dev.weft.task.TaskGroup;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Seed exploration finds the bug class behind AnyIO 4.4.0's deadlock (a sender that skips a live
 * receiver sitting in a shield inside a cancelled scope) and reports it as a deadlock with the task
 * tree and a seed that replays it; Weft's own stream passes the same exploration.
 */
class SeedBugExplorationTest {

  private static final int SEEDS = Integer.getInteger("weft.explore.seeds", 1_000);

  /** The smallest shape of a channel, so that one scenario drives both streams. */
  private interface Channel {
    void send(String item);

    String receive();
  }

  /**
   * The seed's scenario: a consumer, in a cancelled scope, receives its last message in a shield
   * (as cleanup in a {@code finally} does); a producer sends that message. Whether the consumer
   * waits before the producer sends depends on the schedule.
   */
  private static ThrowingSupplier<String, RuntimeException> scenario(Supplier<Channel> channels) {
    return () -> {
      Channel channel = channels.get();
      AtomicReference<String> received = new AtomicReference<>();
      TaskGroup.run(group -> {
        group.startSoon("consumer", () -> {
          CancelScope outer = CancelScope.create();
          outer.run(() -> {
            outer.cancel("shutting down");
            CancelScope.shielded().run(() -> received.set(channel.receive()));
          });
        });
        group.startSoon("producer", () -> channel.send("last words"));
      });
      if (!"last words".equals(received.get())) {
        throw new AssertionError("the consumer got " + received.get());
      }
      return received.get();
    };
  }

  private static Channel wrong() {
    AnyIo440Stream<String> s = new AnyIo440Stream<>();
    return new Channel() {
      public void send(String item) {
        s.send(item);
      }

      public String receive() {
        return s.receive();
      }
    };
  }

  private static Channel weft() {
    MemoryStream<String> s = MemoryStream.create(0);
    return new Channel() {
      public void send(String item) {
        s.sendStream().send(item);
      }

      public String receive() {
        return s.receiveStream().receive();
      }
    };
  }

  @Test
  void exploration_findsTheAnyIo440Deadlock_withTaskTreeAndReplayableSeed() {
    long start = System.nanoTime();
    Exploration.Result result = Exploration.explore(0, SEEDS, scenario(SeedBugExplorationTest::wrong));
    long exploredNanos = System.nanoTime() - start;

    assertTrue(result.failed(), "no seed out of " + SEEDS + " found the deadlock");
    DeadlockException deadlock = assertInstanceOf(DeadlockException.class, result.failure());
    assertEquals(result.failingSeed(), deadlock.seed());
    assertTrue(deadlock.taskTree().contains("task 'consumer'"), deadlock.taskTree());
    assertTrue(deadlock.taskTree().contains("receive from AnyIO-4.4.0-style stream"),
        deadlock.taskTree());
    assertTrue(deadlock.taskTree().contains("shielded"), deadlock.taskTree());
    assertTrue(deadlock.taskTree().contains("cancelled: shutting down"), deadlock.taskTree());
    assertTrue(deadlock.taskTree().contains("task 'producer'"), deadlock.taskTree());

    // The seed alone replays it, with the same schedule.
    long replayStart = System.nanoTime();
    DeadlockException replayed = assertThrows(DeadlockException.class, () ->
        Weft.run(DeterministicBackend.withSeed(result.failingSeed()),
            scenario(SeedBugExplorationTest::wrong)));
    long replayNanos = System.nanoTime() - replayStart;
    assertEquals(deadlock.trace(), replayed.trace());

    System.out.printf("SeedBugExplorationTest: the AnyIO 4.4.0 deadlock found at seed %d after %d"
        + " runs in %.1f ms; replaying that seed alone took %.1f ms%n%s%n",
        result.failingSeed(), result.runs(), exploredNanos / 1e6, replayNanos / 1e6,
        deadlock.getMessage());
  }

  @Test
  void theBugDependsOnTheSchedule_someSeedsHitItAndOthersDoNot() {
    int failing = 0;
    for (long seed = 0; seed < 200; seed++) {
      if (Exploration.explore(seed, 1, scenario(SeedBugExplorationTest::wrong)).failed()) {
        failing++;
      }
    }

    System.out.printf("SeedBugExplorationTest: %d of 200 seeds hit the AnyIO 4.4.0 deadlock%n",
        failing);
    assertTrue(failing > 0 && failing < 200, failing + " of 200 seeds failed");
  }

  @Test
  void exploration_ofWeftsStream_passesEverySeed() {
    long start = System.nanoTime();
    Exploration.Result result = Exploration.explore(0, SEEDS, scenario(SeedBugExplorationTest::weft));
    long nanos = System.nanoTime() - start;

    assertFalse(result.failed(), () -> "seed " + result.failingSeed() + ": " + result.failure());
    assertEquals(SEEDS, result.runs());
    System.out.printf("SeedBugExplorationTest: Weft's stream passed %d seeds in %.0f ms%n",
        result.runs(), nanos / 1e6);
  }

  @Test
  void exploration_reportsTheFirstFailingSeed_andAssertPassedNamesIt() {
    Exploration.Result result = Exploration.explore(0, SEEDS, scenario(SeedBugExplorationTest::wrong));

    AssertionError e = assertThrows(AssertionError.class, result::assertPassed);
    assertTrue(e.getMessage().contains("DeterministicBackend.withSeed(" + result.failingSeed() + ")"),
        e.getMessage());
  }

  @Test
  void exploration_rejectsANonPositiveSeedCount() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Exploration.explore(0, 0, () -> null));

    assertTrue(e.getMessage().startsWith("seeds must be at least 1"), e.getMessage());
  }

}
