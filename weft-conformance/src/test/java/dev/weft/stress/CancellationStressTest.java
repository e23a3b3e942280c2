package dev.weft.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.spi.Backend;
import dev.weft.sync.Event;
import dev.weft.task.TaskGroup;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounded stress: many tasks park in their own scopes, which are cancelled either at once or by
 * another task at a random moment, while shielded tasks wait for an event that comes only after
 * all of them. Every cancelled task must wake (a lost wake-up hangs the run) and every shielded
 * task must survive. Prints what it checked and the seed of its random choices (the choices
 * replay; the threads' timing does not). {@code -Dweft.stress.rounds=N} runs longer.
 */
class CancellationStressTest {

  private static final int ROUNDS = Integer.getInteger("weft.stress.rounds", 200);
  private static final int TASKS = 16;

  @WeftTest
  void parkedTasks_alwaysWakeWhenCancelled_neverThroughAShield(Backend backend) {
    long seed = Long.getLong("weft.stress.seed", System.nanoTime());
    Random random = new Random(seed);
    AtomicInteger cancelled = new AtomicInteger();
    AtomicInteger shieldedSurvived = new AtomicInteger();

    Runs.exec(backend, () -> {
      for (int round = 0; round < ROUNDS; round++) {
        boolean[] shielded = new boolean[TASKS];
        for (int i = 0; i < TASKS; i++) {
          shielded[i] = random.nextInt(4) == 0;
        }
        Event release = new Event();
        TaskGroup.run(group -> {
          for (int i = 0; i < TASKS; i++) {
            boolean shield = shielded[i];
            CancelScope own = CancelScope.create();
            group.startSoon(() -> {
              if (shield) {
                CancelScope.shielded().run(release::await);
                shieldedSurvived.incrementAndGet();
              } else {
                own.run(Weft::sleepForever);
                if (own.cancelledCaught()) {
                  cancelled.incrementAndGet();
                }
              }
            });
            if (!shield && random.nextBoolean()) {
              group.startSoon(own::cancel);
            } else if (!shield) {
              own.cancel();
            }
          }
          group.startSoon(release::set);
        });
      }
    });

    System.out.printf(
        "CancellationStressTest[%s]: seed=%d rounds=%d tasks=%d cancelled=%d shielded=%d%n",
        backend.name(), seed, ROUNDS, ROUNDS * TASKS, cancelled.get(), shieldedSurvived.get());
    assertEquals(ROUNDS * TASKS, cancelled.get() + shieldedSurvived.get());
  }
}
