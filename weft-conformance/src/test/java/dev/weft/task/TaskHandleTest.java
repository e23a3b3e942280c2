package dev.weft.task;

import static dev.weft.testing.Outcomes.thrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.sync.Event;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/** Handles of forked tasks (semantics G10). */
class TaskHandleTest {

  @WeftTest
  void join_returnsTheTasksValue(Backend backend) {
    int value = Runs.run(backend, () -> {
      AtomicReference<Integer> joined = new AtomicReference<>();
      TaskGroup.run(g -> {
        TaskHandle<Integer> h = g.fork(() -> 6 * 7);
        joined.set(h.join());
      });
      return joined.get();
    });

    assertEquals(42, value);
  }

  @WeftTest
  void join_beforeTheTaskEnds_waitsForIt_andSeesWhatTheTaskDid(Backend backend) {
    List<String> seen = Runs.run(backend, () -> {
      Event go = new Event();
      AtomicReference<List<String>> joined = new AtomicReference<>();
      TaskGroup.run(g -> {
        TaskHandle<List<String>> h = g.fork("worker", () -> {
          go.await();
          return new java.util.ArrayList<>(List.of("written", "by the task"));
        });
        assertEquals(Future.State.RUNNING, h.state());
        g.startSoon(go::set);
        joined.set(h.join());
        assertEquals(Future.State.SUCCESS, h.state());
        assertSame(joined.get(), h.resultNow());
      });
      return joined.get();
    });

    assertEquals(List.of("written", "by the task"), seen);
  }

  @WeftTest
  void failedTask_failsTheGroup_andAJoinInsideTheGroupThrowsItsOwnCancellation(Backend backend) {
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicReference<Throwable> fromJoin = new AtomicReference<>();

    Throwable thrown = thrownBy(() -> Runs.exec(backend, () -> TaskGroup.run(g -> {
      TaskHandle<Integer> h = g.fork(() -> {
        throw boom;
      });
      try {
        h.join();
      } catch (Throwable t) {
        fromJoin.set(t);
        throw t;
      }
    })));

    assertInstanceOf(CancelledException.class, fromJoin.get());
    TaskGroupException e = assertInstanceOf(TaskGroupException.class, thrown);
    assertEquals(List.of(boom), e.failures(), "the failure is reported once");
  }

  @WeftTest
  void failedTask_joinedInAShield_throwsTaskFailedExceptionCausedByTheFailure(Backend backend) {
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicReference<Throwable> fromJoin = new AtomicReference<>();
    AtomicReference<TaskHandle<Integer>> handle = new AtomicReference<>();

    Throwable thrown = thrownBy(() -> Runs.exec(backend, () -> TaskGroup.run(g -> {
      TaskHandle<Integer> h = g.fork("failing", () -> {
        throw boom;
      });
      handle.set(h);
      CancelScope.shielded().run(() -> fromJoin.set(thrownBy(h::join)));
    })));

    TaskFailedException failed = assertInstanceOf(TaskFailedException.class, fromJoin.get());
    assertSame(boom, failed.getCause());
    assertTrue(failed.getMessage().contains("task 'failing'"), failed.getMessage());
    assertEquals(Future.State.FAILED, handle.get().state());
    assertSame(boom, handle.get().exceptionNow());
    assertEquals(List.of(boom), assertInstanceOf(TaskGroupException.class, thrown).failures());
  }

  @WeftTest
  void cancel_cancelsThatTaskAlone_theGroupAndItsOtherTasksGoOn(Backend backend) {
    AtomicReference<Throwable> fromJoin = new AtomicReference<>();
    AtomicReference<Integer> other = new AtomicReference<>();
    AtomicReference<TaskHandle<Object>> handle = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(g -> {
      Event asleep = new Event();
      TaskHandle<Object> sleeper = g.fork(() -> {
        asleep.set();
        Weft.sleepForever();
        return "never";
      });
      handle.set(sleeper);
      TaskHandle<Integer> sibling = g.fork(() -> {
        asleep.await();
        return 2;
      });
      asleep.await();
      sleeper.cancel();
      fromJoin.set(thrownBy(sleeper::join));
      other.set(sibling.join());
      Weft.checkpoint(); // the body is not cancelled
    }));

