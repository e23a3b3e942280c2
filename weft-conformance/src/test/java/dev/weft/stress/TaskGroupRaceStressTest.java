package dev.weft.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.ThrowingSupplier;
import dev.weft.Weft;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.task.TaskGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code raceSuccess} on real threads (G11): four racers that return at once or after a
 * checkpoint. Every race returns one racer's value, and every racer has ended when it returns.
 * Bounded ({@code weft.stress.race.rounds}, default 1,000 rounds per thread backend); prints what
 * it checked.
 */
class TaskGroupRaceStressTest {

  private static final int ROUNDS = Integer.getInteger("weft.stress.race.rounds", 1_000);
  private static final int RACERS = 4;

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void everyRaceHasOneWinner_andEveryLoserHasEndedWhenItReturns(Backend backend) {
    int[] wins = new int[RACERS];
    AtomicInteger notEnded = new AtomicInteger();
    AtomicInteger badWinner = new AtomicInteger();

    for (int round = 0; round < ROUNDS; round++) {
      AtomicInteger ended = new AtomicInteger();
      List<ThrowingSupplier<Integer, RuntimeException>> racers = new ArrayList<>();
      for (int r = 0; r < RACERS; r++) {
        int id = r;
        boolean checkpointFirst = (round + r) % 2 == 0;
        racers.add(() -> {
          try {
            if (checkpointFirst) {
              Weft.checkpoint();
            }
            return id;
          } finally {
            ended.incrementAndGet();
          }
        });
      }
      int winner = Runs.run(backend, () -> {
        int w = TaskGroup.raceSuccess(racers);
        if (ended.get() != RACERS) {
          notEnded.incrementAndGet();
        }
        return w;
      });
      if (winner < 0 || winner >= RACERS) {
        badWinner.incrementAndGet();
      } else {
        wins[winner]++;
      }
    }

    System.out.printf("TaskGroupRaceStressTest[%s] rounds=%d racers=%d wins per racer=%s"
        + " returned before every racer ended=%d bad winner=%d%n", backend.name(), ROUNDS, RACERS,
        java.util.Arrays.toString(wins), notEnded.get(), badWinner.get());
    assertEquals(0, notEnded.get());
    assertEquals(0, badWinner.get());
  }
}
