package dev.weft.stream;

/**
 * Thrown when a handle is used after it was closed (by this task or another), or when a task was
 * blocked on a handle that got closed. The operation had no effect: a send did not deliver its
 * item, and a receive took nothing.
 */
public final class ClosedResourceException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the detail message, which should name the closed handle
   */
  public ClosedResourceException(String message) {
    super(message);
  }
}
