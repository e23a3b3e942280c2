package dev.weft;

import static dev.weft.testing.Outcomes.thrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.deterministic.DeterministicBackend;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.task.TaskInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A run that threads outside it call into: results, failures, cancellation both ways, and closing.
 * The test bodies run on plain threads (the tests take a {@code Backend}, so no run surrounds them).
 */
class BlockingPortalTest {

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void call_runsTheFunctionAsATask_andReturnsItsResult(Backend backend) {
    try (BlockingPortal portal = BlockingPortal.start(backend)) {
      String name = portal.call(() -> TaskInfo.current().name());

      assertNotNull(name);
      assertEquals(42, portal.call(() -> 42));
      assertNull(portal.call(() -> null));
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void failure_isThrownUnchanged_andTheOtherCallsGoOn(Backend backend) {
    IOException failure = new IOException("disk");
    try (BlockingPortal portal = BlockingPortal.start(backend)) {
      CompletableFuture<String> slow = portal.submit(() -> {
        Weft.checkpoint();
        return "still here";
      });

      assertSame(failure, thrownBy(() -> portal.call(() -> {
        throw failure;
      })));
      assertEquals("still here", slow.join());
      assertEquals("after", portal.call(() -> "after"));
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void submit_completesTheFutureWithTheResult(Backend backend) throws Exception {
    try (BlockingPortal portal = BlockingPortal.start(backend)) {
      CompletableFuture<Integer> future = portal.submit(() -> 6 * 7);

      assertEquals(42, future.get());
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void cancellingTheFuture_cancelsTheTask(Backend backend) throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CompletableFuture<Boolean> taskSawItsCancellation = new CompletableFuture<>();
    try (BlockingPortal portal = BlockingPortal.start(backend)) {
      CompletableFuture<String> future = portal.submit(() -> {
        running.countDown();
        try {
          Weft.sleepForever();
        } catch (CancelledException e) {
          taskSawItsCancellation.complete(true);
          throw e;
        }
        return "never";
      });
      running.await();

      assertTrue(future.cancel(true));
      assertTrue(future.isCancelled());
      assertTrue(taskSawItsCancellation.get());
      assertEquals("next", portal.call(() -> "next"), "the portal goes on");
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void interruptingTheCaller_cancelsTheTask_andKeepsTheInterrupt(Backend backend)
      throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    AtomicBoolean taskEnded = new AtomicBoolean();
    List<Object> seen = new ArrayList<>();
    try (BlockingPortal portal = BlockingPortal.start(backend)) {
      Thread caller = Thread.ofPlatform().start(() -> {
        try {
          portal.call(() -> {
            running.countDown();
            try {
              Weft.sleepForever();
            } finally {
              taskEnded.set(true);
            }
            return "never";
          });
        } catch (CancelledException e) {
          seen.add(taskEnded.get());
          seen.add(Thread.currentThread().isInterrupted());
        }
      });
      running.await();
      caller.interrupt();
      caller.join();
    }

    assertEquals(List.of(true, true), seen, "the task had ended, and the interrupt is kept");
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void close_waitsForTheCallsItTook(Backend backend) throws Exception {
    CompletableFuture<String> gate = new CompletableFuture<>();
    AtomicBoolean ended = new AtomicBoolean();
    BlockingPortal portal = BlockingPortal.start(backend);
    CompletableFuture<String> call = portal.submit(() -> {
      try {
        return Futures.await(gate);
      } finally {
        ended.set(true);
      }
    });
    AtomicBoolean endedWhenCloseReturned = new AtomicBoolean();
    Thread closer = Thread.ofPlatform().start(() -> {
      portal.close();
      endedWhenCloseReturned.set(ended.get());
    });

    gate.complete("opened");
    closer.join();

    assertTrue(endedWhenCloseReturned.get());
    assertEquals("opened", call.get(), "close() waits; it does not cancel");
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void closeCancellingRunning_cancelsThem_andWaitsForTheirEnd(Backend backend)
      throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    AtomicBoolean ended = new AtomicBoolean();
    BlockingPortal portal = BlockingPortal.start(backend);
    CompletableFuture<String> call = portal.submit(() -> {
      running.countDown();
      try {
        Weft.sleepForever();
      } finally {
        ended.set(true);
      }
      return "never";
    });
    running.await();

    portal.closeCancellingRunning();

    assertTrue(ended.get());
    assertInstanceOf(CancellationException.class, thrownBy(call::get));
    portal.closeCancellingRunning(); // idempotent
    portal.close();
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void closedPortal_refusesWork(Backend backend) {
    BlockingPortal portal = BlockingPortal.start(backend);
    portal.close();

    IllegalStateException e = assertInstanceOf(IllegalStateException.class,
        thrownBy(() -> portal.call(() -> 1)));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertInstanceOf(IllegalStateException.class, thrownBy(() -> portal.submit(() -> 1)));
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void callFromInsideThePortal_isRefused(Backend backend) {
    try (BlockingPortal portal = BlockingPortal.start(backend)) {
      AtomicReference<Throwable> inner = new AtomicReference<>();
      portal.call(() -> {
        inner.set(thrownBy(() -> portal.call(() -> 1)));
        return null;
      });

      IllegalStateException e = assertInstanceOf(IllegalStateException.class, inner.get());
      assertTrue(e.getMessage().contains("would wait for itself"), e.getMessage());
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void aCancellationThatACallKeptAndRethrew_failsOnlyThatCall(Backend backend) {
    try (BlockingPortal portal = BlockingPortal.start(backend)) {
      CancelledException kept = portal.call(() -> {
        CancelScope inner = CancelScope.create();
        AtomicReference<CancelledException> caught = new AtomicReference<>();
        inner.run(() -> {
          inner.cancel();
          try {
            Weft.checkpoint();
          } catch (CancelledException e) {
            caught.set(e);
            throw e;
          }
        });
        return caught.get();
      });

      assertSame(kept, thrownBy(() -> portal.call(() -> {
        throw kept;
      })));
      assertEquals("the portal goes on", portal.call(() -> "the portal goes on"));
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void aTaskDecoratorThatRefusesACall_failsOnlyThatCall(Backend backend) {
    IllegalStateException refused = new IllegalStateException("no context");
    AtomicInteger decorated = new AtomicInteger();
    Backend picky = backend.withTaskDecorator(body -> {
      if (decorated.incrementAndGet() == 3) { // the root task, the call below, then this one
        throw refused;
      }
      return body;
    });
    try (BlockingPortal portal = BlockingPortal.start(picky)) {
      assertEquals(1, portal.call(() -> 1));
      assertSame(refused, thrownBy(() -> portal.call(() -> 2)));
      assertEquals(3, portal.call(() -> 3));
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void aRunThatCannotStart_failsTheStart(Backend backend) {
    IllegalStateException refused = new IllegalStateException("no root task");
    Backend broken = backend.withTaskDecorator(body -> {
      throw refused;
    });

    IllegalStateException e = assertInstanceOf(IllegalStateException.class,
        thrownBy(() -> BlockingPortal.start(broken)));
    assertSame(refused, e.getCause());
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void closeFromATaskOfThePortal_stopsIntakeWithoutWaitingForItself(Backend backend)
      throws Exception {
    BlockingPortal portal = BlockingPortal.start(backend);
    CompletableFuture<String> closedFromInside = portal.submit(() -> {
      portal.close();
      return "returned";
    });

    assertEquals("returned", closedFromInside.get());
    assertInstanceOf(IllegalStateException.class, thrownBy(() -> portal.call(() -> 1)));
    portal.close(); // from outside: waits for the run's end
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void submitFromATaskOfThePortal_isAllowed_itNeverWaits(Backend backend) throws Exception {
    try (BlockingPortal portal = BlockingPortal.start(backend)) {
      CompletableFuture<CompletableFuture<String>> outer =
          portal.submit(() -> portal.submit(() -> "inner"));

      assertEquals("inner", outer.get().get());
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void start_returnsTheStartedValue_andTheTaskRunsOnUntilItsEnd(Backend backend) throws Exception {
    CompletableFuture<String> gate = new CompletableFuture<>();
    try (BlockingPortal portal = BlockingPortal.start(backend)) {
      BlockingPortal.Started<String> started = portal.start(status -> {
        status.started("listening");
        Futures.await(gate);
      });

      assertEquals("listening", started.value());
      assertFalse(started.end().isDone(), "the task runs on after it started");
      gate.complete("go");
      assertNull(started.end().get());
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void start_failureBeforeStarted_isThrownUnchanged(Backend backend) {
    IOException failure = new IOException("cannot bind");
    try (BlockingPortal portal = BlockingPortal.start(backend)) {
      assertSame(failure, thrownBy(() -> portal.start(status -> {
        throw failure;
      })));
      assertEquals("after", portal.call(() -> "after"));
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void start_cancellingTheEnd_cancelsTheStartedTask(Backend backend) throws Exception {
    CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
    try (BlockingPortal portal = BlockingPortal.start(backend)) {
      BlockingPortal.Started<Void> started = portal.start(status -> {
        status.started();
        try {
          Weft.sleepForever();
        } catch (CancelledException e) {
          cancelled.complete(true);
          throw e;
        }
      });

      assertTrue(started.end().cancel(true));
      assertTrue(cancelled.get());
    }
  }

  @Test
  void nullFunction_isRejectedNamingIt() {
    try (BlockingPortal portal = BlockingPortal.start()) {
      assertEquals("fn", assertInstanceOf(NullPointerException.class,
          thrownBy(() -> portal.call(null))).getMessage());
      assertEquals("fn", assertInstanceOf(NullPointerException.class,
          thrownBy(() -> portal.submit(null))).getMessage());
    }
  }

  @Test
  void deterministicBackend_isRefused() {
    IllegalArgumentException e = assertInstanceOf(IllegalArgumentException.class,
        thrownBy(() -> BlockingPortal.start(DeterministicBackend.withSeed(1))));

    assertTrue(e.getMessage().contains("real parallelism"), e.getMessage());
    assertFalse(e.getMessage().isEmpty());
  }
}
