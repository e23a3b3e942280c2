package dev.weft.benchmarks;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.internal.core.Task;
import dev.weft.task.TaskGroup;
import dev.weft.time.Deadline;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;

/**
 * Bounded scale checks, not JMH benchmarks: one run holding a million sleeping tasks, each with its
 * own deadline (wall time and peak heap), and a hundred thousand scopes with deadlines that are
 * entered and left without firing (wall time, and the timer queue must be empty afterwards).
 *
 * <p>Argument: the number of sleeping tasks (default 1,000,000).
 */
public final class ScaleReport {

  private ScaleReport() {}

  public static void main(String[] args) throws Exception {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    System.out.printf(Locale.ROOT, "JDK %s; %d processors; max heap %d MiB%n", Runtime.version(),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    sleepingTasks(tasks);
    scopesThatDoNotFire(100_000);
  }

  /** Every task sleeps until its own deadline, spread over one second. */
  private static void sleepingTasks(int count) {
    System.gc();
    resetPeaks();
    long start = System.nanoTime();
    Weft.run(() -> {
      Random random = new Random(1);
      Deadline base = Deadline.now();
      TaskGroup.run(group -> {
        for (int i = 0; i < count; i++) {
          Deadline wake = base.plus(Duration.ofNanos(random.nextInt(1_000_000_000)));
          group.startSoon(() -> Weft.sleepUntil(wake));
        }
      });
      return null;
    });
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT,
        "%,d concurrent sleeping tasks with their own deadlines (spread over 1 s): %.2f s wall,"
            + " peak heap %d MiB, summed over heap pools (%.0f bytes per task)%n",
        count, seconds, peakHeap() >> 20, (double) peakHeap() / count);
  }

  /** Scopes with a deadline an hour away, entered and left; the timer queue must end empty. */
  private static void scopesThatDoNotFire(int count) throws ReflectiveOperationException {
    long start = System.nanoTime();
    int pending = Weft.run(() -> {
      for (int i = 0; i < count; i++) {
        CancelScope.withTimeout(Duration.ofHours(1)).run(() -> {});
      }
      return pendingTimers();
    });
    double ms = (System.nanoTime() - start) / 1e6;
    System.out.printf(Locale.ROOT,
        "%,d cancel scopes with deadlines entered and left without firing: %.1f ms wall;"
            + " timers left in the queue: %d%n", count, ms, pending);
    if (pending != 0) {
      throw new AssertionError(pending + " timers leaked");
    }
  }

  /** Counts the run's pending timers through the thread backend's clock. */
  private static int pendingTimers() throws ReflectiveOperationException {
    Object clock = Task.current().runner().clock();
    var method = clock.getClass().getDeclaredMethod("pendingTimers");
    method.setAccessible(true);
    return (int) method.invoke(clock);
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
