package dev.weft.internal.core;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The optional name of a stream or primitive (semantics O6): set once, by a CAS, read without a
 * lock by {@code toString} (so reports built under a resource's own lock can use it).
 */
public final class NameSlot {

  private final AtomicReference<String> name = new AtomicReference<>();

  /** Sets the name of {@code self} once; a second call fails and the first name stays. */
  public void set(String newName, Object self) {
    Objects.requireNonNull(newName, "name");
    if (newName.isBlank()) {
      throw new IllegalArgumentException("name must not be blank, but was '" + newName + "'");
    }
    if (!name.compareAndSet(null, newName)) {
      throw new IllegalStateException(self + " is named already; it cannot be renamed '"
          + newName + "'");
    }
  }

  /** "{@code kind} 'name'@hash", or "{@code kind}@hash" while unnamed. */
  public String label(String kind, Object self) {
    String n = name.get();
    return kind + (n != null ? " '" + n + "'" : "") + "@"
        + Integer.toHexString(System.identityHashCode(self));
  }
}
