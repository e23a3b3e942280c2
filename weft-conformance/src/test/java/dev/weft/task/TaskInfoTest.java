package dev.weft.task;

import static dev.weft.testing.Outcomes.thrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.sync.Event;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link TaskInfo} reports each task's identity, its parent in the task tree, the run's live tasks,
 * and exactly whether a checkpoint of the task would throw.
 */
class TaskInfoTest {

  // ---- identity -------------------------------------------------------------------------------

  @WeftTest
  void rootTask_hasIdOne_nameMain_andNoParent(Backend backend) {
    // when
    TaskInfo root = Runs.run(backend, TaskInfo::current);

    // then
    assertEquals(1, root.id());
    assertEquals("main", root.name());
    assertEquals(Optional.empty(), root.parent());
  }

  @WeftTest
  void unnamedTask_isNamedTaskDashItsId(Backend backend) {
    // given
    AtomicReference<TaskInfo> child = new AtomicReference<>();

    // when
    Runs.exec(
        backend, () -> TaskGroup.run(g -> g.startSoon(() -> child.set(TaskInfo.current()))));

    // then
    assertNotEquals(1, child.get().id());
    assertEquals("task-" + child.get().id(), child.get().name());
  }

  @WeftTest
  void namedTask_hasTheGivenName(Backend backend) {
    // given
    AtomicReference<TaskInfo> child = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () -> TaskGroup.run(g -> g.startSoon("fetcher", () -> child.set(TaskInfo.current()))));

