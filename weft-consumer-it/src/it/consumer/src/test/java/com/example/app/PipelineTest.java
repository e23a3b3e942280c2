package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.time.Timeouts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;

/** What a user of weft-junit writes; checks that each test ran on every backend. */
class PipelineTest {

  private static final List<String> BACKENDS_SEEN = new CopyOnWriteArrayList<>();

  @WeftTest
  void everyItemArrivesOnce(Backend backend) {
    BACKENDS_SEEN.add(backend.name());
    long sum = Weft.run(backend, () -> Pipeline.sumThroughAStream(1_000));
    assertEquals(500_500, sum);
  }

  @WeftTest
  void runsInsideAWeftRun() {
    assertEquals(5_050, Pipeline.sumThroughAStream(100));
  }

  @WeftTest(requires = BackendFeature.VIRTUAL_TIME)
  void anHourLongSleep_isCutShortByATimeoutOnTheVirtualClock() {
    CancelScope scope = Timeouts.moveOnAfter(Duration.ofSeconds(5),
        () -> Weft.sleep(Duration.ofHours(1)));
    assertTrue(scope.cancelledCaught());
  }

  @AfterAll
  static void everyBackendRan() {
    assertEquals(List.of("virtual", "platform", "deterministic seed=1", "deterministic seed=2",
        "deterministic seed=3"), BACKENDS_SEEN);
  }
}
