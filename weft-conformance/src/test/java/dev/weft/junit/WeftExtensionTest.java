package dev.weft.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.task.TaskInfo;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * {@link WeftTest} runs a test once per backend, names each run after its backend and seed,
 * selects backends by the features the test requires, runs parameterless tests inside a Weft run,
 * and tells how to replay a failing deterministic run.
 */
class WeftExtensionTest {

  private static Events run(String method) {
    return run(method, "virtual,platform,deterministic");
  }

  private static Events run(String method, String backends) {
    boolean takesBackend = java.util.Arrays.stream(SampleTests.class.getDeclaredMethods())
        .anyMatch(m -> m.getName().equals(method) && m.getParameterCount() == 1);
    return EngineTestKit.engine("junit-jupiter")
        // Pinned, so that -Dweft.backends or -Dweft.seeds given to the whole build do not change
        // what these tests expect.
        .configurationParameter("weft.backends", backends)
        .configurationParameter("weft.seeds", "3")
        .configurationParameter("weft.seed.base", "1")
        .selectors(takesBackend
            ? selectMethod(SampleTests.class, method, Backend.class.getName())
            : selectMethod(SampleTests.class, method))
        .execute()
        .testEvents();
  }

  private static List<String> names(Events events) {
    return events.started().stream().map(e -> e.getTestDescriptor().getDisplayName()).toList();
  }

  @Test
  void everyBackendRunsTheTest_eachNamedAfterItsBackendAndSeed() {
    Events events = run("takesTheBackend");

    assertEquals(List.of("[virtual]", "[platform]",
        "[deterministic seed=1]", "[deterministic seed=2]",
        "[deterministic seed=3]"), names(events));
    assertEquals(5, events.succeeded().count());
  }

  @Test
  void requiredFeature_selectsOnlyTheBackendsThatHaveIt() {
    assertEquals(List.of("[deterministic seed=1]",
        "[deterministic seed=2]", "[deterministic seed=3]"),
        names(run("needsVirtualTime")));
    assertEquals(List.of("[virtual]", "[platform]"),
        names(run("needsRealParallelism")));
  }

  @Test
  void noConfiguredBackendHasTheRequiredFeature_theTestIsSkippedSayingWhy() {
    Events events = run("needsVirtualTime", "virtual,platform");

    assertEquals(0, events.started().count());
    assertEquals(1, events.skipped().count());
    String reason = events.skipped().list().get(0)
        .getPayload(String.class).orElseThrow();
    assertTrue(reason.contains("VIRTUAL_TIME"), reason);
  }

  @Test
  void parameterlessTest_runsInsideAWeftRun() {
    Events events = run("runsInsideARun");

    assertEquals(5, events.succeeded().count());
  }

  @Test
  void seedAttribute_replaysExactlyThatDeterministicRun() {
    assertEquals(List.of("[deterministic seed=42]"), names(run("replaysSeed42")));
  }

  @Test
  void failingDeterministicRun_saysHowToReplayIt() {
    Events events = run("failsEverywhere");

    List<Event> failures = events.failed().list();
    assertEquals(5, failures.size());
    Throwable thrown = failures.get(2).getPayload(TestExecutionResult.class)
        .flatMap(TestExecutionResult::getThrowable).orElseThrow();
    String replay = thrown.getSuppressed()[0].getMessage();
    assertTrue(replay.contains("-Dweft.seed=1 -Dtest=SampleTests#failsEverywhere"), replay);
    Throwable onVirtual = failures.get(0).getPayload(TestExecutionResult.class)
        .flatMap(TestExecutionResult::getThrowable).orElseThrow();
    assertEquals(0, onVirtual.getSuppressed().length, "no replay hint for thread backends");
  }

  /** Samples for the engine kit; surefire does not pick them up (no Test suffix). */
  static class SampleTests {
    @WeftTest
    void takesTheBackend(Backend backend) {
      assertTrue(backend != null);
    }

    @WeftTest(requires = BackendFeature.VIRTUAL_TIME)
    void needsVirtualTime(Backend backend) {}

    @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
    void needsRealParallelism(Backend backend) {}

    @WeftTest
    void runsInsideARun() {
      assertEquals("main", TaskInfo.current().name());
    }

    @WeftTest(seed = 42)
    void replaysSeed42(Backend backend) {}

    @WeftTest
    void failsEverywhere() {
      throw new AssertionError("always");
    }
  }
}
