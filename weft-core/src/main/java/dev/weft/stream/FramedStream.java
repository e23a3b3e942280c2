package dev.weft.stream;

import dev.weft.internal.core.SafeStrings;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Messages over a {@link ByteStream}: each message (a frame) is sent as its length, four bytes in
 * big-endian order, then its bytes, and received whole (semantics N18). The object-stream shape
 * (a receive gives one whole message) for protocols that frame by length.
 *
 * <h2>Cancellation</h2>
 * A receive cancelled part-way loses nothing: a length already read is kept, and bytes already
 * received stay buffered, so the next receive returns the same message whole. A send is one
 * {@code send} of the byte stream (its rules apply).
 *
 * <p>One task may receive while another sends.
 */
public final class FramedStream implements AutoCloseable {

  private final ByteStream stream;
  private final BufferedByteReceiveStream in;
  private final int maxFrameBytes;
  private int pendingLength = -1; // a length read whose message is not yet all here
  private boolean broken;

  /**
   * Wraps {@code stream}; this object then owns it (closing it closes {@code stream}).
   *
   * @param stream the byte stream
   * @param maxFrameBytes the largest message accepted either way, from 0 to 2^31 - 1
   * @throws IllegalArgumentException if {@code maxFrameBytes} is negative
   * @throws NullPointerException if {@code stream} is null
   */
  public FramedStream(ByteStream stream, int maxFrameBytes) {
    this.stream = Objects.requireNonNull(stream, "stream");
    if (maxFrameBytes < 0) {
      throw new IllegalArgumentException(
          "maxFrameBytes must be from 0 to " + Integer.MAX_VALUE + ", but was " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
    this.in = new BufferedByteReceiveStream(stream);
  }

  /**
   * Waits for the next message and returns it whole. A checkpoint.
   *
   * @return the message's bytes (empty for an empty message)
   * @throws EndOfStreamException if the stream ended between messages
   * @throws BrokenResourceException if the stream ended inside a message, or a message's length is
   *     larger than {@code maxFrameBytes} (the stream cannot find the next message after that)
   * @throws dev.weft.cancel.CancelledException if cancelled while it waited (nothing lost)
   */
  public byte[] receive() {
    if (broken) {
      throw new BrokenResourceException("an earlier frame of " + SafeStrings.of(stream) + " was bad; the stream"
          + " cannot find the start of the next one");
    }
    try {
      if (pendingLength < 0) {
        int length = ByteBuffer.wrap(in.receiveExactly(4)).getInt();
        if (length < 0 || length > maxFrameBytes) {
          broken = true;
          throw new BrokenResourceException("a frame of " + Integer.toUnsignedString(length)
              + " bytes came, but maxFrameBytes is " + maxFrameBytes);
        }
        pendingLength = length;
      }
      byte[] message = in.receiveExactly(pendingLength);
      pendingLength = -1;
      return message;
    } catch (EndOfStreamException e) {
      if (pendingLength < 0 && in.buffered() == 0) {
        throw new EndOfStreamException();
      }
      broken = true;
      throw new BrokenResourceException("the stream ended inside a frame", e);
    }
  }

  /**
   * Sends {@code message} as one frame. A checkpoint.
   *
   * @param message the message's bytes, at most {@code maxFrameBytes}
   * @throws IllegalArgumentException if {@code message} is longer than {@code maxFrameBytes}
   * @throws NullPointerException if {@code message} is null
   */
  public void send(byte[] message) {
    Objects.requireNonNull(message, "message");
    if (message.length > maxFrameBytes) {
      throw new IllegalArgumentException("message has " + message.length
          + " bytes, but maxFrameBytes is " + maxFrameBytes);
    }
    stream.send(ByteBuffer.allocate(4 + message.length).putInt(message.length).put(message)
        .flip());
  }

  /** Ends the sending direction ({@link ByteStream#sendEof}): the peer's receives end. */
  public void sendEof() {
    stream.sendEof();
  }

  /** Closes the byte stream. Idempotent, never waits, not a checkpoint. */
  @Override
  public void close() {
    stream.close();
  }

  @Override
  public String toString() {
    return "frames over " + SafeStrings.of(stream);
  }
}
