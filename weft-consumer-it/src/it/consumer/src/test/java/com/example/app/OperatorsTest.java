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

    dev.weft.sync.Lock db = new dev.weft.sync.Lock().named("db");
    String text = TaskDump.capture().toString();

    assertTrue(text.contains(me), text);
    assertTrue(db.toString().startsWith("Lock 'db'@"), db.toString());
    assertTrue(TaskDump.capture().toJson().startsWith("{\"runs\":["));
  }

  @org.junit.jupiter.api.Test
  void aWatchedRunThatEnds_isNeverReported() {
    dev.weft.spi.Backend watched = dev.weft.spi.Backend.virtualThreads()
        .withDeadlockWatchdog(java.time.Duration.ofSeconds(30));

    assertTrue(dev.weft.Weft.run(watched, () -> true));
  }
}
