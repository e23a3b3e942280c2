package dev.weft.task;

import static dev.weft.testing.Outcomes.thrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.deterministic.DeterministicBackend;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.sync.Event;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The deadlock watchdog of the thread backends (semantics O5): reported once, never killed. */
class DeadlockWatchdogTest {

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void stuckRun_isReportedOnce_andAThreadOutsideCanStillWakeIt(Backend backend) throws Exception {
    String tag = "stuck-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> reports = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> firstReport = new CompletableFuture<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getMessage() != null && r.getMessage().contains(tag)) {
          reports.add(r.getLevel() + " " + r.getMessage());
          firstReport.complete(null);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger weft = Logger.getLogger("dev.weft");
    weft.addHandler(handler);
    Event never = new Event();
    try {
      Thread waker = Thread.ofPlatform().start(() -> {
        firstReport.join(); // reported, and still alive: a thread outside the run wakes it
        never.set();
      });
      Weft.run(backend.withDeadlockWatchdog(Duration.ofMillis(50)), () -> {
        TaskGroup.run(group -> group.startSoon(tag, never::await));
        return null;
      });
      waker.join();
    } finally {
      weft.removeHandler(handler);
    }

    assertEquals(1, reports.size(), reports.toString());
    String report = reports.get(0);
    assertTrue(report.startsWith("WARNING Weft run #"), report);
    assertTrue(report.contains("looks deadlocked"), report);
    assertTrue(report.contains("task '" + tag + "'"), report);
    assertTrue(report.contains("await Event@"), report);
    assertTrue(report.contains("join task group"), report);
  }

  @Test
  void badInput_isRejectedNamingIt() {
    assertEquals("delay", assertInstanceOf(NullPointerException.class,
        thrownBy(() -> Backend.virtualThreads().withDeadlockWatchdog(null))).getMessage());
    assertTrue(assertInstanceOf(IllegalArgumentException.class,
        thrownBy(() -> Backend.virtualThreads().withDeadlockWatchdog(Duration.ZERO)))
        .getMessage().startsWith("delay must be positive"));
    assertTrue(assertInstanceOf(IllegalArgumentException.class,
        thrownBy(() -> DeterministicBackend.withSeed(1).withDeadlockWatchdog(Duration.ofSeconds(1))))
        .getMessage().contains("reports a deadlock itself"));
  }
}
