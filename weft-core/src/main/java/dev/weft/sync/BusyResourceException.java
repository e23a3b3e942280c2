package dev.weft.sync;

/**
 * Thrown by a {@link ResourceGuard} when a task starts using a resource that is already in use (by
 * another task, or further up the same task's stack). The second use did not start; the first is
 * unaffected.
 */
public final class BusyResourceException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the detail message, which should name the action, the resource and its user
   */
  public BusyResourceException(String message) {
    super(message);
  }
}
