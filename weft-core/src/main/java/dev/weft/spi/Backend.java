package dev.weft.spi;

import dev.weft.internal.backend.DecoratedBackend;
import dev.weft.internal.backend.ThreadBackend;
import java.util.Set;

/**
 * Decides how Weft's tasks run: which threads they get, how they park, and what the clock is.
 *
 * <p>Every backend runs the same semantics (see {@code docs/semantics.md}); they differ in how
 * tasks are scheduled. Weft ships {@linkplain #virtualThreads() virtual threads} (the default) and
 * {@linkplain #platformThreads() platform threads}; the {@code weft-deterministic} module adds a
 * backend that runs one task at a time under a seeded schedule with a virtual clock.
 *
 * <p>A backend is a stateless description; {@link #open()} creates the state of one run.
 */
public interface Backend {

  /**
   * Returns a short name for reports and test names, such as {@code "virtual"}.
   *
   * @return this backend's name
   */
  String name();

  /**
   * Creates the scheduler of one run. Called by {@code Weft.run}, once per run.
   *
   * @return a new scheduler, which Weft closes when the run has ended
   */
  Scheduler open();

  /**
   * Returns what this backend can do beyond the common semantics; empty by default.
   *
   * @return the features of this backend
   */
  default Set<BackendFeature> features() {
    return Set.of();
  }

  /**
   * Returns this backend with {@code decorator} wrapping the body of every task of its runs, the
   * root task included (semantics Y2). Applied again, the new decorator wraps the earlier one.
   *
   * @param decorator carries a context from each starting task into the task it starts
   * @return a backend that schedules as this one does
   * @throws NullPointerException if {@code decorator} is null
   */
  default Backend withTaskDecorator(TaskDecorator decorator) {
    return DecoratedBackend.of(this, decorator);
  }

  /**
   * Returns this backend with a deadlock watchdog on each of its runs (semantics O5): a run whose
   * tasks have all been parked for at least {@code delay} on Weft primitives that only the run
   * itself can complete, with no deadline pending, is reported once through {@code
   * System.Logger} (logger {@code dev.weft}, level {@code WARNING}, with the task tree) and a JFR
   * event {@code dev.weft.Deadlock}. The run is never cancelled: a thread outside it may still
   * wake it.
   *
   * @param delay how long every task must have been parked before the run is reported
   * @return a backend whose runs are watched
   * @throws NullPointerException if {@code delay} is null
   * @throws IllegalArgumentException if {@code delay} is not positive, or this backend is the
   *     deterministic one (it reports deadlocks itself)
   */
  default Backend withDeadlockWatchdog(java.time.Duration delay) {
    return DecoratedBackend.withWatchdog(this, delay);
  }

  /**
   * Each task runs on its own virtual thread; the clock is {@link System#nanoTime()}. The default.
   *
   * @return the virtual-thread backend
   */
  static Backend virtualThreads() {
    return ThreadBackend.VIRTUAL;
  }

  /**
   * Each task runs on its own platform (daemon) thread; the clock is {@link System#nanoTime()}.
   *
   * @return the platform-thread backend
   */
  static Backend platformThreads() {
    return ThreadBackend.PLATFORM;
  }
}
