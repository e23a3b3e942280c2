package dev.weft.stream;

import dev.weft.internal.stream.ByteArguments;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Receives from a {@link ByteReceiveStream} in the units a protocol needs: exactly {@code n}
 * bytes, or up to a delimiter (semantics N8). Bytes received from the underlying stream and not
 * yet returned stay in this object's buffer, so a call that is cancelled part-way loses nothing:
 * the next call starts from the same byte.
 *
 * <p>Not thread-safe: one task receives through it at a time (as with the stream it wraps).
 */
public final class BufferedByteReceiveStream implements ByteReceiveStream {

  private final ByteReceiveStream in;
  private byte[] buffer = new byte[256];
  private int start;
  private int end;
  private boolean ended;

  /**
   * Wraps {@code in}; this object then owns it (closing it closes {@code in}).
   *
   * @param in the stream to receive from
   * @throws NullPointerException if {@code in} is null
   */
  public BufferedByteReceiveStream(ByteReceiveStream in) {
    this.in = Objects.requireNonNull(in, "in");
  }

  /**
   * Returns buffered bytes if there are any, else receives from the underlying stream. A
   * checkpoint only when it receives.
   *
   * @param dst where the bytes go
   * @return how many bytes were moved, or -1 at the end of the stream
   * @throws IllegalArgumentException if {@code dst} has no room
   */
  @Override
  public int receive(ByteBuffer dst) {
    ByteArguments.requireRoom(dst);
    if (end > start) {
      int n = Math.min(end - start, dst.remaining());
      dst.put(buffer, start, n);
      start += n;
      return n;
    }
    return ended ? -1 : in.receive(dst);
  }

  /**
   * Returns exactly {@code n} bytes, receiving as often as needed. A checkpoint (at each receive).
   *
   * @param n how many bytes, at least 0
   * @return the bytes
   * @throws IllegalArgumentException if {@code n} is negative
   * @throws EndOfStreamException if the stream ends first; what was received stays buffered
   * @throws dev.weft.cancel.CancelledException if cancelled; what was received stays buffered
   */
  public byte[] receiveExactly(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be at least 0, but was " + n);
    }
    while (end - start < n) {
      if (!fill()) {
        throw new EndOfStreamException("the stream ended after " + (end - start) + " of the "
            + n + " bytes asked for (they stay buffered)");
      }
    }
    byte[] out = Arrays.copyOfRange(buffer, start, start + n);
    start += n;
    return out;
  }

  /**
   * Returns the bytes before the next {@code delimiter}, and consumes the delimiter. A checkpoint
   * (at each receive).
   *
   * @param delimiter the bytes that end a unit, at least one
   * @param maxBytes how many bytes may come before the delimiter, at least 1
   * @return the bytes before the delimiter
   * @throws IllegalArgumentException if {@code delimiter} is empty or {@code maxBytes < 1}
   * @throws IllegalStateException if no delimiter comes within {@code maxBytes} (the bytes stay
   *     buffered)
   * @throws EndOfStreamException if the stream ends first (the bytes stay buffered)
   * @throws dev.weft.cancel.CancelledException if cancelled; what was received stays buffered
   */
  public byte[] receiveUntil(byte[] delimiter, int maxBytes) {
    Objects.requireNonNull(delimiter, "delimiter");
    if (delimiter.length == 0) {
      throw new IllegalArgumentException("delimiter must hold at least one byte, but was empty");
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1, but was " + maxBytes);
    }
    int searched = 0; // bytes already known to hold no complete delimiter start
    while (true) {
      int at = indexOf(delimiter, searched);
      if (at >= 0 && at - start <= maxBytes) {
        byte[] out = Arrays.copyOfRange(buffer, start, at);
        start = at + delimiter.length;
        return out;
      }
      if (end - start > maxBytes + delimiter.length - 1 || at >= 0) {
        throw new IllegalStateException("no delimiter within maxBytes = " + maxBytes
            + " bytes (they stay buffered)");
      }
      searched = Math.max(0, end - start - delimiter.length + 1);
      if (!fill()) {
        throw new EndOfStreamException("the stream ended before the delimiter, after "
            + (end - start) + " bytes (they stay buffered)");
      }
    }
  }

  /** The buffer index of the first delimiter at or after {@code start + from}, or -1. */
  private int indexOf(byte[] delimiter, int from) {
    outer:
    for (int i = start + from; i + delimiter.length <= end; i++) {
      for (int j = 0; j < delimiter.length; j++) {
        if (buffer[i + j] != delimiter[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** How many bytes are buffered (received and not yet returned). */
  int buffered() {
    return end - start;
  }

  /** Receives once more into the buffer; false at the end of the stream. */
  private boolean fill() {
    if (ended) {
      return false;
    }
    if (end == buffer.length) {
      int used = end - start;
      if (start > 0 && used < buffer.length / 2) {
        System.arraycopy(buffer, start, buffer, 0, used);
      } else {
        buffer = Arrays.copyOfRange(buffer, start, start + 2 * buffer.length);
      }
      start = 0;
      end = used;
    }
    // Received straight into the buffer: if the receive is cancelled it took nothing, and what
    // earlier receives brought stays here for the next call.
    int n = in.receive(ByteBuffer.wrap(buffer, end, buffer.length - end));
    if (n < 0) {
      ended = true;
      return false;
    }
    end += n;
    return true;
  }

  /** Closes the underlying stream; buffered bytes are dropped. */
  @Override
  public void close() {
    in.close();
  }
}
