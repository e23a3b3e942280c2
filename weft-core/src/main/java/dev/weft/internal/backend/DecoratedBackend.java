package dev.weft.internal.backend;

import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.spi.Scheduler;
import dev.weft.spi.TaskDecorator;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * A backend whose runs get more than scheduling: a {@link TaskDecorator} around every task body
 * (semantics Y2), a deadlock watchdog (O5), or both. The run looks them up ({@link #decoratorOf},
 * {@link #watchdogOf}) and applies them; scheduling is the wrapped backend's.
 */
public final class DecoratedBackend implements Backend {

  private final Backend backend;
  private final TaskDecorator decorator; // null: task bodies run as they are
  private final Duration watchdog; // null: not watched

  private DecoratedBackend(Backend backend, TaskDecorator decorator, Duration watchdog) {
    this.backend = backend;
    this.decorator = decorator;
    this.watchdog = watchdog;
  }

  /** {@code backend} with {@code decorator} applied outside any decorator it already has. */
  public static Backend of(Backend backend, TaskDecorator decorator) {
    Objects.requireNonNull(decorator, "decorator");
    if (backend instanceof DecoratedBackend d) {
      TaskDecorator inner = d.decorator;
      TaskDecorator both = inner == null ? decorator
          : body -> decorator.decorate(inner.decorate(body));
      return new DecoratedBackend(d.backend, both, d.watchdog);
    }
    return new DecoratedBackend(backend, decorator, null);
  }

  /** {@code backend} whose runs are watched for deadlocks after {@code delay} (semantics O5). */
  public static Backend withWatchdog(Backend backend, Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative() || delay.isZero()) {
      throw new IllegalArgumentException("delay must be positive, but was " + delay);
    }
    if (backend.features().contains(BackendFeature.DETERMINISTIC_SCHEDULE)) {
      throw new IllegalArgumentException("the " + backend.name() + " backend reports a deadlock"
          + " itself, at once (semantics D4); a watchdog is for the thread backends");
    }
    if (backend instanceof DecoratedBackend d) {
      return new DecoratedBackend(d.backend, d.decorator, delay);
    }
    return new DecoratedBackend(backend, null, delay);
  }

  /** The decorator of {@code backend}'s runs, or {@code null}. */
  public static TaskDecorator decoratorOf(Backend backend) {
    return backend instanceof DecoratedBackend d ? d.decorator : null;
  }

  /** The watchdog delay of {@code backend}'s runs, or {@code null} if they are not watched. */
  public static Duration watchdogOf(Backend backend) {
    return backend instanceof DecoratedBackend d ? d.watchdog : null;
  }

  @Override
  public String name() {
    return backend.name();
  }

  @Override
  public Scheduler open() {
    return backend.open();
  }

  @Override
  public Set<BackendFeature> features() {
    return backend.features();
  }

  @Override
  public String toString() {
    return backend + (decorator != null ? " (decorated)" : "")
        + (watchdog != null ? " (deadlock watchdog after " + watchdog + ")" : "");
  }
}
