package dev.weft.stream;

import java.nio.ByteBuffer;

/**
 * The sending side of a byte stream (semantics N).
 *
 * <h2>Cancellation</h2>
 * {@link #send} is a checkpoint. What a cancelled send leaves behind depends on the stream: if
 * some of its bytes may have reached the peer, the stream is broken for further sends, because
 * the caller cannot know how many (Trio's rule); see each implementation.
 */
public interface ByteSendStream extends AutoCloseable {

  /**
   * Sends every remaining byte of {@code src}; its position moves to its limit. A checkpoint.
   *
   * @param src the bytes to send, from its position to its limit
   * @throws ClosedResourceException if this stream was closed or sent its end
   * @throws BrokenResourceException if the peer closed, or an earlier cancelled send broke it
   * @throws dev.weft.sync.BusyResourceException if another send on this stream is in progress
   * @throws dev.weft.cancel.CancelledException if the task was cancelled first
   */
  void send(ByteBuffer src);

  /** Closes this stream; idempotent, never waits, not a checkpoint. */
  @Override
  void close();
}
