package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The examples run to completion and print what the README says they print. */
class ExamplesSmokeTest {

  @Test
  void demo_showsTheDeadlineCancellingTheSubtree_andShieldedCleanupFinishing() {
    String out = capture(() -> Demo.main(new String[0]));

    assertTrue(out.contains("== Part 2: the scenario that deadlocked AnyIO 4.4.0"), out);
    assertTrue(out.contains("quick      done"), out);
    assertTrue(out.contains("slow-1     cancelled (the deadline passed)"), out);
    assertTrue(out.contains("slow-2     cleanup finished"), out);
    assertTrue(out.contains("deadline passed: true"), out);
    assertTrue(out.contains("echo: slow line"), out);
    assertTrue(out.contains("no task is left running"), out);
    assertTrue(out.contains("[virtual ] shielded consumer received [working, goodbye]"), out);
    assertTrue(out.contains("[platform] shielded consumer received [working, goodbye]"), out);
    assertTrue(out.contains("[deterministic seed=42] shielded consumer received [working, goodbye]"),
        out);
    assertTrue(out.contains("a one-hour timeout fired after PT1H of virtual time"), out);
    assertTrue(out.contains("[deterministic] instead of hanging: deadlock"), out);
    assertTrue(out.contains("task 'ping'"), out);
    assertTrue(out.contains("receive from memory stream"), out);
    assertTrue(out.contains("[http] GET /hello -> hello from task"), out);
    assertTrue(out.contains("[http] GET /slow  -> gave up at its 100 ms deadline"), out);
    assertTrue(out.matches("(?s).*\\[workers\\] squares of 1\\.\\.8 on worker threads: sum 204,"
        + " at most [12] at once.*"), out);
  }

  @Test
  void readmeExample_timesOut() {
    String out = capture(() -> ReadmeExample.main(new String[0]));

    assertTrue(out.contains("a fetched"), out);
    assertTrue(out.contains("timed out: true"), out);
  }

  @Test
  void echoExample_aDeadlineWhileALineComes_losesNoByte() {
    String out = capture(() -> {
      try {
        EchoExample.main(new String[0]);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    assertTrue(out.contains("echo: hello"), out);
    assertTrue(out.contains("(still there?)"), out);
    assertTrue(out.contains("echo: slow line"), out);
  }

  private static String capture(Runnable program) {
    PrintStream original = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      program.run();
    } finally {
      System.setOut(original);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
