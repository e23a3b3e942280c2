package dev.weft.stream;

/**
 * Thrown by a receive when every send handle of the stream is closed and the buffer is empty:
 * no item will ever come. Nothing was consumed. Iterating over a {@link MemoryReceiveStream} ends
 * quietly at this point instead.
 */
public final class EndOfStreamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception, with a message saying that the stream has ended. */
  public EndOfStreamException() {
    super("every send stream was closed and the buffer is empty");
  }

  /**
   * Creates the exception with a message of its own, such as one that names the stream (a select
   * over several streams says which one ended).
   *
   * @param message what ended
   */
  public EndOfStreamException(String message) {
    super(message);
  }
}
