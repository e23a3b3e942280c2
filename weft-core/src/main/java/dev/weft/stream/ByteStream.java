package dev.weft.stream;

/**
 * A two-way byte stream whose sending direction can be ended on its own (semantics N3): the
 * shape of a TCP connection, a TLS connection, and {@link ByteStreams}'s memory pairs.
 */
public interface ByteStream extends ByteReceiveStream, ByteSendStream {

  /**
   * Ends the sending direction: the peer receives what was sent, then the end of the stream. This
   * end can still receive. A later {@link #send} throws {@link ClosedResourceException}.
   * Idempotent. Not a checkpoint, unless ending the direction means sending something: a TLS
   * stream sends its {@code close_notify}, and so may wait (semantics N12).
   *
   * @throws ClosedResourceException if this stream was closed
   */
  void sendEof();

  /**
   * Closes both directions: this end's later and blocked operations throw {@link
   * ClosedResourceException}; the peer receives what was sent and then the end, and its sends
   * throw {@link BrokenResourceException}. Idempotent, never waits, not a checkpoint.
   */
  @Override
  void close();
}
