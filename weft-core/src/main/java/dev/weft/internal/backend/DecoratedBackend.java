package dev.weft.internal.backend;

import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.spi.Scheduler;
import dev.weft.spi.TaskDecorator;
import java.util.Objects;
import java.util.Set;

/**
 * A backend whose runs wrap every task body with a {@link TaskDecorator}; the run looks it up
 * ({@link #decoratorOf}) and applies it where tasks start. Scheduling is the wrapped backend's.
 */
public final class DecoratedBackend implements Backend {

  private final Backend backend;
  private final TaskDecorator decorator;

  private DecoratedBackend(Backend backend, TaskDecorator decorator) {
    this.backend = backend;
    this.decorator = decorator;
  }

  /** {@code backend} with {@code decorator} applied outside any decorator it already has. */
  public static Backend of(Backend backend, TaskDecorator decorator) {
    Objects.requireNonNull(decorator, "decorator");
    if (backend instanceof DecoratedBackend d) {
      TaskDecorator inner = d.decorator;
      return new DecoratedBackend(d.backend, body -> decorator.decorate(inner.decorate(body)));
    }
    return new DecoratedBackend(backend, decorator);
  }

  /** The decorator of {@code backend}'s runs, or {@code null}. */
  public static TaskDecorator decoratorOf(Backend backend) {
    return backend instanceof DecoratedBackend d ? d.decorator : null;
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
    return backend + " (decorated)";
  }
}
