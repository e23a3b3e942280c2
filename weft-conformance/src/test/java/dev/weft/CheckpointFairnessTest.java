package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.sync.Event;
import dev.weft.task.TaskGroup;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A task that loops on checkpoints does not starve its siblings (K3): once it has run for a time
 * slice, its next checkpoint lets other tasks have its thread. Without that, tasks spinning on
 * every carrier of the virtual-thread scheduler kept the task that was to cancel them from ever
 * running again (a hang, which the hang guard reports).
 */
class CheckpointFairnessTest {

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void tasksSpinningOnCheckpointsOnEveryProcessor_stillLetTheirCancellerRun(Backend backend) {
    int spinners = 2 * Runtime.getRuntime().availableProcessors();
    AtomicInteger spinning = new AtomicInteger();
    AtomicInteger cancelled = new AtomicInteger();
    Event allSpinning = new Event();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      for (int i = 0; i < spinners; i++) {
        group.startSoon(() -> {
          if (spinning.incrementAndGet() == spinners) {
            allSpinning.set();
          }
          try {
            while (true) {
              Weft.checkpoint();
            }
          } finally {
            cancelled.incrementAndGet();
          }
        });
      }
      allSpinning.await(); // this task parks; it needs a thread back to cancel the spinners
      group.cancelScope().cancel();
    }));

    assertEquals(spinners, cancelled.get());
    assertTrue(spinners >= 2);
  }
}
