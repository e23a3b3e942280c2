package dev.weft.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.cancel.CancelledException;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.sync.Event;
import dev.weft.task.TaskFailedException;
import dev.weft.task.TaskGroup;
import dev.weft.task.TaskGroupException;
import dev.weft.task.TaskHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ordering promises of task handles (G10) on real threads, where the ending task, the joiner
 * and a canceller run at once. Thread backends only: on the deterministic backend one task runs at
 * a time, so these windows cannot open (TaskHandleTest covers it). Bounded ({@code
 * weft.stress.handles.rounds}, default 2,000 rounds per check and backend); prints what it checked.
 * With the handle told of the end before the group recorded the failure, the first check failed
 * (the joiner got TaskFailedException, and the group reported two failures).
 */
class TaskHandleStressTest {

  private static final int ROUNDS = Integer.getInteger("weft.stress.handles.rounds", 2_000);

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void failedTask_joinInsideTheGroup_alwaysThrowsTheJoinersCancellation(Backend backend) {
    AtomicInteger joinerCancelled = new AtomicInteger();
    AtomicInteger oneFailure = new AtomicInteger();
    IllegalStateException boom = new IllegalStateException("boom");

    for (int round = 0; round < ROUNDS; round++) {
      try {
        Runs.exec(backend, () -> TaskGroup.run(g -> {
          TaskHandle<Integer> h = g.fork(() -> {
            throw boom;
          });
          try {
            h.join();
          } catch (CancelledException e) {
            joinerCancelled.incrementAndGet();
            throw e;
          }
        }));
      } catch (TaskGroupException e) {
        if (e.failures().size() == 1 && e.failures().get(0) == boom) {
          oneFailure.incrementAndGet();
        }
      }
    }

    System.out.printf("TaskHandleStressTest[%s] failed task joined in its group: rounds=%d"
        + " joiner cancelled=%d one failure reported=%d%n", backend.name(), ROUNDS,
        joinerCancelled.get(), oneFailure.get());
    assertEquals(ROUNDS, joinerCancelled.get());
    assertEquals(ROUNDS, oneFailure.get());
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void cancelRacingTheTasksReturn_stateAndJoinAgree(Backend backend) {
    AtomicInteger succeeded = new AtomicInteger();
    AtomicInteger cancelled = new AtomicInteger();
    AtomicInteger disagreed = new AtomicInteger();

    for (int round = 0; round < ROUNDS; round++) {
      Runs.exec(backend, () -> TaskGroup.run(g -> {
        Event go = new Event();
        TaskHandle<Integer> h = g.fork(() -> {
          go.await();
          dev.weft.Weft.checkpoint(); // where a cancellation that came first lands
          return 1;
        });
        g.startSoon(h::cancel);
        go.set();
        try {
          int value = h.join();
          if (value == 1 && h.state() == Future.State.SUCCESS && h.resultNow() == 1) {
            succeeded.incrementAndGet();
          } else {
            disagreed.incrementAndGet();
          }
        } catch (CancellationException e) {
          if (h.state() == Future.State.CANCELLED) {
            cancelled.incrementAndGet();
          } else {
            disagreed.incrementAndGet();
          }
        } catch (TaskFailedException e) {
          disagreed.incrementAndGet();
        }
      }));
    }

    System.out.printf("TaskHandleStressTest[%s] cancel racing return: rounds=%d succeeded=%d"
        + " cancelled=%d disagreed=%d%n", backend.name(), ROUNDS, succeeded.get(),
        cancelled.get(), disagreed.get());
    assertEquals(0, disagreed.get());
    assertEquals(ROUNDS, succeeded.get() + cancelled.get());
  }
}
