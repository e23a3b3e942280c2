package dev.weft.internal.core;

import dev.weft.internal.backend.ThreadBackend;
import dev.weft.spi.Backend;
import java.util.concurrent.Executors;

/**
 * Test-only access to tasks driven by hand on threads the test creates itself, for model checkers
 * that control only the threads they see being started (Lincheck): a run with no root task, tasks
 * in it, and the step that makes the current thread a task.
 */
public final class HandDrivenTasks {

  /** Platform threads from a plain factory, which Lincheck sees being created and started. */
  private static final Backend PLATFORM =
      new ThreadBackend("platform-modelcheck", Executors.defaultThreadFactory());

  private final Runner runner = Runner.forTest(PLATFORM.open());

  /** Returns a new task of this run; call {@link #become} on the thread that runs it. */
  public Task newTask() {
    return runner.newRootTask();
  }

  /** Makes the current thread {@code task}: from here {@code Task.current()} returns it. */
  public static void become(Task task) {
    task.begin();
  }
}
