package dev.weft.cancel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What {@code catch} blocks see of a cancellation (semantics C16, C17; ADR 0008): ordinary
 * exception handlers let it pass, and a handler that swallows it again and again is reported.
 */
class CancellationTypeTest {

  /** How long the loops below may go on before the test ends them itself. */
  private static final int BOUND = 100_000;

  /** After this many swallowed cancellations of one scope, a task is reported (C17). */
  private static final int REPORTED_AFTER = 10_000;

  @WeftTest
  void logAndContinueLoop_catchingException_endsAtTheFirstCancellation(Backend backend) {
    int[] passes = {0};
    List<Exception> logged = new CopyOnWriteArrayList<>();

    CancelScope scope = CancelScope.create();
    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel("shutting down");
      while (passes[0] < BOUND) {
        passes[0]++;
        try {
          Weft.checkpoint(); // stands for rx.receive(): any checkpoint
        } catch (Exception e) {
          logged.add(e); // "log and continue"
        }
      }
    }));

    assertEquals(1, passes[0], "the first cancellation left the loop");
    assertTrue(logged.isEmpty(), "catch (Exception e) saw " + logged.size() + " cancellations");
    assertTrue(scope.cancelledCaught(), "the scope caught it");
  }

  @WeftTest
  void catchingRuntimeException_letsTheCancellationReachItsScope(Backend backend) {
    boolean[] caughtAsRuntimeException = {false};

    CancelScope scope = CancelScope.create();
    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel();
      try {
        Weft.sleepForever();
      } catch (RuntimeException e) {
        caughtAsRuntimeException[0] = true;
      }
    }));

    assertFalse(caughtAsRuntimeException[0]);
    assertTrue(scope.cancelledCaught());
    assertTrue(Error.class.isAssignableFrom(CancelledException.class));
  }

  @WeftTest
  void catchThrowableLoop_isReportedOnce_andStaysCancelled(Backend backend) {
    int[] caught = {0};
    List<String> reports = captureWarnings(() -> {
      CancelScope scope = CancelScope.create();
      Runs.exec(backend, () -> scope.run(() -> {
        scope.cancel("shutting down");
        for (int i = 0; i < REPORTED_AFTER + 100; i++) {
          try {
            Weft.checkpoint();
          } catch (Throwable t) {
            caught[0]++; // swallowed: the mistake C17 reports
          }
        }
      }));
    });

    assertEquals(REPORTED_AFTER + 100, caught[0], "every checkpoint still threw (C7)");
    assertEquals(1, reports.size(), reports.toString());
    String report = reports.get(0);
    assertTrue(report.contains("task 'main'"), report);
    assertTrue(report.contains("10000 cancellations"), report);
    assertTrue(report.contains("CancelScope@"), report);
  }

  @WeftTest
  void aFewCaughtCancellations_areNotReported(Backend backend) {
    List<String> reports = captureWarnings(() -> {
      CancelScope scope = CancelScope.create();
      Runs.exec(backend, () -> scope.run(() -> {
        scope.cancel();
        for (int i = 0; i < REPORTED_AFTER - 1; i++) {
          try {
            Weft.checkpoint();
          } catch (CancelledException e) {
            // a cleanup that meets its cancellation on the way out, many times: still fine
          }
        }
      }));
    });

    assertTrue(reports.isEmpty(), reports.toString());
  }

  /** Runs {@code body} and returns the WARNING records of logger {@code dev.weft} it caused. */
  private static List<String> captureWarnings(Runnable body) {
    List<String> reports = new CopyOnWriteArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getMessage() != null && r.getMessage().contains("cancellations")) {
          reports.add(r.getLevel() + " " + r.getMessage());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger weft = Logger.getLogger("dev.weft");
    weft.addHandler(handler);
    try {
      body.run();
    } finally {
      weft.removeHandler(handler);
    }
    return reports;
  }
}
