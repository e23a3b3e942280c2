package dev.weft.stream;

/**
 * Thrown by a send when every receive handle of the stream is closed: nobody can ever receive the
 * item. The item was not delivered; the caller still owns it. Byte streams throw it when the
 * connection broke (the peer closed or reset it), with the I/O error as its cause.
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

  /**
   * Creates the exception with the error that broke the resource.
   *
   * @param message the detail message, which should name the stream
   * @param cause what broke it, such as a connection reset
   */
  public BrokenResourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
