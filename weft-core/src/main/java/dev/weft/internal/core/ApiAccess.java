package dev.weft.internal.core;

import dev.weft.cancel.CancelScope;
import dev.weft.cancel.CancelledException;

/**
 * Lets the runtime reach the package-private parts of the public API without making them public
 * (the JDK's "shared secrets" pattern). {@link CancelScope} installs the bridge in its static
 * initializer.
 */
public final class ApiAccess {

  /** What the runtime needs from {@code dev.weft.cancel}. */
  public interface Bridge {
    Scope node(CancelScope scope);

    CancelScope newScope();

    /**
     * @param cancelledBy who called {@code cancel()} ("task 'x' (#3)", "thread 'y'"), or {@code
     *     null} when no one did (a deadline, a failing task, an interrupt)
     */
    CancelledException cancelled(
        CancelScope scope, String reason, String cancelledBy, boolean deadlineExpired);
  }

  private static volatile Bridge bridge;

  private ApiAccess() {}

  public static void install(Bridge b) {
    bridge = b;
  }

  /** Returns the runtime node behind a public cancel scope. */
  public static Scope nodeOf(CancelScope scope) {
    return get().node(scope);
  }

  static Bridge get() {
    Bridge b = bridge;
    if (b == null) {
      try {
        Class.forName(CancelScope.class.getName(), true, ApiAccess.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);
      }
      b = bridge;
    }
    return b;
  }
}
