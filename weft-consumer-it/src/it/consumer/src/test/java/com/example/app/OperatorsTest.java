package com.example.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.junit.WeftTest;
import dev.weft.task.TaskDump;
import dev.weft.task.TaskInfo;

/** What an operator sees of a user's program: the task dump. */
class OperatorsTest {

  @WeftTest
  void theTaskDump_showsThisTask() {
    String me = "task '" + TaskInfo.current().name() + "'";

    String text = TaskDump.capture().toString();

    assertTrue(text.contains(me), text);
    assertTrue(TaskDump.capture().toJson().startsWith("{\"runs\":["));
  }

  @org.junit.jupiter.api.Test
  void aWatchedRunThatEnds_isNeverReported() {
    dev.weft.spi.Backend watched = dev.weft.spi.Backend.virtualThreads()
        .withDeadlockWatchdog(java.time.Duration.ofSeconds(30));

    assertTrue(dev.weft.Weft.run(watched, () -> true));
  }
}
