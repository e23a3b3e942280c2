package dev.weft.junit;

import dev.weft.ThrowingRunnable;
import dev.weft.ThrowingSupplier;
import dev.weft.Weft;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.spi.Clock;
import dev.weft.spi.Scheduler;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Runs a test's program with {@link Weft#run} and then checks that every thread the run started
 * has ended: no task outlives its run.
 */
public final class Runs {

  private Runs() {}

  /**
   * Runs {@code main} on {@code backend}, then asserts that no task thread is still alive. The
   * check runs however {@code main} ends; each thread is given up to 30 seconds to finish
   * returning.
   *
   * @param <T> the type of the result of {@code main}
   * @param <X> the checked exception {@code main} may throw
   * @param backend the backend to run on
   * @param main the root task's body
   * @return what {@code main} returned
   * @throws X what {@code main} threw, as {@link Weft#run(Backend, ThrowingSupplier)} throws it
   * @throws AssertionError if a task's thread outlived the run (this replaces whatever {@code
   *     main} threw)
   */
  public static <T, X extends Exception> T run(Backend backend, ThrowingSupplier<T, X> main)
      throws X {
    Recording recording = new Recording(backend);
    try {
      return Weft.run(recording, main);
    } finally {
      recording.assertAllEnded();
    }
  }

  /**
   * As {@link #run}, for a program without a result.
   *
   * @param <X> the checked exception {@code main} may throw
   * @param backend the backend to run on
   * @param main the root task's body
   * @throws X what {@code main} threw, as {@link Weft#run(Backend, ThrowingSupplier)} throws it
   * @throws AssertionError if a task's thread outlived the run (this replaces whatever {@code
   *     main} threw)
   */
  public static <X extends Exception> void exec(Backend backend, ThrowingRunnable<X> main)
      throws X {
    run(backend, () -> {
      main.run();
      return null;
    });
  }

  /** A backend that remembers every thread it launched. */
  private static final class Recording implements Backend {
    private final Backend delegate;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    Recording(Backend delegate) {
      this.delegate = delegate;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public Set<BackendFeature> features() {
      return delegate.features();
    }

    @Override
    public Scheduler open() {
      Scheduler s = delegate.open();
      return new Scheduler() {
        @Override
        public Thread launch(String name, Runnable body) {
          Thread t = s.launch(name, body);
          threads.add(t);
          return t;
        }

        @Override
        public void yieldTurn() {
          s.yieldTurn();
        }

        @Override
        public void yieldProcessor() {
          s.yieldProcessor();
        }

        @Override
        public Clock clock() {
          return s.clock();
        }

        @Override
        public void describeTasksWith(Supplier<String> describer) {
          s.describeTasksWith(describer);
        }

        @Override
        public void close() {
          s.close();
        }

        @Override
        public void park(Object blocker) {
          s.park(blocker);
        }

        @Override
        public void unpark(Thread thread) {
          s.unpark(thread);
        }

        @Override
        public int spinsBeforePark() {
          return s.spinsBeforePark();
        }

        @Override
        public int spinsBeforeRendezvousPark() {
          return s.spinsBeforeRendezvousPark();
        }
      };
    }

    /**
     * A task's thread may still be returning from its last instruction when the run ends; join
     * gives it that moment. The bound only keeps a broken run from hanging the build.
     */
    void assertAllEnded() {
      boolean interrupted = Thread.interrupted(); // a test may leave the caller interrupted
      try {
        for (Thread t : threads) {
          try {
            t.join(30_000);
          } catch (InterruptedException e) {
            throw new AssertionError("interrupted while checking that " + t + " ended", e);
          }
          if (t.isAlive()) {
            throw new AssertionError("task thread " + t + " outlived its run");
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
