package dev.weft.stream;

/**
 * Thrown by a send when every receive handle of the stream is closed: nobody can ever receive the
 * item. The item was not delivered; the caller still owns it.
 */
public final class BrokenResourceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the detail message, which should name the stream
   */
  public BrokenResourceException(String message) {
    super(message);
  }
}
