package dev.weft.task;

import static dev.weft.testing.Outcomes.thrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.weft.Weft;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.TaskDecorator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A child task sees its parent's context: inheritable thread-locals, and a task decorator's. */
class TaskContextTest {

  private static final InheritableThreadLocal<String> INHERITED = new InheritableThreadLocal<>();
  private static final ThreadLocal<String> CONTEXT = new ThreadLocal<>();

  /** Carries CONTEXT from the starting thread into the new task, as an MDC decorator would. */
  private static final TaskDecorator CARRY_CONTEXT = body -> {
    String captured = CONTEXT.get();
    return () -> {
      CONTEXT.set(captured);
      try {
        body.run();
      } finally {
        CONTEXT.remove();
      }
    };
  };

  @WeftTest
  void inheritableThreadLocal_flowsFromTheStartingTaskIntoTheNewOne(Backend backend) {
    List<String> seen = new CopyOnWriteArrayList<>();
    INHERITED.set("from the caller");
    try {
      Weft.run(backend, () -> {
        seen.add(INHERITED.get());
        INHERITED.set("from the root task");
        TaskGroup.run(group -> group.startSoon(() -> seen.add(INHERITED.get())));
        return null;
      });
    } finally {
      INHERITED.remove();
    }

    assertEquals(List.of("from the caller", "from the root task"), seen);
  }

  @WeftTest
  void decorator_carriesAContextIntoEveryTask_theRootTaskIncluded(Backend backend) {
    List<String> seen = new CopyOnWriteArrayList<>();
    AtomicInteger decorated = new AtomicInteger();
    Backend traced = backend.withTaskDecorator(CARRY_CONTEXT)
        .withTaskDecorator(body -> {
          decorated.incrementAndGet();
          return body;
        });
    CONTEXT.set("request-1");
    try {
      Weft.run(traced, () -> {
        seen.add("root " + CONTEXT.get());
        TaskGroup.run(group -> {
          group.startSoon(() -> {
            seen.add("child " + CONTEXT.get());
            TaskGroup.run(inner -> inner.startSoon(() -> seen.add("grandchild " + CONTEXT.get())));
          });
          group.start(status -> {
            seen.add("started " + CONTEXT.get());
            status.started();
          });
        });
        return null;
      });
    } finally {
      CONTEXT.remove();
    }

    assertEquals(List.of("child request-1", "grandchild request-1", "root request-1",
        "started request-1"), seen.stream().sorted().toList());
    assertEquals(4, decorated.get());
    assertEquals(backend.name(), traced.name());
    assertEquals(backend.features(), traced.features());
  }

  @WeftTest
  void wrapperThatThrows_failsItsTask_likeItsBodyWould(Backend backend) {
    IllegalStateException refused = new IllegalStateException("no context for you");
    Backend hostile = backend.withTaskDecorator(body -> () -> {
      if (TaskInfo.current().name().equals("child")) {
        throw refused;
      }
      body.run();
    });

    Throwable thrown = thrownBy(() -> Weft.run(hostile, () -> {
      TaskGroup.run(group -> group.startSoon("child", () -> {}));
      return null;
    }));

    assertSame(refused, assertInstanceOf(TaskGroupException.class, thrown).getCause());
  }

  @WeftTest
  void wrapperThatNeverRunsTheBody_endsTheTaskWithoutRunningIt(Backend backend) {
    AtomicBoolean childRan = new AtomicBoolean();
    Backend skipping = backend.withTaskDecorator(body -> () -> {
      if (!TaskInfo.current().name().equals("child")) {
        body.run();
      }
    });

    String result = Weft.run(skipping, () -> {
      TaskGroup.run(group -> group.startSoon("child", () -> childRan.set(true)));
      return "the run went on";
    });

    assertEquals("the run went on", result);
    assertFalse(childRan.get());
  }

  @WeftTest
  void decorateThatThrows_failsTheStart_andTheGroupGoesOn(Backend backend) {
    IllegalStateException refused = new IllegalStateException("cannot decorate");
    AtomicInteger calls = new AtomicInteger();
    Backend failing = backend.withTaskDecorator(body -> {
      if (calls.incrementAndGet() == 2) { // the first is the root task
        throw refused;
      }
      return body;
    });
    List<Throwable> startFailures = new CopyOnWriteArrayList<>();

    Weft.run(failing, () -> {
      TaskGroup.run(group -> {
        startFailures.add(thrownBy(() -> group.startSoon(() -> {})));
        group.startSoon(() -> {});
      });
      return null;
    });

    assertEquals(List.of(refused), startFailures);
    assertEquals(3, calls.get());
  }
}
