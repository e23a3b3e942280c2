package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.spi.Backend;
import dev.weft.task.TaskGroup;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import static dev.weft.testing.Until.until;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** An event wakes every waiter once set, stays set, and its wait is a cancellable checkpoint. */
class EventTest {

  @WeftTest
  void set_wakesEveryWaiter_andStaysSet(Backend backend) {
    Event event = new Event();
    List<String> woken = new ArrayList<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      for (int i = 0; i < 3; i++) {
        String name = "waiter-" + i;
        group.startSoon(name, () -> {
          event.await();
          synchronized (woken) {
            woken.add(name);
          }
        });
      }
      event.set();
      event.set();
    }));

    assertEquals(3, woken.size());
    assertTrue(event.isSet());
    assertEquals(new Event.Statistics(true, 0), event.statistics());
  }

  @WeftTest
  void awaitOnSetEvent_inCancelledScope_throwsBecauseItIsACheckpoint(Backend backend) {
    Event event = new Event();
    event.set();
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel();
      event.await();
    }));

    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void cancelledWaiter_leavesTheQueue(Backend backend) {
    Event event = new Event();
    Event waiting = new Event();
    CancelScope scope = CancelScope.create();

    Event.Statistics after = Runs.run(backend, () -> {
      TaskGroup.run(group -> {
        group.startSoon(() -> scope.run(() -> {
          waiting.set();
          event.await();
        }));
        waiting.await();
        scope.cancel();
      });
      return event.statistics();
    });

    assertEquals(new Event.Statistics(false, 0), after);
    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void waiterWokenBySet_returnsNormally_evenIfCancelledRightAfter(Backend backend) {
    Event event = new Event();
    Event cancelled = new Event();
    CancelScope scope = CancelScope.create();
    AtomicReference<String> result = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon(() -> scope.run(() -> {
        event.await();
        result.set("returned");
        CancelScope.shielded().run(cancelled::await);
        try {
          Weft.checkpoint();
        } catch (CancelledException e) {
          result.set(result.get() + ", then cancelled at the next checkpoint");
          throw e;
        }
      }));
      until(() -> event.statistics().tasksWaiting() == 1);
      event.set();
      scope.cancel();
      cancelled.set();
    }));

    assertEquals("returned, then cancelled at the next checkpoint", result.get());
  }

  @WeftTest
  void threadOutsideWeft_waitsForATaskToSetIt(Backend backend) throws InterruptedException {
    Event event = new Event();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread plain = Thread.ofPlatform().start(() -> {
      try {
        event.await();
      } catch (Throwable t) {
        failure.set(t);
      }
    });

    Runs.exec(backend, event::set);
    plain.join();

    assertNull(failure.get());
  }

  @WeftTest
  void threadOutsideWeft_interruptedWhileWaiting_getsCancelledAndKeepsTheInterrupt(
      Backend backend) throws InterruptedException {
    Event event = new Event();
    List<Object> seen = new ArrayList<>();
    Thread plain = Thread.ofPlatform().start(() -> {
      try {
        event.await();
        seen.add("returned");
      } catch (CancelledException e) {
        seen.add(e.scope());
        seen.add(Thread.currentThread().isInterrupted());
      }
    });
    until(() -> event.statistics().tasksWaiting() == 1);

    plain.interrupt();
    plain.join();

    assertNull(seen.get(0));
    assertEquals(true, seen.get(1));
    assertFalse(event.isSet());
  }
}
