package dev.weft.stream;

import java.nio.ByteBuffer;

/**
 * The receiving side of a byte stream: a memory pair's end, and later a socket or a TLS
 * connection (semantics N).
 *
 * <h2>Cancellation</h2>
 * {@link #receive} is a checkpoint. A receive cancelled while it waits has consumed nothing: the
 * next receive gets every byte it would have got, and the stream stays usable.
 */
public interface ByteReceiveStream extends AutoCloseable {

  /**
   * Waits until at least one byte is there, then moves up to {@code dst.remaining()} bytes into
   * {@code dst}. A checkpoint.
   *
   * @param dst where the bytes go, from its position; it must have room for at least one
   * @return how many bytes were received (at least one), or -1 at the end of the stream
   * @throws IllegalArgumentException if {@code dst} has no room
   * @throws ClosedResourceException if this stream is or gets closed (nothing consumed)
   * @throws dev.weft.sync.BusyResourceException if another receive on this stream is in progress
   * @throws dev.weft.cancel.CancelledException if the task was cancelled first (nothing consumed)
   */
  int receive(ByteBuffer dst);

  /** Closes this stream; idempotent, never waits, not a checkpoint. */
  @Override
  void close();
}
