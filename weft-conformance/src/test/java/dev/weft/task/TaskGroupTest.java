package dev.weft.task;

import static dev.weft.testing.Outcomes.thrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.spi.Backend;
import dev.weft.sync.Event;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A task group outlives its tasks, turns their failures into one {@link TaskGroupException}, and
 * delivers cancellation to its body and every task below it, on every backend.
 */
class TaskGroupTest {

  // ---- basics ---------------------------------------------------------------------------------

  @WeftTest
  void run_returnsOnlyAfterEveryTaskHasEnded(Backend backend) {
    // given three tasks that can finish only after the body has ended
    Event bodyEnded = new Event();
    AtomicInteger ended = new AtomicInteger();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  for (int i = 0; i < 3; i++) {
                    g.startSoon(
                        () -> {
                          bodyEnded.await();
                          Weft.checkpoint();
                          ended.incrementAndGet();
                        });
                  }
                  bodyEnded.set();
                }));

    // then
    assertEquals(3, ended.get());
  }

  @WeftTest
  void tasks_runConcurrentlyWithEachOther(Backend backend) {
    // given two tasks that each wait for the other to signal
    Event aArrived = new Event();
    Event bArrived = new Event();
    AtomicInteger met = new AtomicInteger();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  g.startSoon(
                      () -> {
                        aArrived.set();
                        bArrived.await();
                        met.incrementAndGet();
                      });
                  g.startSoon(
                      () -> {
                        bArrived.set();
                        aArrived.await();
                        met.incrementAndGet();
                      });
                }));

    // then both got past the rendezvous (running one after the other would hang)
    assertEquals(2, met.get());
  }

  // ---- failures and grouping ------------------------------------------------------------------

  @WeftTest
  void childFailure_cancelsSiblings_andGroupThrowsOnlyThatFailure(Backend backend) {
    // given a sibling asleep until cancelled, and a task that then fails
    RuntimeException boom = new RuntimeException("boom");
    Event siblingAsleep = new Event();
    AtomicReference<Throwable> siblingSaw = new AtomicReference<>();

    // when
    TaskGroupException thrown =
        assertThrows(
            TaskGroupException.class,
            () ->
                Runs.exec(
                    backend,
                    () ->
                        TaskGroup.run(
                            g -> {
                              g.startSoon("sibling", () -> sleepRecording(siblingAsleep, siblingSaw));
                              g.startSoon(
                                  "failing",
                                  () -> {
                                    siblingAsleep.await();
                                    throw boom;
                                  });
                            })));

    // then the sibling was cancelled, and its cancellation is not among the failures
    assertInstanceOf(CancelledException.class, siblingSaw.get());
    assertEquals(List.of(boom), thrown.failures());
  }

  @WeftTest
  void singleChildFailure_isWrappedInTaskGroupException_withItAsCause(Backend backend) {
    // given
    IllegalStateException boom = new IllegalStateException("boom");

    // when
    TaskGroupException thrown =
        assertThrows(
            TaskGroupException.class,
            () ->
                Runs.exec(
                    backend,
                    () ->
                        TaskGroup.run(
                            g ->
                                g.startSoon(
                                    () -> {
                                      throw boom;
                                    }))));

    // then
    assertSame(boom, thrown.getCause());
    assertEquals(List.of(boom), thrown.failures());
    assertEquals(0, thrown.getSuppressed().length);
  }

  @WeftTest
  void twoFailures_areListedInOrder_firstIsTheCause_theOtherIsSuppressed(Backend backend) {
    // given a task that fails, and a sibling that fails only when that cancels it
    RuntimeException first = new IllegalStateException("first");
    RuntimeException second = new IllegalArgumentException("second");
    Event lateAsleep = new Event();

    // when
    TaskGroupException thrown =
        assertThrows(
            TaskGroupException.class,
            () ->
                Runs.exec(
                    backend,
                    () ->
                        TaskGroup.run(
                            g -> {
                              g.startSoon(
                                  "late",
                                  () -> {
                                    try {
                                      lateAsleep.set();
                                      Weft.sleepForever();
                                    } catch (CancelledException e) {
                                      throw second;
                                    }
                                  });
                              g.startSoon(
                                  "early",
                                  () -> {
                                    lateAsleep.await();
                                    throw first;
                                  });
                            })));

    // then
    assertEquals(List.of(first, second), thrown.failures());
    assertSame(first, thrown.getCause());
    assertArrayEquals(new Throwable[] {second}, thrown.getSuppressed());
  }

  @WeftTest
  void checkedChildFailure_isCollectedAsTheSameObject(Backend backend) {
    // given
    IOException io = new IOException("disk on fire");

    // when
    TaskGroupException thrown =
        assertThrows(
            TaskGroupException.class,
            () ->
                Runs.exec(
                    backend,
                    () ->
                        TaskGroup.run(
                            g ->
                                g.startSoon(
                                    () -> {
                                      throw io;
                                    }))));

    // then
    assertEquals(List.of(io), thrown.failures());
  }

  @WeftTest
  void bodyFailure_cancelsTasks_andIsWrapped(Backend backend) {
    // given a task asleep until cancelled, and a body that then fails
    RuntimeException boom = new RuntimeException("body failed");
    Event asleep = new Event();
    AtomicReference<Throwable> childSaw = new AtomicReference<>();

    // when
    TaskGroupException thrown =
        assertThrows(
            TaskGroupException.class,
            () ->
                Runs.exec(
                    backend,
                    () ->
                        TaskGroup.run(
                            g -> {
                              g.startSoon(() -> sleepRecording(asleep, childSaw));
                              asleep.await();
                              throw boom;
                            })));

    // then
    assertEquals(List.of(boom), thrown.failures());
    assertInstanceOf(CancelledException.class, childSaw.get());
  }

  @WeftTest
  void childFailure_cancelsBodyAtItsNextCheckpoint_andThatCancellationIsNoFailure(
      Backend backend) {
    // given a body asleep until cancelled, and a task that fails
    RuntimeException boom = new RuntimeException("boom");
    Event bodyAsleep = new Event();
    AtomicReference<Throwable> bodySaw = new AtomicReference<>();

    // when
    TaskGroupException thrown =
        assertThrows(
            TaskGroupException.class,
            () ->
                Runs.exec(
                    backend,
                    () ->
                        TaskGroup.run(
                            g -> {
                              g.startSoon(
                                  () -> {
                                    bodyAsleep.await();
                                    throw boom;
                                  });
                              sleepRecording(bodyAsleep, bodySaw);
                            })));

    // then
    assertInstanceOf(CancelledException.class, bodySaw.get());
    assertEquals(List.of(boom), thrown.failures());
  }

  @WeftTest
  void childFailure_cancelsTheGroupsScope(Backend backend) {
    // given
    AtomicReference<TaskGroup> group = new AtomicReference<>();

    // when
    assertThrows(
        TaskGroupException.class,
        () ->
            Runs.exec(
                backend,
                () ->
                    TaskGroup.run(
                        g -> {
                          group.set(g);
                          g.startSoon(
                              () -> {
                                throw new RuntimeException("boom");
                              });
                        })));

    // then
    assertTrue(group.get().cancelScope().cancelCalled());
  }

  @WeftTest
  void failingTasksName_appearsInTheCancellationReasonGivenToSiblings(Backend backend) {
    // given
    Event siblingAsleep = new Event();
    AtomicReference<Throwable> siblingSaw = new AtomicReference<>();

    // when
    assertThrows(
        TaskGroupException.class,
        () ->
            Runs.exec(
                backend,
                () ->
                    TaskGroup.run(
                        g -> {
                          g.startSoon("sibling", () -> sleepRecording(siblingAsleep, siblingSaw));
                          g.startSoon(
                              "the-failing-task",
                              () -> {
                                siblingAsleep.await();
                                throw new RuntimeException("boom");
                              });
                        })));

    // then
    CancelledException ce = assertInstanceOf(CancelledException.class, siblingSaw.get());
    assertTrue(
        ce.reason().contains("the-failing-task"),
        () -> "reason should name the failing task: " + ce.reason());
  }

  @WeftTest
  void failureWhileTheGroupIsCancelled_isStillReported(Backend backend) {
    // given a task whose cleanup fails when the group is cancelled
    RuntimeException cleanupFailed = new IllegalStateException("cleanup failed");
    Event asleep = new Event();

    // when
    TaskGroupException thrown =
        assertThrows(
            TaskGroupException.class,
            () ->
                Runs.exec(
                    backend,
                    () ->
                        TaskGroup.run(
                            g -> {
                              g.startSoon(
                                  () -> {
                                    try {
                                      asleep.set();
                                      Weft.sleepForever();
                                    } catch (CancelledException e) {
                                      throw cleanupFailed;
                                    }
                                  });
                              asleep.await();
                              g.cancelScope().cancel();
                            })));

    // then
    assertEquals(List.of(cleanupFailed), thrown.failures());
  }

  // ---- nesting --------------------------------------------------------------------------------

  @WeftTest
  void failureInNestedGroup_reachesOuterGroupWrappedInTheNestedGroupsException(Backend backend) {
    // given
    RuntimeException boom = new RuntimeException("deep");

    // when
    TaskGroupException outer =
        assertThrows(
            TaskGroupException.class,
            () ->
                Runs.exec(
                    backend,
                    () ->
                        TaskGroup.run(
                            g ->
                                TaskGroup.run(
                                    inner ->
                                        inner.startSoon(
                                            () -> {
                                              throw boom;
                                            })))));

    // then
    assertEquals(1, outer.failures().size());
    TaskGroupException nested = assertInstanceOf(TaskGroupException.class, outer.getCause());
    assertEquals(List.of(boom), nested.failures());
  }

  @WeftTest
  void failureInNestedGroup_cancelsTasksOfTheOuterGroup(Backend backend) {
    // given an outer task asleep until cancelled
    Event outerTaskAsleep = new Event();
    AtomicReference<Throwable> outerTaskSaw = new AtomicReference<>();

    // when a task of a nested group fails
    assertThrows(
        TaskGroupException.class,
        () ->
            Runs.exec(
                backend,
                () ->
                    TaskGroup.run(
                        g -> {
                          g.startSoon(() -> sleepRecording(outerTaskAsleep, outerTaskSaw));
                          outerTaskAsleep.await();
                          TaskGroup.run(
                              inner ->
                                  inner.startSoon(
                                      () -> {
                                        throw new RuntimeException("deep");
                                      }));
                        })));

    // then
    assertInstanceOf(CancelledException.class, outerTaskSaw.get());
  }

  @WeftTest
  void cancellingOuterGroup_cancelsTasksOfNestedGroups_andOuterRunReturnsNormally(
      Backend backend) {
    // given a grandchild asleep in a nested group
    Event grandchildAsleep = new Event();
    AtomicReference<Throwable> grandchildSaw = new AtomicReference<>();
    AtomicReference<TaskGroup> outer = new AtomicReference<>();

    // when the outer group's scope is cancelled
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  outer.set(g);
                  g.startSoon(
                      () ->
                          TaskGroup.run(
                              inner ->
                                  inner.startSoon(
                                      () -> sleepRecording(grandchildAsleep, grandchildSaw))));
                  grandchildAsleep.await();
                  g.cancelScope().cancel();
                }));

    // then
    CancelledException ce = assertInstanceOf(CancelledException.class, grandchildSaw.get());
    assertSame(outer.get().cancelScope(), ce.scope());
    assertTrue(outer.get().cancelScope().cancelledCaught());
  }

  @WeftTest
  void cancellingNestedGroup_leavesOuterGroupRunning(Backend backend) {
    // given an outer task that finishes only after the nested group has ended
    Event nestedEnded = new Event();
    AtomicBoolean outerTaskFinished = new AtomicBoolean();
    AtomicReference<TaskGroup> outer = new AtomicReference<>();
    AtomicReference<TaskGroup> nested = new AtomicReference<>();

    // when the nested group cancels its own scope
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  outer.set(g);
                  g.startSoon(
                      () -> {
                        nestedEnded.await();
                        outerTaskFinished.set(true);
                      });
                  TaskGroup.run(
                      inner -> {
                        nested.set(inner);
                        inner.startSoon(Weft::sleepForever);
                        inner.cancelScope().cancel();
                      });
                  nestedEnded.set();
                }));

    // then
    assertTrue(nested.get().cancelScope().cancelledCaught());
    assertTrue(outerTaskFinished.get());
    assertFalse(outer.get().cancelScope().cancelCalled());
  }

  // ---- closing --------------------------------------------------------------------------------

  @WeftTest
  void startSoon_afterGroupEnded_throwsIllegalStateSayingTheGroupFinished(Backend backend) {
    // given a group that has ended
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean ran = new AtomicBoolean();

    // when
    Runs.exec(
        backend,
        () -> {
          AtomicReference<TaskGroup> ended = new AtomicReference<>();
          TaskGroup.run(ended::set);
          thrown.set(thrownBy(() -> ended.get().startSoon(() -> ran.set(true))));
        });

    // then
    IllegalStateException ise = assertInstanceOf(IllegalStateException.class, thrown.get());
    assertTrue(ise.getMessage().contains("finished"), ise::getMessage);
    assertFalse(ran.get());
  }

  @WeftTest
  void startSoon_fromTaskWhileHostWaitsInExit_startsATaskThatRunWaitsFor(Backend backend) {
    // given a task that starts another one after the body has ended
    Event bodyEnded = new Event();
    AtomicReference<Throwable> startSoonThrew = new AtomicReference<>();
    AtomicBoolean lateTaskFinished = new AtomicBoolean();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  g.startSoon(
                      () -> {
                        bodyEnded.await();
                        startSoonThrew.set(
                            thrownBy(
                                () ->
                                    g.startSoon(
                                        "late",
                                        () -> {
                                          Weft.checkpoint();
                                          lateTaskFinished.set(true);
                                        })));
                      });
                  bodyEnded.set();
                }));

    // then
    assertNull(startSoonThrew.get());
    assertTrue(lateTaskFinished.get());
  }

  @WeftTest
  void startSoon_fromThreadOutsideWeft_throwsIllegalState(Backend backend) {
    // given
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean ran = new AtomicBoolean();

    // when a plain thread tries to start a task in an open group
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  Thread outsider =
                      Thread.ofPlatform()
                          .start(() -> thrown.set(thrownBy(() -> g.startSoon(() -> ran.set(true)))));
                  outsider.join();
                }));

    // then
    assertInstanceOf(IllegalStateException.class, thrown.get());
    assertFalse(ran.get());
  }

  // ---- cancellation interplay -----------------------------------------------------------------

  @WeftTest
  void cancellingGroupScope_cancelsBodyAndTasks_andRunReturnsNormally(Backend backend) {
    // given two tasks and the body, all asleep until cancelled
    Event aAsleep = new Event();
    Event bAsleep = new Event();
    AtomicReference<Throwable> aSaw = new AtomicReference<>();
    AtomicReference<Throwable> bSaw = new AtomicReference<>();
    AtomicReference<Throwable> bodySaw = new AtomicReference<>();
    AtomicReference<TaskGroup> group = new AtomicReference<>();

    // when the body cancels the group's scope
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  group.set(g);
                  g.startSoon(() -> sleepRecording(aAsleep, aSaw));
                  g.startSoon(() -> sleepRecording(bAsleep, bSaw));
                  aAsleep.await();
                  bAsleep.await();
                  g.cancelScope().cancel();
                  sleepRecording(new Event(), bodySaw);
                }));

    // then
    assertInstanceOf(CancelledException.class, aSaw.get());
    assertInstanceOf(CancelledException.class, bSaw.get());
    assertInstanceOf(CancelledException.class, bodySaw.get());
    assertTrue(group.get().cancelScope().cancelledCaught());
  }

  @WeftTest
  void taskCancellingTheGroupScope_cancelsItsSiblings_andRunReturnsNormally(Backend backend) {
    // given
    Event asleep = new Event();
    AtomicReference<Throwable> siblingSaw = new AtomicReference<>();
    AtomicReference<TaskGroup> group = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  group.set(g);
                  g.startSoon(() -> sleepRecording(asleep, siblingSaw));
                  g.startSoon(
                      () -> {
                        asleep.await();
                        g.cancelScope().cancel();
                      });
                }));

    // then
    assertInstanceOf(CancelledException.class, siblingSaw.get());
    assertTrue(group.get().cancelScope().cancelledCaught());
  }

  @WeftTest
  void outerScopeCancelled_groupThrowsOneCancelledException_thatTheOuterScopeCatches(
      Backend backend) {
    // given two tasks asleep inside a group inside an outer scope
    CancelScope outer = CancelScope.create();
    Event aAsleep = new Event();
    Event bAsleep = new Event();
    AtomicReference<Throwable> escaped = new AtomicReference<>();

    // when the outer scope is cancelled
    Runs.exec(
        backend,
        () ->
            outer.run(
                () -> {
                  try {
                    TaskGroup.run(
                        g -> {
                          g.startSoon(() -> sleepRecording(aAsleep, new AtomicReference<>()));
                          g.startSoon(() -> sleepRecording(bAsleep, new AtomicReference<>()));
                          aAsleep.await();
                          bAsleep.await();
                          outer.cancel();
                        });
                  } catch (RuntimeException | CancelledException e) {
                    escaped.set(e);
                    throw e;
                  }
                }));

    // then
    CancelledException ce = assertInstanceOf(CancelledException.class, escaped.get());
    assertSame(outer, ce.scope());
    assertTrue(outer.cancelledCaught());
  }

  @WeftTest
  void shieldInsideBody_doesNotShieldTasksStartedFromIt(Backend backend) {
    // given a task started from inside a shielded scope of the body
    CancelScope outer = CancelScope.create();
    Event asleep = new Event();
    AtomicReference<Throwable> childSaw = new AtomicReference<>();

    // when the scope around the group is cancelled
    Runs.exec(
        backend,
        () ->
            outer.run(
                () ->
                    TaskGroup.run(
                        g ->
                            CancelScope.shielded()
                                .run(
                                    () -> {
                                      g.startSoon(() -> sleepRecording(asleep, childSaw));
                                      asleep.await();
                                      outer.cancel();
                                    }))));

    // then
    CancelledException ce = assertInstanceOf(CancelledException.class, childSaw.get());
    assertSame(outer, ce.scope());
    assertTrue(outer.cancelledCaught());
  }

  @WeftTest
  void outerCancelWhileHostWaitsInExit_cancelsTasks_andRunWaitsForTheirCleanup(Backend backend) {
    // given a task with a cleanup that waits, and a canceller that acts after the body ended
    CancelScope outer = CancelScope.create();
    Event asleep = new Event();
    Event bodyEnded = new Event();
    Event cleanupMayFinish = new Event();
    AtomicBoolean cleanedUp = new AtomicBoolean();

    // when
    Runs.exec(
        backend,
        () ->
            outer.run(
                () ->
                    TaskGroup.run(
                        g -> {
                          g.startSoon(
                              "sleeper",
                              () -> {
                                try {
                                  asleep.set();
                                  Weft.sleepForever();
                                } finally {
                                  CancelScope.shielded().run(cleanupMayFinish::await);
                                  cleanedUp.set(true);
                                }
                              });
                          g.startSoon(
                              "canceller",
                              () -> {
                                asleep.await();
                                bodyEnded.await();
                                outer.cancel();
                                cleanupMayFinish.set();
                              });
                          bodyEnded.set();
                        })));

    // then
    assertTrue(cleanedUp.get());
    assertTrue(outer.cancelledCaught());
  }

  @WeftTest
  void cancelledGroup_taskThatSwallowsItsCancellation_getsAnotherAtItsNextCheckpoint(
      Backend backend) {
    // given a task that catches the group's cancellation and carries on
    Event asleep = new Event();
    AtomicReference<Throwable> first = new AtomicReference<>();
    AtomicReference<Throwable> second = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  g.startSoon(
                      () -> {
                        sleepRecording(asleep, first, false);
                        second.set(thrownBy(Weft::checkpoint));
                      });
                  asleep.await();
                  g.cancelScope().cancel();
                }));

    // then
    assertInstanceOf(CancelledException.class, first.get());
    assertInstanceOf(CancelledException.class, second.get());
    assertNotSame(first.get(), second.get());
  }

  // ---- empty and cancelled groups -------------------------------------------------------------

  @WeftTest
  void emptyGroup_inCancelledScope_exitsNormally(Backend backend) {
    // given
    CancelScope scope = CancelScope.create();
    scope.cancel();
    AtomicBoolean afterGroup = new AtomicBoolean();

    // when
    Runs.exec(
        backend,
        () ->
            scope.run(
                () -> {
                  TaskGroup.run(g -> {});
                  afterGroup.set(true);
                }));

    // then
    assertTrue(afterGroup.get());
    assertFalse(scope.cancelledCaught());
  }

  @WeftTest
  void groupWhoseTaskNeverCheckpoints_inCancelledScope_exitsNormally(Backend backend) {
    // given
    CancelScope scope = CancelScope.create();
    scope.cancel();
    AtomicBoolean taskRan = new AtomicBoolean();
    AtomicBoolean afterGroup = new AtomicBoolean();

    // when
    Runs.exec(
        backend,
        () ->
            scope.run(
                () -> {
                  TaskGroup.run(g -> g.startSoon(() -> taskRan.set(true)));
                  afterGroup.set(true);
                }));

    // then
    assertTrue(taskRan.get());
    assertTrue(afterGroup.get());
    assertFalse(scope.cancelledCaught());
  }

  @WeftTest
  void taskStartedIntoCancelledGroup_runsUntilItsFirstCheckpoint(Backend backend) {
    // given
    AtomicBoolean beforeCheckpoint = new AtomicBoolean();
    AtomicBoolean afterCheckpoint = new AtomicBoolean();
    AtomicReference<Throwable> startSoonThrew = new AtomicReference<>();
    AtomicReference<TaskGroup> group = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  group.set(g);
                  g.cancelScope().cancel();
                  startSoonThrew.set(
                      thrownBy(
                          () ->
                              g.startSoon(
                                  () -> {
                                    beforeCheckpoint.set(true);
                                    Weft.checkpoint();
                                    afterCheckpoint.set(true);
                                  })));
                }));

    // then
    assertNull(startSoonThrew.get());
    assertTrue(beforeCheckpoint.get());
    assertFalse(afterCheckpoint.get());
    assertTrue(group.get().cancelScope().cancelledCaught());
  }

  @WeftTest
  void bodyFailure_inCancelledScope_isTheOnlyFailure(Backend backend) {
    // given
    CancelScope scope = CancelScope.create();
    scope.cancel();
    RuntimeException boom = new RuntimeException("boom");

    // when
    TaskGroupException thrown =
        assertThrows(
            TaskGroupException.class,
            () ->
                Runs.exec(
                    backend,
                    () ->
                        scope.run(
                            () ->
                                TaskGroup.run(
                                    g -> {
                                      throw boom;
                                    }))));

    // then
    assertEquals(List.of(boom), thrown.failures());
  }

  @WeftTest
  void bodyCheckpoint_inCancelledGroup_throws_andRunReturnsNormally(Backend backend) {
    // given
    AtomicBoolean afterCheckpoint = new AtomicBoolean();
    AtomicReference<TaskGroup> group = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  group.set(g);
                  g.cancelScope().cancel();
                  Weft.checkpoint();
                  afterCheckpoint.set(true);
                }));

    // then
    assertFalse(afterCheckpoint.get());
    assertTrue(group.get().cancelScope().cancelledCaught());
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** Signals {@code asleep}, sleeps until cancelled, records the cancellation and rethrows it. */
  private static void sleepRecording(Event asleep, AtomicReference<Throwable> saw) {
    sleepRecording(asleep, saw, true);
  }

  private static void sleepRecording(
      Event asleep, AtomicReference<Throwable> saw, boolean rethrow) {
    try {
      asleep.set();
      Weft.sleepForever();
    } catch (CancelledException e) {
      saw.set(e);
      if (rethrow) {
        throw e;
      }
    }
  }

  /** Runs {@code body} and returns what it threw, or {@code null}. */
}
