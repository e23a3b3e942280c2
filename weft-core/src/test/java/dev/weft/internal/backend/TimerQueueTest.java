package dev.weft.internal.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.internal.core.Task;
import dev.weft.spi.Backend;
import dev.weft.time.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import dev.weft.sync.Event;
import dev.weft.task.TaskGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Timers fire in deadline order (ties in insertion order), and cancelled timers leave no trace. */
class TimerQueueTest {

  /** The system clock belongs to the thread backends; the deterministic one has its own tests. */
  static List<Backend> threadBackends() {
    return List.of(Backend.virtualThreads(), Backend.platformThreads());
  }

  @Test
  void pollDue_returnsDueActionsInDeadlineThenInsertionOrder() {
    TimerQueue q = new TimerQueue();
    List<String> fired = new ArrayList<>();
    q.add(30, () -> fired.add("c"), e -> {});
    q.add(10, () -> fired.add("a1"), e -> {});
    q.add(20, () -> fired.add("b"), e -> {});
    q.add(10, () -> fired.add("a2"), e -> {});

    for (Runnable r; (r = q.pollDue(25)) != null; ) {
      r.run();
    }

    assertEquals(List.of("a1", "a2", "b"), fired);
    assertEquals(1, q.size());
    assertEquals(30, q.nextDeadline());
  }

  @Test
  void cancel_removesAnyEntry_andTheHeapStaysOrdered() {
    TimerQueue q = new TimerQueue();
    Random random = new Random(42);
    List<TimerQueue.Entry> entries = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      long deadline = random.nextInt(500);
      entries.add(q.add(deadline, () -> {}, e -> {}));
    }
    for (int i = 0; i < entries.size(); i += 2) {
      entries.get(i).cancel();
      entries.get(i).cancel(); // a second cancel does nothing
    }

    long last = Long.MIN_VALUE;
    int polled = 0;
    while (q.size() > 0) {
      long next = q.nextDeadline();
      assertEquals(true, next >= last, "deadlines come out in order");
      last = next;
      q.pollDue(Long.MAX_VALUE);
      polled++;
    }
    assertEquals(500, polled);
    assertNull(q.pollDue(Long.MAX_VALUE));
  }

  @Test
  void add_reportsANewEarliestEntryOnly() {
    TimerQueue q = new TimerQueue();
    List<Long> earliest = new ArrayList<>();

    q.add(50, () -> {}, e -> earliest.add(50L));
    q.add(70, () -> {}, e -> earliest.add(70L));
    q.add(10, () -> {}, e -> earliest.add(10L));

    assertEquals(List.of(50L, 10L), earliest);
  }

  @Test
  void add_wakesTheTimerThreadOnlyForATimerDueBeforeItWakesAnyway() {
    TimerQueue q = new TimerQueue();
    List<Long> wakes = new ArrayList<>();
    q.add(100, () -> {}, e -> wakes.add(100L));
    assertEquals(100, q.armWakeup()); // the thread sleeps until 100

    q.add(150, () -> {}, e -> wakes.add(150L));
    q.add(50, () -> {}, e -> wakes.add(50L));
    q.pollDue(0); // the thread is awake: it looks at the queue before it sleeps again
    q.add(10, () -> {}, e -> wakes.add(10L));

    assertEquals(List.of(100L, 50L), wakes);
    assertEquals(10, q.armWakeup());
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("threadBackends")
  void scopesWithDeadlinesThatDoNotFire_leaveNoTimerBehind(Backend backend) {
    int pending = Weft.run(backend, () -> {
      for (int i = 0; i < 10_000; i++) {
        CancelScope.withDeadline(Deadline.after(Duration.ofHours(1))).run(Weft::checkpoint);
      }
      return ((SystemClock) Task.current().runner().clock()).pendingTimers();
    });

    assertEquals(0, pending);
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("threadBackends")
  void sleepsThatEndOrAreCancelled_leaveNoTimerBehind(Backend backend) {
    int pending = Weft.run(backend, () -> {
      Weft.sleep(Duration.ofMillis(1));
      CancelScope scope = CancelScope.create();
      scope.run(() -> {
        scope.setDeadline(Deadline.after(Duration.ofMillis(1)));
        Weft.sleep(Duration.ofHours(1));
      });
      return ((SystemClock) Task.current().runner().clock()).pendingTimers();
    });

    assertEquals(0, pending);
  }

  /**
   * The timer thread sleeps until a far deadline (the only pending timer is an hour away); near
   * timers scheduled afterwards by tasks on other threads (so, in the clock's other shards) must
   * wake it. If a shard's wake-up were lost, a sleeper would sleep for the hour and the hang guard
   * would report it.
   */
  @ParameterizedTest(name = "[{0}]")
  @MethodSource("threadBackends")
  void nearTimersFromEveryShard_wakeATimerThreadSleepingForAFarOne(Backend backend) {
    int sleepers = 4 * Runtime.getRuntime().availableProcessors();
    AtomicInteger woken = new AtomicInteger();

    Weft.run(backend, () -> {
      Event farArmed = new Event();
      TaskGroup.run(outer -> {
        outer.startSoon(() -> CancelScope.withTimeout(Duration.ofHours(1)).run(() -> {
          farArmed.set();
          Weft.sleepForever();
        }));
        farArmed.await();
        TaskGroup.run(group -> {
          for (int i = 0; i < sleepers; i++) {
            group.startSoon(() -> {
              Weft.sleep(Duration.ofMillis(1));
              woken.incrementAndGet();
            });
          }
        });
        outer.cancelScope().cancel();
      });
      return null;
    });

    assertEquals(sleepers, woken.get());
  }
}