    // then
    assertEquals("fetcher", child.get().name());
  }

  @WeftTest
  void groupBody_runsInTheHostTask(Backend backend) {
    // given
    AtomicReference<TaskInfo> outside = new AtomicReference<>();
    AtomicReference<TaskInfo> inBody = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () -> {
          outside.set(TaskInfo.current());
          TaskGroup.run(g -> inBody.set(TaskInfo.current()));
        });

    // then
    assertEquals(outside.get(), inBody.get());
  }

  // ---- the task tree --------------------------------------------------------------------------

  @WeftTest
  void taskStartedInGroup_hasTheGroupsHostAsParent(Backend backend) {
    // given
    AtomicReference<TaskInfo> host = new AtomicReference<>();
    AtomicReference<TaskInfo> child = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  host.set(TaskInfo.current());
                  g.startSoon(() -> child.set(TaskInfo.current()));
                }));

    // then
    assertEquals(Optional.of(host.get()), child.get().parent());
  }

  @WeftTest
  void taskStartedBySiblingIntoTheGroup_hasTheGroupsHostAsParent(Backend backend) {
    // given
    AtomicReference<TaskInfo> host = new AtomicReference<>();
    AtomicReference<TaskInfo> sibling = new AtomicReference<>();
    AtomicReference<TaskInfo> child = new AtomicReference<>();

    // when a task of the group starts another task into the same group
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  host.set(TaskInfo.current());
                  g.startSoon(
                      () -> {
                        sibling.set(TaskInfo.current());
                        g.startSoon(() -> child.set(TaskInfo.current()));
                      });
                }));

    // then
    assertEquals(Optional.of(host.get()), child.get().parent());
    assertNotEquals(Optional.of(sibling.get()), child.get().parent());
  }

  @WeftTest
  void taskInNestedGroup_hasTheNestedGroupsHostAsParent(Backend backend) {
    // given
    AtomicReference<TaskInfo> nestedHost = new AtomicReference<>();
    AtomicReference<TaskInfo> grandchild = new AtomicReference<>();

    // when a task opens a group of its own
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g ->
                    g.startSoon(
                        () -> {
                          nestedHost.set(TaskInfo.current());
                          TaskGroup.run(
                              inner -> inner.startSoon(() -> grandchild.set(TaskInfo.current())));
                        })));

    // then
    assertEquals(Optional.of(nestedHost.get()), grandchild.get().parent());
  }

  // ---- live tasks -----------------------------------------------------------------------------

  @WeftTest
  void running_listsTheLiveTasksOldestFirst(Backend backend) {
    // given two tasks blocked until released
    Event release = new Event();
    AtomicReference<List<TaskInfo>> snapshot = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  g.startSoon("first", release::await);
                  g.startSoon("second", release::await);
                  snapshot.set(TaskInfo.running());
                  release.set();
                }));

    // then
    assertEquals(List.of("main", "first", "second"), names(snapshot.get()));
  }

  @WeftTest
  void running_omitsTasksThatHaveEnded(Backend backend) {
    // given a live task, and a task of a nested group that has ended
    Event release = new Event();
    AtomicReference<List<TaskInfo>> snapshot = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  g.startSoon("long", release::await);
                  TaskGroup.run(inner -> inner.startSoon("short", () -> {}));
                  snapshot.set(TaskInfo.running());
                  release.set();
                }));

    // then
    assertEquals(List.of("main", "long"), names(snapshot.get()));
  }

  // ---- pending cancellation -------------------------------------------------------------------

  @WeftTest
  void hasPendingCancellation_outsideAnyCancelledScope_isFalse_andCheckpointPasses(
      Backend backend) {
    // given
    AtomicBoolean pending = new AtomicBoolean(true);
    AtomicReference<Throwable> checkpointThrew = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () -> {
          pending.set(TaskInfo.current().hasPendingCancellation());
          checkpointThrew.set(thrownBy(Weft::checkpoint));
        });

    // then
    assertFalse(pending.get());
    assertNull(checkpointThrew.get());
  }

  @WeftTest
  void hasPendingCancellation_inCancelledScope_isTrue_andCheckpointThrows(Backend backend) {
    // given
    CancelScope scope = CancelScope.create();
    AtomicBoolean pending = new AtomicBoolean();
    AtomicReference<Throwable> checkpointThrew = new AtomicReference<>();

    // when
    Runs.exec(
        backend,
        () ->
            scope.run(
                () -> {
                  scope.cancel();
                  pending.set(TaskInfo.current().hasPendingCancellation());
                  checkpointThrew.set(thrownBy(Weft::checkpoint));
                }));

    // then
    assertTrue(pending.get());
    assertInstanceOf(CancelledException.class, checkpointThrew.get());
  }

  @WeftTest
  void hasPendingCancellation_insideShieldUnderCancelledScope_isFalse_andTrueAgainAfterIt(
      Backend backend) {
    // given
    CancelScope scope = CancelScope.create();
    AtomicBoolean inShield = new AtomicBoolean(true);
    AtomicReference<Throwable> checkpointInShieldThrew = new AtomicReference<>();
    AtomicBoolean afterShield = new AtomicBoolean();

    // when
    Runs.exec(
        backend,
        () ->
            scope.run(
                () -> {
                  scope.cancel();
                  CancelScope.shielded()
                      .run(
                          () -> {
                            inShield.set(TaskInfo.current().hasPendingCancellation());
                            checkpointInShieldThrew.set(thrownBy(Weft::checkpoint));
                          });
                  afterShield.set(TaskInfo.current().hasPendingCancellation());
                }));

    // then
    assertFalse(inShield.get());
    assertNull(checkpointInShieldThrew.get());
    assertTrue(afterShield.get());
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM) // blocks outside Weft
  void hasPendingCancellation_askedAboutAnotherTask_followsThatTasksShield(Backend backend) {
    // given a task in its own scope that sits in a shield, then outside it without a checkpoint
    CancelScope taskScope = CancelScope.create();
    AtomicReference<TaskInfo> task = new AtomicReference<>();
    Event inShield = new Event();
    Event leaveShield = new Event();
    Event outOfShield = new Event();
    CompletableFuture<Void> asked = new CompletableFuture<>();
    AtomicBoolean pendingInShield = new AtomicBoolean(true);
    AtomicBoolean pendingAfterShield = new AtomicBoolean();
    AtomicReference<Throwable> checkpointAfterShieldThrew = new AtomicReference<>();

    // when the body cancels the task's scope and asks about the task at each stage
    Runs.exec(
        backend,
        () ->
            TaskGroup.run(
                g -> {
                  g.startSoon(
                      () ->
                          taskScope.run(
                              () -> {
                                task.set(TaskInfo.current());
                                CancelScope.shielded()
                                    .run(
                                        () -> {
                                          inShield.set();
                                          leaveShield.await();
                                        });
                                outOfShield.set();
                                asked.join(); // not a checkpoint, and deaf to interrupts
                                checkpointAfterShieldThrew.set(thrownBy(Weft::checkpoint));
                              }));
                  inShield.await();
                  taskScope.cancel();
                  pendingInShield.set(task.get().hasPendingCancellation());
                  leaveShield.set();
                  outOfShield.await();
                  pendingAfterShield.set(task.get().hasPendingCancellation());
                  asked.complete(null);
                }));

    // then
    assertFalse(pendingInShield.get());
    assertTrue(pendingAfterShield.get());
    assertInstanceOf(CancelledException.class, checkpointAfterShieldThrew.get());
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static List<String> names(List<TaskInfo> tasks) {
    return tasks.stream().map(TaskInfo::name).toList();
  }

  /** Runs {@code body} and returns what it threw, or {@code null}. */
}
