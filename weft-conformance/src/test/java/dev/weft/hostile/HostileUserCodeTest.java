package dev.weft.hostile;

import static dev.weft.testing.Outcomes.thrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.task.TaskGroup;
import dev.weft.task.TaskGroupException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * User code is input too: a failure whose {@code toString()} or {@code getMessage()} throws (even a
 * {@link StackOverflowError}) is reported like any other failure, never hangs a run, and never
 * makes a task group return before its tasks have ended.
 */
class HostileUserCodeTest {

  /** A failure whose every text method throws, as a broken or malicious exception might. */
  static final class HostileException extends RuntimeException {
    private final Throwable thrownByText;

    HostileException(Throwable thrownByText) {
      this.thrownByText = thrownByText;
    }

    @Override
    public String getMessage() {
      throw sneaky(thrownByText);
    }

    @Override
    public String getLocalizedMessage() {
      throw sneaky(thrownByText);
    }

    @Override
    public String toString() {
      throw sneaky(thrownByText);
    }

    @SuppressWarnings("unchecked")
    private static <X extends Throwable> X sneaky(Throwable t) throws X {
      throw (X) t;
    }
  }

  private static HostileException hostile() {
    return new HostileException(new IllegalStateException("toString is hostile"));
  }

  @WeftTest
  void childFailureWhoseToStringThrows_isTheGroupsFailure_andTheRunEnds(Backend backend) {
    HostileException failure = hostile();

    Throwable thrown = thrownBy(() -> Runs.exec(backend, () -> TaskGroup.run(g ->
        g.startSoon(() -> {
          throw failure;
        }))));

    TaskGroupException group = assertInstanceOf(TaskGroupException.class, thrown);
    assertSame(failure, group.getCause());
    assertTrue(group.getMessage().contains(HostileException.class.getName()), group.getMessage());
  }

  @WeftTest
  void childFailureWhoseToStringOverflowsTheStack_isTheGroupsFailure(Backend backend) {
    HostileException failure = new HostileException(new StackOverflowError());

    Throwable thrown = thrownBy(() -> Runs.exec(backend, () -> TaskGroup.run(g ->
        g.startSoon(() -> {
          throw failure;
        }))));

    assertSame(failure, assertInstanceOf(TaskGroupException.class, thrown).getCause());
  }

  @WeftTest
  void bodyFailureWhoseToStringThrows_groupWaitsForItsTasks_andReportsIt(Backend backend) {
    HostileException failure = hostile();
    AtomicBoolean childEnded = new AtomicBoolean();
    AtomicBoolean childEndedBeforeRunReturned = new AtomicBoolean();

    Throwable thrown = thrownBy(() -> Runs.exec(backend, () -> {
      try {
        TaskGroup.run(g -> {
          g.startSoon(() -> {
            try {
              Weft.sleepForever();
            } finally {
              childEnded.set(true);
            }
          });
          throw failure;
        });
      } finally {
        childEndedBeforeRunReturned.set(childEnded.get());
      }
    }));

    assertSame(failure, assertInstanceOf(TaskGroupException.class, thrown).getCause());
    assertTrue(childEndedBeforeRunReturned.get(), "TaskGroup.run returned while a task still ran");
  }

  @WeftTest
  @SuppressWarnings("finally") // the finally replaces the cancellation on purpose
  void hostileFailures_amongOthers_areAllListedInOrder(Backend backend) {
    HostileException first = hostile();
    IllegalStateException second = new IllegalStateException("plain");

    Throwable thrown = thrownBy(() -> Runs.exec(backend, () -> TaskGroup.run(g -> {
      g.startSoon(() -> {
        try {
          Weft.sleepForever();
        } finally {
          throw second; // while the group is cancelled by the body's failure
        }
      });
      Weft.cancelShieldedCheckpoint();
      throw first;
    })));

    TaskGroupException group = assertInstanceOf(TaskGroupException.class, thrown);
    assertEquals(2, group.failures().size());
    assertSame(first, group.failures().get(0));
    assertSame(second, group.failures().get(1));
  }
}
