package dev.weft.task;

import static dev.weft.testing.Outcomes.thrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A cancellation already on its way out of an inner scope when an outer scope (the group's, or one
 * above it) is cancelled too belongs to the outer scope from then on (C8): it is never a task-group
 * failure, and the outer scope catches it.
 */
class CancellationInFlightTest {

  @WeftTest
  void childsInnerCancellationInFlight_whenTheGroupIsCancelled_isNoFailure_andRunReturns(
      Backend backend) {
    AtomicReference<CancelScope> groupScope = new AtomicReference<>();

    Throwable thrown = thrownBy(() -> Runs.exec(backend, () -> TaskGroup.run(g -> {
      groupScope.set(g.cancelScope());
      g.startSoon(() -> cancelInnerThenOuterWhileInFlight(g.cancelScope()));
    })));

    assertNull(thrown);
    assertTrue(groupScope.get().cancelledCaught());
  }

  @WeftTest
  void bodysInnerCancellationInFlight_whenTheGroupIsCancelled_isNoFailure_andRunReturns(
      Backend backend) {
    AtomicReference<CancelScope> groupScope = new AtomicReference<>();

    Throwable thrown = thrownBy(() -> Runs.exec(backend, () -> TaskGroup.run(g -> {
      groupScope.set(g.cancelScope());
      cancelInnerThenOuterWhileInFlight(g.cancelScope());
    })));

    assertNull(thrown);
    assertTrue(groupScope.get().cancelledCaught());
  }

  @WeftTest
  void childsInnerCancellationInFlight_whenAScopeAboveTheGroupIsCancelled_thatScopeCatches(
      Backend backend) {
    CancelScope outer = CancelScope.create();
    AtomicReference<Throwable> groupThrew = new AtomicReference<>();

    Runs.exec(backend, () -> outer.run(() -> {
      try {
        TaskGroup.run(g -> g.startSoon(() -> cancelInnerThenOuterWhileInFlight(outer)));
      } catch (Throwable t) {
        groupThrew.set(t);
        throw t;
      }
    }));

    assertInstanceOf(CancelledException.class, groupThrew.get(), "one cancellation, no failure");
    assertTrue(outer.cancelledCaught());
  }

  @WeftTest
  void innerCancellationInFlight_thatTheOuterScopeCatches_namesTheOuterScope(Backend backend) {
    CancelScope outer = CancelScope.create();
    AtomicReference<CancelledException> leftInner = new AtomicReference<>();

    Runs.exec(backend, () -> outer.run(() -> {
      try {
        cancelInnerThenOuterWhileInFlight(outer);
      } catch (CancelledException e) {
        leftInner.set(e);
        throw e;
      }
    }));

    assertTrue(leftInner.get().scope() == outer, "now aimed at " + leftInner.get().scope());
    assertFalse(leftInner.get().getSuppressed().length == 0, "the inner scope's is kept");
    assertTrue(outer.cancelledCaught());
  }

  /**
   * Cancels a scope of the current task and checkpoints; while that cancellation is on its way out,
   * cancels {@code outer}, so that the inner scope must let it pass (C8).
   */
  private static void cancelInnerThenOuterWhileInFlight(CancelScope outer) {
    CancelScope inner = CancelScope.create();
    inner.run(() -> {
      inner.cancel();
      try {
        Weft.checkpoint();
      } finally {
        outer.cancel();
      }
    });
  }
}
