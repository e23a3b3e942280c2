package dev.weft.cancel;

import static dev.weft.testing.Outcomes.thrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.task.TaskGroup;

/**
 * A cancellation's message names who called {@code cancel()}, not only the scope (C13; AnyIO
 * 4.11 and Trio's source task): the task, or a thread outside Weft.
 */
class CancelledMessageTest {

  @WeftTest
  void cancelledByAnotherTask_messageNamesThatTask(Backend backend) {
    CancelScope scope = CancelScope.create();

    Throwable thrown = thrownBy(() -> Runs.exec(backend, () -> TaskGroup.run(g -> {
      g.startSoon("canceller", () -> scope.cancel("enough"));
      scope.run(() -> {
        try {
          Weft.sleepForever();
        } catch (CancelledException e) {
          throw new IllegalStateException(e.getMessage(), e); // carry it out of the scope
        }
      });
    })));

    String message = thrown.getCause().getMessage();
    assertTrue(message.startsWith("cancelled: enough by task 'canceller' (#2) (CancelScope@"),
        message);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM) // a thread outside the run cancels
  void cancelledByAThreadOutsideWeft_messageNamesTheThread(Backend backend) {
    CancelScope scope = CancelScope.create();

    CancelledException seen = Runs.run(backend, () -> scope.call(() -> {
      Thread outsider = Thread.ofPlatform().name("outsider").start(scope::cancel);
      while (outsider.isAlive()) {
        Thread.onSpinWait(); // not join(): Weft's interrupt for the cancellation would end it
      }
      return assertInstanceOf(CancelledException.class, thrownBy(Weft::checkpoint));
    }).orElseThrow());

    assertTrue(seen.getMessage().startsWith("cancelled: cancel() was called by thread 'outsider'"),
        seen.getMessage());
    assertEquals("cancel() was called", seen.reason(), "the reason stays what was given");
  }
}
