package dev.weft;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.cancel.CancelScope;
import dev.weft.spi.Backend;
import dev.weft.task.TaskGroup;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import dev.weft.time.Timeouts;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

class SmokeTest {

  @WeftTest
  void groupRunsChildrenAndTimeoutCancels(Backend backend) {
    AtomicInteger done = new AtomicInteger();
    Runs.exec(
        backend,
        () -> {
          TaskGroup.run(
              g -> {
                for (int i = 0; i < 10; i++) {
                  g.startSoon(done::incrementAndGet);
                }
              });
          CancelScope s = Timeouts.moveOnAfter(Duration.ofMillis(20), Weft::sleepForever);
          assertTrue(s.cancelledCaught());
        });
    assertEquals(10, done.get());
  }
}
