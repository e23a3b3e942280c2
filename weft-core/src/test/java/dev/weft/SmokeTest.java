package dev.weft;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.cancel.CancelScope;
import dev.weft.spi.Backend;
import dev.weft.task.TaskGroup;
import dev.weft.testing.BackendTest;
import dev.weft.testing.Harness;
import dev.weft.time.Timeouts;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

class SmokeTest {

  @BackendTest
  void groupRunsChildrenAndTimeoutCancels(Backend backend) {
    AtomicInteger done = new AtomicInteger();
    Harness.exec(
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
