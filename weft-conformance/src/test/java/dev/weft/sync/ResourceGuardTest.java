package dev.weft.sync;

import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cancel.CancelScope;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.task.TaskGroup;
import dev.weft.task.TaskInfo;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A resource guard refuses a second use while one is in progress, at once and with a message
 * naming the resource, the action and the user, and always ends a use when its body ends
 * (AnyIO's ResourceGuard).
 */
class ResourceGuardTest {

  private static final ResourceGuard.Statistics IDLE = new ResourceGuard.Statistics(false, null);

  @WeftTest
  void secondUseByAnotherTask_throwsBusyNamingTheResourceTheActionAndTheUser(Backend backend) {
    ResourceGuard guard = new ResourceGuard("the receive stream", "reading from");
    Event inUse = new Event();
    Event done = new Event();

    String message = Runs.run(backend, () -> {
      AtomicReference<String> got = new AtomicReference<>();
      TaskGroup.run(group -> {
        group.startSoon("reader", () -> guard.run(() -> {
          inUse.set();
          done.await();
        }));
        inUse.await();
        got.set(assertThrows(BusyResourceException.class, () -> guard.run(() -> { }))
            .getMessage());
        done.set();
      });
      return got.get();
    });

    assertEquals("cannot start reading from the receive stream: task 'reader' (#2) is already "
        + "reading from it", message);
    assertEquals(IDLE, guard.statistics());
  }

  @WeftTest
  void nestedUseBySameTask_throwsBusyNamingTheCaller_andTheOuterUseContinues(Backend backend) {
    ResourceGuard guard = new ResourceGuard("the connection", "using");

    List<Object> seen = Runs.run(backend, () -> guard.call(() -> List.of(
        assertThrows(BusyResourceException.class, guard::enter).getMessage(),
        guard.statistics())));

    assertEquals("cannot start using the connection: the caller, task 'main' (#1), is already "
        + "using it", seen.get(0));
    assertTrue(((ResourceGuard.Statistics) seen.get(1)).inUse(), "the outer use is unaffected");
    assertEquals(IDLE, guard.statistics());
  }

  @WeftTest
  void use_endsEvenWhenTheBodyThrows_andTheExceptionPropagatesUnchanged(Backend backend) {
    ResourceGuard guard = new ResourceGuard("the file", "writing to");
    IOException failure = new IOException("disk full");

    List<Object> seen = Runs.run(backend, () -> {
      List<Object> got = new ArrayList<>();
      try {
        guard.run(() -> {
          throw failure;
        });
      } catch (IOException e) {
        got.add(e);
      }
      got.add(guard.call(() -> "used again"));
      return got;
    });

    assertSame(failure, seen.get(0));
    assertEquals("used again", seen.get(1));
  }

  @WeftTest
  @SuppressWarnings("try") // the second use's variable is only there to be closed
  void tryWithResources_statisticsShowTheUser_andCloseIsIdempotent(Backend backend) {
    ResourceGuard guard = new ResourceGuard("the stream", "reading from");

    List<Object> seen = Runs.run(backend, () -> {
      List<Object> got = new ArrayList<>();
      ResourceGuard.Use first;
      try (ResourceGuard.Use use = guard.enter()) {
        first = use;
        got.add(guard.statistics());
        got.add(TaskInfo.current());
      }
      try (ResourceGuard.Use second = guard.enter()) {
        first.close(); // a stale use closed again must not end the current one
        got.add(guard.statistics().inUse());
      }
      return got;
    });

    assertEquals(new ResourceGuard.Statistics(true, (TaskInfo) seen.get(1)), seen.get(0));
    assertEquals(true, seen.get(2));
    assertEquals(IDLE, guard.statistics());
  }

  @WeftTest
  void use_isNotACheckpoint_itsBodyRunsInACancelledScope(Backend backend) {
    ResourceGuard guard = new ResourceGuard("the stream", "reading from");
    CancelScope scope = CancelScope.create();
    AtomicBoolean ran = new AtomicBoolean();

    Runs.exec(backend, () -> scope.run(() -> {
      scope.cancel();
      guard.run(() -> ran.set(true));
    }));

    assertTrue(ran.get());
    assertFalse(scope.cancelledCaught(), "nothing reached a checkpoint");
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM) // a task waits for a thread outside the run
  void threadOutsideWeft_canUseIt_andIsNamedInTheBusyMessage(Backend backend)
      throws InterruptedException {
    ResourceGuard guard = new ResourceGuard("the socket", "reading from");
    Event inUse = new Event();
    Event done = new Event();
    Thread plain = Thread.ofPlatform().name("legacy").start(() -> guard.run(() -> {
      inUse.set();
      done.await();
    }));

    List<Object> seen = Runs.run(backend, () -> {
      inUse.await();
      List<Object> got = List.of(
          assertThrows(BusyResourceException.class, guard::enter).getMessage(),
          guard.statistics());
      done.set();
      return got;
    });
    plain.join();

    assertEquals("cannot start reading from the socket: thread 'legacy' is already reading from "
        + "it", seen.get(0));
    assertEquals(new ResourceGuard.Statistics(true, null), seen.get(1));
    until(() -> !guard.statistics().inUse());
    assertNull(guard.statistics().user());
  }
}
