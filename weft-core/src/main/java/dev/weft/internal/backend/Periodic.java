package dev.weft.internal.backend;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs light periodic checks (the deadlock watchdog's, semantics O5) on one daemon thread shared by
 * the whole JVM, started on first use. A check must be short and must not block.
 */
public final class Periodic {

  private Periodic() {}

  private static final class Holder {
    static final ScheduledThreadPoolExecutor EXECUTOR = executor();

    private static ScheduledThreadPoolExecutor executor() {
      ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1,
          r -> Thread.ofPlatform().name("weft-watchdog").daemon(true).unstarted(r));
      e.setRemoveOnCancelPolicy(true);
      return e;
    }
  }

  /** Runs {@code check} every {@code period} until the returned handle is closed. */
  public static AutoCloseable every(Duration period, Runnable check) {
    long nanos = period.toNanos();
    ScheduledFuture<?> f = Holder.EXECUTOR.scheduleWithFixedDelay(() -> {
      try {
        check.run();
      } catch (Throwable t) { // a failing check must not end the others' schedule
        System.getLogger("dev.weft").log(System.Logger.Level.DEBUG, "a periodic check failed", t);
      }
    }, nanos, nanos, TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }
}
