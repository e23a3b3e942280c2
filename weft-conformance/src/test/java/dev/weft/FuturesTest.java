package dev.weft;

import static dev.weft.testing.Outcomes.thrownBy;
import static dev.weft.testing.Until.parkedInWeft;
import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.task.TaskGroup;
import dev.weft.time.Timeouts;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReference;

/** Awaiting a CompletionStage in a task: its result exactly once, or the task's cancellation. */
class FuturesTest {

  private static final Duration SOON = Duration.ofMillis(20);

  @WeftTest
  void completedStage_returnsItsValue(Backend backend) {
    assertEquals("done",
        Runs.run(backend, () -> Futures.await(CompletableFuture.completedFuture("done"))));
  }

  @WeftTest
  void completedStage_inACancelledScope_throwsAtTheCheckpoint(Backend backend) {
    CompletableFuture<String> done = CompletableFuture.completedFuture("done");
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel();
      Futures.await(done);
    }));

    assertTrue(scope.cancelledCaught());
  }

  @WeftTest
  void stageCompletedByAnotherTask_returnsItsValue(Backend backend) {
    CompletableFuture<Integer> answer = new CompletableFuture<>();
    AtomicReference<Integer> got = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("waiter", () -> got.set(Futures.await(answer)));
      group.startSoon("completer", () -> answer.complete(42));
    }));

    assertEquals(42, got.get());
  }

  @WeftTest
  void uncheckedFailure_isThrownUnchanged(Backend backend) {
    IllegalStateException failure = new IllegalStateException("boom");
    CompletableFuture<String> failed = CompletableFuture.failedFuture(failure);
    CompletableFuture<String> dependent = failed.thenApply(s -> s + "!"); // fails wrapped

    Runs.exec(backend, () -> {
      assertSame(failure, thrownBy(() -> Futures.await(failed)));
      assertSame(failure, thrownBy(() -> Futures.await(dependent)));
      AssertionError error = new AssertionError("an error");
      assertSame(error, thrownBy(() -> Futures.await(CompletableFuture.failedFuture(error))));
    });
  }

  @WeftTest
  void checkedFailure_isWrappedInACompletionException(Backend backend) {
    IOException failure = new IOException("disk");

    Throwable thrown = Runs.run(backend,
        () -> thrownBy(() -> Futures.await(CompletableFuture.failedFuture(failure))));

    assertSame(failure, assertInstanceOf(CompletionException.class, thrown).getCause());
  }

  @WeftTest
  void stageCancelledElsewhere_throwsCancellationException_whichNoScopeCatches(Backend backend) {
    CompletableFuture<String> future = new CompletableFuture<>();
    future.cancel(false);
    CancelScope scope = CancelScope.create();

    Throwable thrown = Runs.run(backend, () -> thrownBy(() -> scope.run(() -> Futures.await(future))));

    assertInstanceOf(CancellationException.class, thrown);
    assertFalse(scope.cancelledCaught());
  }

  @WeftTest
  void cancelledWhileAwaiting_stopsWaiting_andCancelsTheFuture(Backend backend) {
    CompletableFuture<String> never = new CompletableFuture<>();

    CancelScope scope = Runs.run(backend, () -> Timeouts.moveOnAfter(SOON, () -> {
      Futures.await(never);
    }));

    assertTrue(scope.cancelledCaught());
    assertTrue(never.isCancelled());
  }

  @WeftTest
  void awaitWithoutCancelling_leavesTheFutureRunning(Backend backend) {
    CompletableFuture<String> shared = new CompletableFuture<>();

    CancelScope scope = Runs.run(backend, () -> Timeouts.moveOnAfter(SOON, () -> {
      Futures.awaitWithoutCancelling(shared);
    }));

    assertTrue(scope.cancelledCaught());
    assertFalse(shared.isDone());
  }

  @WeftTest
  void aFutureWhoseCancelThrows_addsThatFailureToTheCancellation(Backend backend) {
    IllegalStateException hostile = new IllegalStateException("cancel refused");
    CompletableFuture<String> future = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        throw hostile;
      }
    };
    List<Throwable> suppressed = new ArrayList<>();

    CancelScope scope = Runs.run(backend, () -> Timeouts.moveOnAfter(SOON, () -> {
      try {
        Futures.await(future);
      } catch (CancelledException e) {
        suppressed.addAll(List.of(e.getSuppressed()));
        throw e;
      }
    }));

    assertTrue(scope.cancelledCaught());
    assertEquals(List.of(hostile), suppressed);
  }

  @WeftTest
  void aStageWhoseWhenCompleteParks_isStillCancellable(Backend backend) {
    CompletableFuture<String> never = new CompletableFuture<>() {
      @Override
      public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
      }

      @Override
      public CompletableFuture<String> whenComplete(
          java.util.function.BiConsumer<? super String, ? super Throwable> action) {
        Weft.sleep(Duration.ofMillis(1)); // the stage's own code parks in Weft, then registers
        return super.whenComplete(action);
      }
    };

    CancelScope scope = Runs.run(backend, () -> Timeouts.moveOnAfter(SOON, () -> {
      Futures.await(never);
    }));

    assertTrue(scope.cancelledCaught(), "the cancellation reached the wait");
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void stageCompletedByAThreadOutsideTheRun_returnsItsValue(Backend backend) {
    CompletableFuture<String> reply = new CompletableFuture<>();
    AtomicReference<Thread> waiting = new AtomicReference<>();
    Thread completer = Thread.ofPlatform().start(() -> {
      parkedInWeft(waiting::get);
      reply.complete("from outside");
    });

    String got = Runs.run(backend, () -> {
      waiting.set(Thread.currentThread());
      return Futures.await(reply);
    });

    assertEquals("from outside", got);
    assertTrue(joined(completer));
  }

  @WeftTest
  void nullStage_isRejectedNamingTheArgument(Backend backend) {
    NullPointerException e = Runs.run(backend,
        () -> assertThrows(NullPointerException.class, () -> Futures.await(null)));

    assertEquals("stage", e.getMessage());
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void threadOutsideWeft_interruptedWhileAwaiting_getsCancelledAndKeepsTheInterrupt(
      Backend backend) throws InterruptedException {
    CompletableFuture<String> never = new CompletableFuture<>();
    List<Object> seen = new ArrayList<>();
    AtomicReference<Thread> plainRef = new AtomicReference<>();
    Thread plain = Thread.ofPlatform().unstarted(() -> {
      try {
        seen.add(Futures.await(never));
      } catch (CancelledException e) {
        seen.add(e.scope());
        seen.add(Thread.currentThread().isInterrupted());
      }
    });
    plainRef.set(plain);
    plain.start();
    Runs.exec(backend, () -> parkedInWeft(plainRef::get));

    plain.interrupt();
    plain.join();

    assertNull(seen.get(0));
    assertEquals(true, seen.get(1));
    assertTrue(never.isCancelled(), "an interrupted foreign thread cancels the future too");
  }

  @WeftTest
  void plainFuture_returnsItsResult_andItsFailureUnwrapped(Backend backend) {
    IOException checked = new IOException("disk");
    IllegalStateException unchecked = new IllegalStateException("state");
    FutureTask<String> done = ran(() -> "done");
    FutureTask<String> failedChecked = ran(() -> {
      throw checked;
    });
    FutureTask<String> failedUnchecked = ran(() -> {
      throw unchecked;
    });
    FutureTask<String> later = new FutureTask<>(() -> "later");
    boolean threads = !backend.features().contains(BackendFeature.DETERMINISTIC_SCHEDULE);

    List<Object> seen = Runs.run(backend, () -> {
      List<Object> outcomes = new ArrayList<>();
      outcomes.add(Futures.await((Future<String>) done));
      outcomes.add(thrownBy(() -> Futures.await((Future<String>) failedChecked)).getCause());
      outcomes.add(thrownBy(() -> Futures.await((Future<String>) failedUnchecked)));
      if (threads) { // completed while the task waits (the deterministic backend would block, F6)
        TaskGroup.run(group -> {
          group.startSoon(() -> outcomes.add(Futures.await((Future<String>) later)));
          Thread runner = Thread.ofPlatform().start(() -> {
            until(() -> waitingInGet(later));
            later.run();
          });
          group.startSoon(() -> Workers.run(() -> joined(runner)));
        });
      } else {
        outcomes.add("later");
      }
      return outcomes;
    });

    assertEquals(List.of("done", checked, unchecked, "later"), seen);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void plainFuture_cancelledTask_stopsWaiting_andCancelsIt(Backend backend) {
    FutureTask<String> never = new FutureTask<>(() -> "never");
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon(() -> scope.run(() -> Futures.await((Future<String>) never)));
      until(() -> waitingInGet(never));
      scope.cancel();
    }));

    assertTrue(scope.cancelledCaught());
    assertTrue(never.isCancelled(), "the cancelled task cancels the future");
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void plainFuture_awaitWithoutCancelling_leavesItRunning(Backend backend) throws Exception {
    FutureTask<String> slow = new FutureTask<>(() -> "finished");
    CancelScope scope = CancelScope.create();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon(() -> scope.run(() -> Futures.awaitWithoutCancelling((Future<String>) slow)));
      until(() -> waitingInGet(slow));
      scope.cancel();
    }));

    assertTrue(scope.cancelledCaught());
    assertFalse(slow.isDone(), "left running");
    slow.run(); // and the worker that waited in its get() ends with it
    assertEquals("finished", slow.get());
  }

  @WeftTest
  void plainFuture_onAThreadOutsideWeft_interruptIsItsCancellation(Backend backend)
      throws InterruptedException {
    FutureTask<String> never = new FutureTask<>(() -> "never");
    List<Object> seen = new ArrayList<>();
    Thread plain = Thread.ofPlatform().start(() -> {
      try {
        seen.add(Futures.await((Future<String>) never));
      } catch (CancelledException e) {
        seen.add(e.scope());
        seen.add(Thread.currentThread().isInterrupted());
      }
    });
    Runs.exec(backend, () -> until(() -> waitingInGet(never)));

    plain.interrupt();
    plain.join();

    assertEquals(Arrays.asList(null, true), seen);
    assertTrue(never.isCancelled(), "an interrupted foreign thread cancels the future too");
  }

  private static FutureTask<String> ran(java.util.concurrent.Callable<String> body) {
    FutureTask<String> task = new FutureTask<>(body);
    task.run();
    return task;
  }

  /** Whether some thread is blocked in {@code future.get()}: its park blocker is the future. */
  private static boolean waitingInGet(Future<?> future) {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (java.util.concurrent.locks.LockSupport.getBlocker(t) == future) {
        return true;
      }
    }
    return false;
  }

  private static boolean joined(Thread thread) {
    try {
      thread.join();
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
