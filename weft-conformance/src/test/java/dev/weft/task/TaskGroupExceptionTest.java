package dev.weft.task;

import static dev.weft.testing.Outcomes.thrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;

/** A task group's exception keeps every failure but its message stays short (G3). */
class TaskGroupExceptionTest {

  @WeftTest
  void thousandFailures_areAllKept_butTheMessageListsTenAndSaysHowManyMore(Backend backend) {
    int children = 1_000;

    Throwable thrown = thrownBy(() -> Runs.exec(backend, () -> TaskGroup.run(g -> {
      for (int i = 0; i < children; i++) {
        String name = "child " + i;
        g.startSoon(() -> {
          throw new IllegalStateException(name);
        });
      }
    })));

    TaskGroupException group = assertInstanceOf(TaskGroupException.class, thrown);
    assertEquals(children, group.failures().size());
    assertTrue(group.getMessage().startsWith("1000 failures in a task group: "),
        group.getMessage());
    assertTrue(group.getMessage().endsWith("; and 990 more (see failures())"), group.getMessage());
    assertEquals(10, group.getMessage().split("IllegalStateException").length - 1);
  }
}
