package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cancel.CancelledException;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.sync.Event;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link Weft#run} hands back exactly what its main task returned or threw, refuses to nest, and
 * turns an interrupt of its calling thread into a cancellation of the run.
 */
class WeftRunTest {

  // ---- outcome of main ------------------------------------------------------------------------

  @WeftTest
  void run_returnsMainsValue(Backend backend) {
    // when
    String result = Runs.run(backend, () -> "forty-two");

    // then
    assertEquals("forty-two", result);
  }

  @WeftTest
  void run_whenMainThrowsUncheckedException_rethrowsTheSameObject(Backend backend) {
    // given
    IllegalStateException boom = new IllegalStateException("boom");

    // when
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                Runs.run(
                    backend,
                    () -> {
                      throw boom;
                    }));

    // then
    assertSame(boom, thrown);
  }

  @WeftTest
  void run_withABodyWithoutResult_runsIt_andRethrowsItsFailureUnchanged(Backend backend) {
    java.util.List<String> ran = new java.util.ArrayList<>();
    IOException io = new IOException("no route");

    Weft.run(backend, () -> {
      Weft.checkpoint(); // a task's code: a statement body, no "return null"
      ran.add("ran in " + dev.weft.task.TaskInfo.current().name());
    });
    IOException thrown = assertThrows(IOException.class, () -> Weft.run(backend, () -> {
      throw io;
    }));
    String value = Weft.run(backend, () -> "a value"); // a value still picks the other form

    assertEquals(java.util.List.of("ran in main"), ran);
    assertSame(io, thrown);
    assertEquals("a value", value);
  }

  @WeftTest
  void run_whenMainThrowsCheckedException_rethrowsTheSameObject(Backend backend) {
    // given
    IOException io = new IOException("no route");

    // when
    IOException thrown =
        assertThrows(
            IOException.class,
            () ->
                Runs.run(
                    backend,
                    () -> {
                      throw io;
                    }));

    // then
    assertSame(io, thrown);
  }

  @WeftTest
  void run_whenMainThrowsError_rethrowsTheSameObject(Backend backend) {
    // given
    AssertionError error = new AssertionError("broken invariant");

    // when
    Throwable thrown =
        assertThrows(
            Throwable.class,
            () ->
                Runs.run(
                    backend,
                    () -> {
                      throw error;
                    }));

    // then
    assertSame(error, thrown);
  }

  // ---- nesting --------------------------------------------------------------------------------

  @WeftTest
  void run_calledInsideWeftTask_throwsIllegalState_andDoesNotRunItsMain(Backend backend) {
    // given
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean nestedMainRan = new AtomicBoolean();

    // when
    Runs.exec(
        backend,
        () -> {
          try {
            Weft.run(
                backend,
                () -> {
                  nestedMainRan.set(true);
                  return 1;
                });
          } catch (RuntimeException e) {
            thrown.set(e);
          }
        });

    // then
    assertInstanceOf(IllegalStateException.class, thrown.get());
    assertFalse(nestedMainRan.get());
  }

  // ---- interrupting the caller ----------------------------------------------------------------

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM) // a thread outside the run takes part
  void interruptingTheCaller_cancelsMainAtItsCheckpoint(Backend backend) throws Exception {
    // given main asleep on a caller thread
    InterruptedRun run = InterruptedRun.start(backend);

    // when
    run.interruptCallerOnceMainSleeps();

    // then
    assertInstanceOf(CancelledException.class, run.mainSaw.get());
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM) // a thread outside the run takes part
  void interruptingTheCaller_makesRunThrowTheCancellationMainGot(Backend backend)
      throws Exception {
    // given main asleep on a caller thread
    InterruptedRun run = InterruptedRun.start(backend);

    // when
    run.interruptCallerOnceMainSleeps();

    // then
    CancelledException fromMain =
        assertInstanceOf(CancelledException.class, run.mainSaw.get());
    assertSame(fromMain, run.runThrew.get());
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM) // a thread outside the run takes part
  void interruptingTheCaller_leavesTheCallersInterruptStatusSet(Backend backend)
      throws Exception {
    // given main asleep on a caller thread
    InterruptedRun run = InterruptedRun.start(backend);

    // when
    run.interruptCallerOnceMainSleeps();

    // then
    assertTrue(run.callerStillInterrupted.get());
  }

  /**
   * A run whose caller is a dedicated platform thread, so that the test can interrupt it: main
   * signals that it is about to sleep, then sleeps until cancelled and records the cancellation.
   */
  private static final class InterruptedRun {
    final Event mainAsleep = new Event();
    final AtomicReference<Throwable> mainSaw = new AtomicReference<>();
    final AtomicReference<Throwable> runThrew = new AtomicReference<>();
    final AtomicBoolean callerStillInterrupted = new AtomicBoolean();
    Thread caller;

    static InterruptedRun start(Backend backend) {
      InterruptedRun r = new InterruptedRun();
      r.caller =
          Thread.ofPlatform()
              .name("weft-run-caller")
              .start(
                  () -> {
                    try {
                      Runs.run(
                          backend,
                          () -> {
                            try {
                              r.mainAsleep.set();
                              Weft.sleepForever();
                            } catch (CancelledException e) {
                              r.mainSaw.set(e);
                              throw e;
                            }
                            return null;
                          });
                    } catch (Throwable t) {
                      r.runThrew.set(t);
                    }
                    r.callerStillInterrupted.set(Thread.currentThread().isInterrupted());
                  });
      return r;
    }

    /** Waits (outside Weft) until main sleeps, interrupts the caller, and waits for it to end. */
    void interruptCallerOnceMainSleeps() throws InterruptedException {
      mainAsleep.await();
      caller.interrupt();
      caller.join();
    }
  }
}
