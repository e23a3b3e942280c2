package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.BlockingPortal;
import dev.weft.Futures;
import dev.weft.Weft;
import dev.weft.Workers;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The bridges to other threads, as a user's module reaches them. */
class BridgesTest {

  @WeftTest
  void aFutureAndAWorkerCall_bothCrossIntoTheTask() {
    int fromFuture = Futures.await(CompletableFuture.completedFuture(40));
    int fromWorker = Workers.run(() -> 2);

    assertEquals(42, fromFuture + fromWorker);
  }

  @WeftTest
  void aFutureFromAnExecutorService_isAwaitedInTheTask() throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(1);
    try {
      java.util.concurrent.Future<Integer> answer = pool.submit(() -> 42);
      assertEquals(42, Futures.await(answer));
    } finally {
      pool.shutdown();
    }
  }

  @WeftTest
  void aWorkerCall_runsCodeBackInItsTask() {
    String seen = Workers.run(() -> Workers.runInTask(() -> {
      Weft.checkpoint(); // task code, in the task's scopes
      return dev.weft.task.TaskInfo.current().name();
    }));

    assertEquals(dev.weft.task.TaskInfo.current().name(), seen);
  }

  @Test
  void mainCallsIntoAPortal_whoseTasksCarryTheCallersContext() {
    ThreadLocal<String> user = new ThreadLocal<>();
    Backend carrying = Backend.virtualThreads().withTaskDecorator(body -> {
      String captured = user.get();
      return () -> {
        user.set(captured);
        body.run();
      };
    });
    user.set("main");
    try (BlockingPortal portal = BlockingPortal.start(carrying)) {
      assertEquals("pipeline sum 5050", portal.call(() -> "pipeline sum "
          + Pipeline.sumThroughAStream(100)));
    }
    assertEquals("main", Weft.run(carrying, user::get));
  }
}
