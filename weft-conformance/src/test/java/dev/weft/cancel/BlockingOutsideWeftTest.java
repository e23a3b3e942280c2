package dev.weft.cancel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.sync.Event;
import dev.weft.task.TaskGroup;
import dev.weft.task.TaskGroupException;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A cancelled task blocked in a JDK call is woken by an interrupt, a shielded one never is, and
 * Weft leaves no interrupt of its own behind once the cancellation was handled. {@code
 * Thread.sleep} here is the JDK call under test (an hour long, so that only the interrupt can end
 * it), never a wait for ordering; ordering comes from events.
 */
class BlockingOutsideWeftTest {

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM) // blocks outside Weft
  void cancelledTask_blockedInThreadSleep_isWokenAndItsScopeCatches(Backend backend) {
    CancelScope scope = CancelScope.create();
    Event entered = new Event();
    AtomicBoolean interruptedAfterwards = new AtomicBoolean(true);

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("sleeper", () -> {
        scope.run(() -> {
          entered.set();
          Thread.sleep(Duration.ofHours(1));
        });
        interruptedAfterwards.set(Thread.currentThread().isInterrupted());
      });
      entered.await();
      scope.cancel();
    }));

    assertTrue(scope.cancelledCaught());
    assertFalse(interruptedAfterwards.get(), "Weft left its interrupt set after the scope caught");
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM) // blocks outside Weft
  void cancelledTask_blockedInBlockingQueueTake_isWoken(Backend backend) {
    BlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
    Event entered = new Event();

    CancelScope scope = Runs.run(backend, () -> {
      CancelScope s = CancelScope.create();
      TaskGroup.run(group -> {
        group.startSoon("taker", () -> s.run(() -> {
          entered.set();
          queue.take();
        }));
        entered.await();
        s.cancel();
      });
      return s;
    });

    assertTrue(scope.cancelledCaught());
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM) // blocks outside Weft
  void shieldedTask_blockedInJdkCall_isNotInterruptedByOuterCancellation(Backend backend) {
    CancelScope outer = CancelScope.create();
    BlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
    Event blocking = new Event();
    AtomicReference<String> taken = new AtomicReference<>();
    List<String> events = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("shielded", () -> outer.run(() -> {
        CancelScope.shielded().run(() -> {
          blocking.set();
          taken.set(queue.take());
        });
        events.add("shield left");
        Weft.checkpoint();
        events.add("unreachable");
      }));
      blocking.await();
      outer.cancel();
      queue.put("item");
    }));

    assertEquals("item", taken.get());
    assertEquals(List.of("shield left"), events);
    assertTrue(outer.cancelledCaught());
  }

  @WeftTest
  void whileEffectivelyCancelled_interruptStatusIsSet_andClearedWhenShielded(Backend backend) {
    List<Boolean> states = Runs.run(backend, () -> {
      CancelScope scope = CancelScope.create();
      List<Boolean> seen = new ArrayList<>();
      scope.run(() -> {
        scope.cancel();
        seen.add(Thread.currentThread().isInterrupted());
        CancelScope.shielded().run(() -> seen.add(Thread.currentThread().isInterrupted()));
      });
      seen.add(Thread.currentThread().isInterrupted());
      return seen;
    });

    assertEquals(List.of(true, false, false), states);
  }

  @WeftTest
  void foreignInterrupt_isNotACancellation_andStaysSet(Backend backend) {
    List<Boolean> states = Runs.run(backend, () -> {
      Thread.currentThread().interrupt();
      Weft.sleep(Duration.ofMillis(5));
      Weft.checkpoint();
      boolean stillSet = Thread.interrupted();
      return List.of(stillSet);
    });

    assertEquals(List.of(true), states);
  }

  @WeftTest
  void interruptedExceptionWithoutCancellation_isAFailureOfTheTask(Backend backend) {
    TaskGroupException e = assertThrows(TaskGroupException.class, () ->
        Runs.exec(backend, () -> TaskGroup.run(group -> group.startSoon(() -> {
          Thread.currentThread().interrupt();
          Thread.sleep(Duration.ofHours(1));
        }))));

    assertInstanceOf(InterruptedException.class, e.failures().get(0));
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM) // blocks outside Weft
  void cancelledChild_blockedInJdkCall_endsWithTheCancellationNotAFailure(Backend backend) {
    Event blocked = new Event();
    AtomicReference<Throwable> escaped = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("sleeper", () -> {
        try {
          blocked.set();
          Thread.sleep(Duration.ofHours(1));
        } catch (InterruptedException e) {
          escaped.set(e);
          throw e;
        }
      });
      blocked.await();
      group.cancelScope().cancel();
    }));

    assertInstanceOf(InterruptedException.class, escaped.get());
  }

  @WeftTest
  void scopeCatchingItsCancellation_leavesNoWeftInterruptBehind(Backend backend) {
    boolean interrupted = Runs.run(backend, () -> {
      CancelScope scope = CancelScope.create();
      scope.run(() -> {
        scope.cancel();
        Weft.checkpoint();
      });
      return Thread.currentThread().isInterrupted();
    });

    assertFalse(interrupted);
  }

  @WeftTest
  void leavingAShieldInsideACancelledScope_setsWeftsInterruptAgain(Backend backend) {
    List<Boolean> states = Runs.run(backend, () -> {
      CancelScope scope = CancelScope.create();
      List<Boolean> seen = new ArrayList<>();
      scope.run(() -> {
        scope.cancel();
        CancelScope.shielded().run(() -> seen.add(Thread.currentThread().isInterrupted()));
        seen.add(Thread.currentThread().isInterrupted());
      });
      return seen;
    });

    assertEquals(List.of(false, true), states);
  }

  @WeftTest
  void jdkCallAfterAShield_inACancelledScope_isWokenAndTheScopeCatches(Backend backend)
      throws InterruptedException {
    CancelScope scope = Runs.run(backend, () -> {
      CancelScope s = CancelScope.create();
      s.run(() -> {
        s.cancel();
        CancelScope.shielded().run(() -> {}); // cleanup done, the task goes on cancelled
        Thread.sleep(Duration.ofHours(1)); // must be interrupted at once
      });
      return s;
    });

    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void foreignInterrupt_survivesAScopeThatCatchesItsCancellation(Backend backend) {
    boolean stillSet = Runs.run(backend, () -> {
      Thread.currentThread().interrupt(); // not Weft's
      CancelScope scope = CancelScope.create();
      scope.run(() -> {
        scope.cancel();
        Weft.checkpoint();
      });
      return Thread.interrupted();
    });

    assertTrue(stillSet, "Weft cleared an interrupt it did not send");
  }
}
