package dev.weft.task;

import static dev.weft.testing.Outcomes.thrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link TaskGroup#start} hands over the value a task passes to {@link TaskStatus#started}, keeps
 * the task under the caller's scopes until then, and moves it into the group afterwards.
 */
class TaskGroupStartTest {

  // ---- the started value ----------------------------------------------------------------------

  @WeftTest
  void start_returnsTheValuePassedToStarted(Backend backend) {
    // given
    AtomicReference<String> returned = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  String v = g.start(status -> status.started("ready"));
                  returned.set(v);
                }));

    // then
    assertEquals("ready", returned.get());
  }

  @WeftTest
  void start_whenStartedIsCalledWithoutValue_returnsNull(Backend backend) {
    // given
    AtomicReference<Object> returned = new AtomicReference<>("not set");

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  Object v = g.start(TaskStatus::started);
                  returned.set(v);
                }));

    // then
    assertNull(returned.get());
  }

  @WeftTest
  void start_returnsOnceStarted_whileTheTaskKeepsRunningInTheGroup(Backend backend) {
    // given a task that goes on after started() until released
    Event release = new Event();
    AtomicBoolean finished = new AtomicBoolean();
    AtomicBoolean finishedWhenStartReturned = new AtomicBoolean(true);

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  g.start(
                      status -> {
                        status.started();
                        release.await();
                        finished.set(true);
                      });
                  finishedWhenStartReturned.set(finished.get());
                  release.set();
                }));

    // then
    assertFalse(finishedWhenStartReturned.get());
    assertTrue(finished.get());
  }

  // ---- failures -------------------------------------------------------------------------------

  @WeftTest
  void failureBeforeStarted_comesOutOfStartUnchanged_andDoesNotFailTheGroup(Backend backend) {
    // given a bystander that finishes only if the group is not cancelled
    RuntimeException boom = new IllegalArgumentException("bad config");
    Event release = new Event();
    AtomicBoolean bystanderFinished = new AtomicBoolean();
    AtomicReference<Throwable> fromStart = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  g.startSoon(
                      "bystander",
                      () -> {
                        release.await();
                        bystanderFinished.set(true);
                      });
                  fromStart.set(
                      thrownBy(
                          () ->
                              g.start(
                                  status -> {
                                    throw boom;
                                  })));
                  release.set();
                }));

    // then
    assertSame(boom, fromStart.get());
    assertTrue(bystanderFinished.get());
  }

  @WeftTest
  void checkedFailureBeforeStarted_comesOutOfStartAsTheSameCheckedException(Backend backend) {
    // given
    IOException io = new IOException("cannot bind");
    AtomicReference<IOException> caught = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  try {
                    g.start(
                        status -> {
                          throw io;
                        });
                  } catch (IOException e) {
                    caught.set(e);
                  }
                }));

    // then
    assertSame(io, caught.get());
  }

  @WeftTest
  void errorBeforeStarted_comesOutOfStartUnchanged(Backend backend) {
    // given
    AssertionError error = new AssertionError("broken invariant");
    AtomicReference<Throwable> fromStart = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g ->
                    fromStart.set(
                        thrownBy(
                            () ->
                                g.start(
                                    status -> {
                                      throw error;
                                    })))));

    // then
    assertSame(error, fromStart.get());
  }

  @WeftTest
  void taskReturningWithoutCallingStarted_makesStartThrowIllegalState(Backend backend) {
    // given
    AtomicReference<Throwable> fromStart = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () -> TaskGroup.run(g -> fromStart.set(thrownBy(() -> g.start(status -> {})))));

    // then
    assertInstanceOf(IllegalStateException.class, fromStart.get());
  }

  @WeftTest
  void startedCalledTwice_throwsIllegalStateInTheTask_andStartReturnsTheFirstValue(
      Backend backend) {
    // given
    AtomicReference<Throwable> secondCallThrew = new AtomicReference<>();
    AtomicReference<String> returned = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  String v =
                      g.start(
                          status -> {
                            status.started("first");
                            secondCallThrew.set(thrownBy(() -> status.started("second")));
                          });
                  returned.set(v);
                }));

    // then
    assertInstanceOf(IllegalStateException.class, secondCallThrew.get());
    assertEquals("first", returned.get());
  }

  @WeftTest
  void startedCalledFromAnotherTask_throwsIllegalState(Backend backend) {
    // given a starting task that hands its status to a sibling
    AtomicReference<TaskStatus<String>> leaked = new AtomicReference<>();
    Event handedOver = new Event();
    Event siblingTried = new Event();
    AtomicReference<Throwable> siblingThrew = new AtomicReference<>();
    AtomicReference<String> returned = new AtomicReference<>();

    // when the sibling calls started() on it
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  g.startSoon(
                      () -> {
                        handedOver.await();
                        siblingThrew.set(thrownBy(() -> leaked.get().started("stolen")));
                        siblingTried.set();
                      });
                  String v =
                      g.start(
                          status -> {
                            leaked.set(status);
                            handedOver.set();
                            siblingTried.await();
                            status.started("own");
                          });
                  returned.set(v);
                }));

    // then
    assertInstanceOf(IllegalStateException.class, siblingThrew.get());
    assertEquals("own", returned.get());
  }

  @WeftTest
  void failureAfterStarted_failsTheGroup(Backend backend) {
    // given
    RuntimeException boom = new RuntimeException("crashed after start");
    Event release = new Event();
    AtomicReference<String> returned = new AtomicReference<>();

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
                              String v =
                                  g.start(
                                      status -> {
                                        status.started("up");
                                        release.await();
                                        throw boom;
                                      });
                              returned.set(v);
                              release.set();
                            })));

    // then
    assertEquals("up", returned.get());
    assertEquals(List.of(boom), thrown.failures());
  }

  // ---- cancellation ---------------------------------------------------------------------------

  @WeftTest
  void groupCancellation_reachesTheTaskAfterItStarted(Backend backend) {
    // given
    AtomicReference<Throwable> taskSaw = new AtomicReference<>();
    AtomicReference<TaskGroup> group = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  group.set(g);
                  g.start(
                      status -> {
                        status.started();
                        sleepRecording(new Event(), taskSaw);
                      });
                  g.cancelScope().cancel();
                }));

    // then
    CancelledException ce = assertInstanceOf(CancelledException.class, taskSaw.get());
    assertSame(group.get().cancelScope(), ce.scope());
    assertTrue(group.get().cancelScope().cancelledCaught());
  }

  @WeftTest
  void cancellingTheCallerAfterStarted_doesNotCancelTheTask(Backend backend) {
    // given a task that goes on after started() until released
    CancelScope callerScope = CancelScope.create();
    Event release = new Event();
    AtomicBoolean finished = new AtomicBoolean();

    // when the caller's scope is cancelled before the task is released
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g ->
                    callerScope.run(
                        () -> {
                          g.start(
                              status -> {
                                status.started();
                                release.await();
                                finished.set(true);
                              });
                          callerScope.cancel();
                          release.set();
                        })));

    // then
    assertTrue(finished.get());
  }

  @WeftTest
  void cancellingTheCallerBeforeStarted_makesStartThrowTheCallersCancellation(Backend backend) {
    // given a starting task asleep before started(), and a canceller in the group
    CancelScope callerScope = CancelScope.create();
    Event taskAsleep = new Event();
    AtomicReference<Throwable> taskSaw = new AtomicReference<>();
    AtomicReference<Throwable> fromStart = new AtomicReference<>();

    // when the caller's scope is cancelled
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  g.startSoon(
                      "canceller",
                      () -> {
                        taskAsleep.await();
                        callerScope.cancel();
                      });
                  callerScope.run(
                      () -> {
                        try {
                          g.start(status -> sleepRecording(taskAsleep, taskSaw));
                        } catch (RuntimeException | CancelledException e) {
                          fromStart.set(e);
                          throw e;
                        }
                      });
                }));

    // then
    CancelledException ce = assertInstanceOf(CancelledException.class, fromStart.get());
    assertSame(callerScope, ce.scope());
    assertInstanceOf(CancelledException.class, taskSaw.get());
    assertTrue(callerScope.cancelledCaught());
  }

  @WeftTest
  void cancellingTheCallerBeforeStarted_cancelsOnlyThatTask_notTheGroup(Backend backend) {
    // given a bystander that finishes only if the group is not cancelled
    CancelScope callerScope = CancelScope.create();
    Event taskAsleep = new Event();
    Event release = new Event();
    AtomicBoolean bystanderFinished = new AtomicBoolean();
    AtomicReference<TaskGroup> group = new AtomicReference<>();

    // when the caller's scope is cancelled while the task has not started
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  group.set(g);
                  g.startSoon(
                      "bystander",
                      () -> {
                        release.await();
                        bystanderFinished.set(true);
                      });
                  g.startSoon(
                      "canceller",
                      () -> {
                        taskAsleep.await();
                        callerScope.cancel();
                      });
                  callerScope.run(
                      () -> g.start(status -> sleepRecording(taskAsleep, new AtomicReference<>())));
                  release.set();
                }));

    // then
    assertFalse(group.get().cancelScope().cancelCalled());
    assertTrue(bystanderFinished.get());
  }

  @WeftTest
  void beforeStarted_theTaskRunsUnderTheCallersScopes_notUnderTheTargetGroups(Backend backend) {
    // given a caller in an outer group starting a task into a nested target group
    Event inSetup = new Event();
    Event proceed = new Event();
    AtomicReference<Throwable> setupThrew = new AtomicReference<>(new AssertionError("not run"));
    AtomicReference<String> returned = new AtomicReference<>();

    // when the target group is cancelled while the task is still setting up
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                outer ->
                    TaskGroup.run(
                        target -> {
                          outer.startSoon(
                              "caller",
                              () -> {
                                String v =
                                    target.start(
                                        status -> {
                                          inSetup.set();
                                          setupThrew.set(thrownBy(proceed::await));
                                          status.started("set up");
                                          Weft.sleepForever();
                                        });
                                returned.set(v);
                              });
                          inSetup.await();
                          target.cancelScope().cancel();
                          proceed.set();
                        })));

    // then the set-up was not cancelled, and start() returned the value
    assertNull(setupThrew.get());
    assertEquals("set up", returned.get());
  }

  @WeftTest
  void startInCancelledScope_throwsAndStartsNothing(Backend backend) {
    // given
    CancelScope callerScope = CancelScope.create();
    callerScope.cancel();
    AtomicBoolean taskRan = new AtomicBoolean();
    AtomicReference<Throwable> fromStart = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g ->
                    callerScope.run(
                        () -> {
                          try {
                            g.start(
                                status -> {
                                  taskRan.set(true);
                                  status.started();
                                });
                          } catch (RuntimeException | CancelledException e) {
                            fromStart.set(e);
                            throw e;
                          }
                        })));

    // then
    assertInstanceOf(CancelledException.class, fromStart.get());
    assertFalse(taskRan.get());
    assertTrue(callerScope.cancelledCaught());
  }

  @WeftTest
  void startInCancelledGroup_throwsAndStartsNothing(Backend backend) {
    // given
    AtomicBoolean taskRan = new AtomicBoolean();
    AtomicReference<Throwable> fromStart = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  g.cancelScope().cancel();
                  try {
                    g.start(
                        status -> {
                          taskRan.set(true);
                          status.started();
                        });
                  } catch (RuntimeException | CancelledException e) {
                    fromStart.set(e);
                    throw e;
                  }
                }));

    // then
    assertInstanceOf(CancelledException.class, fromStart.get());
    assertFalse(taskRan.get());
  }

  // ---- closing --------------------------------------------------------------------------------

  @WeftTest
  void start_afterGroupEnded_throwsIllegalStateAndRunsNothing(Backend backend) {
    // given a group that has ended
    AtomicReference<Throwable> fromStart = new AtomicReference<>();
    AtomicBoolean taskRan = new AtomicBoolean();

    // when
    Runs.exec(
        backend,
        () -> {
          AtomicReference<TaskGroup> ended = new AtomicReference<>();
          TaskGroup.run(ended::set);
          fromStart.set(
              thrownBy(
                  () ->
                      ended
                          .get()
                          .start(
                              status -> {
                                taskRan.set(true);
                                status.started();
                              })));
        });

    // then
    IllegalStateException ise = assertInstanceOf(IllegalStateException.class, fromStart.get());
    assertTrue(ise.getMessage().contains("finished"), ise::getMessage);
    assertFalse(taskRan.get());
  }

  @WeftTest
  void start_fromTaskWhileHostWaitsInExit_startsIntoTheOpenGroup(Backend backend) {
    // given a task that calls start() after the body has ended
    Event bodyEnded = new Event();
    AtomicReference<String> returned = new AtomicReference<>();
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
                        String v =
                            g.start(
                                status -> {
                                  status.started("late");
                                  Weft.checkpoint();
                                  lateTaskFinished.set(true);
                                });
                        returned.set(v);
                      });
                  bodyEnded.set();
                }));

    // then
    assertEquals("late", returned.get());
    assertTrue(lateTaskFinished.get());
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** Signals {@code asleep}, sleeps until cancelled, records the cancellation and rethrows it. */
  private static void sleepRecording(Event asleep, AtomicReference<Throwable> saw) {
    try {
      asleep.set();
      Weft.sleepForever();
    } catch (CancelledException e) {
      saw.set(e);
      throw e;
    }
  }

  /** Runs {@code body} and returns what it threw, or {@code null}. */
}