    assertInstanceOf(CancellationException.class, fromJoin.get());
    assertEquals(Future.State.CANCELLED, handle.get().state());
    assertEquals(2, other.get());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> handle.get().resultNow());
    assertTrue(e.getMessage().contains("CANCELLED"), e.getMessage());
  }

  @WeftTest
  void cancel_beforeTheTaskReachesACheckpoint_andItReturns_succeeds(Backend backend) {
    AtomicReference<TaskHandle<String>> handle = new AtomicReference<>();
    Event go = new Event();
    Event cancelled = new Event();

    String value = Runs.run(backend, () -> {
      AtomicReference<String> joined = new AtomicReference<>();
      TaskGroup.run(g -> {
        TaskHandle<String> h = g.fork(() -> {
          go.set();
          while (!cancelled.isSet()) {
            Thread.onSpinWait(); // no checkpoint: the cancellation cannot land
            Weft.cancelShieldedCheckpoint(); // lets the deterministic backend run the body
          }
          return "returned";
        });
        handle.set(h);
        go.await();
        h.cancel();
        cancelled.set();
        joined.set(h.join());
      });
      return joined.get();
    });

    assertEquals("returned", value);
    assertEquals(Future.State.SUCCESS, handle.get().state());
  }

  @WeftTest
  void cancel_afterTheTaskEnded_changesNothing(Backend backend) {
    AtomicReference<String> joinedAfterCancel = new AtomicReference<>();
    TaskHandle<String> h = Runs.run(backend, () -> {
      AtomicReference<TaskHandle<String>> handle = new AtomicReference<>();
      TaskGroup.run(g -> handle.set(g.fork(() -> "done")));
      handle.get().cancel();
      joinedAfterCancel.set(handle.get().join());
      return handle.get();
    });

    assertEquals(Future.State.SUCCESS, h.state());
    assertEquals("done", h.resultNow());
    assertEquals("done", joinedAfterCancel.get());
  }

  @WeftTest
  void joinerCancelledWhileWaiting_throwsItsOwnCancellation_andTheTaskGoesOn(Backend backend) {
    AtomicReference<Throwable> fromJoin = new AtomicReference<>();

    int value = Runs.run(backend, () -> {
      Event joining = new Event();
      Event go = new Event();
      AtomicReference<Integer> result = new AtomicReference<>();
      TaskGroup.run(g -> {
        TaskHandle<Integer> h = g.fork(() -> {
          go.await();
          return 7;
        });
        CancelScope joinerScope = CancelScope.create();
        g.startSoon(() -> joinerScope.run(() -> {
          joining.set();
          fromJoin.set(thrownBy(h::join));
          throw (Error) fromJoin.get(); // let the scope catch it
        }));
        joining.await();
        joinerScope.cancel();
        go.set();
        result.set(h.join());
      });
      return result.get();
    });

    assertEquals(7, value);
    assertInstanceOf(CancelledException.class, fromJoin.get());
  }

  @WeftTest
  void resultNowAndExceptionNow_whileRunning_throwIllegalStateNamingTheState(Backend backend) {
    Runs.exec(backend, () -> TaskGroup.run(g -> {
      Event go = new Event();
      TaskHandle<Integer> h = g.fork("slow", () -> {
        go.await();
        return 1;
      });
      IllegalStateException e = assertThrows(IllegalStateException.class, h::resultNow);
      assertTrue(e.getMessage().contains("RUNNING"), e.getMessage());
      assertTrue(e.getMessage().contains("task 'slow'"), e.getMessage());
      assertThrows(IllegalStateException.class, h::exceptionNow);
      assertTrue(h.toString().contains("RUNNING"), h.toString());
      go.set();
      assertEquals(1, h.join());
      assertThrows(IllegalStateException.class, h::exceptionNow);
    }));
  }

  @WeftTest
  void fork_withANullBody_throwsNamingIt_andIntoAFinishedGroup_throwsIllegalState(
      Backend backend) {
    Runs.exec(backend, () -> {
      AtomicReference<TaskGroup> finished = new AtomicReference<>();
      TaskGroup.run(g -> {
        NullPointerException npe = assertThrows(NullPointerException.class, () -> g.fork(null));
        assertEquals("task", npe.getMessage());
        finished.set(g);
      });
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> finished.get().fork(() -> 1));
      assertTrue(e.getMessage().contains("finished"), e.getMessage());
    });
  }
}
