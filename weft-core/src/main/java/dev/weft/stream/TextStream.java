package dev.weft.stream;

import dev.weft.internal.core.SafeStrings;
import java.nio.charset.Charset;
import java.util.Objects;

/**
 * Text both ways over a {@link ByteStream} (semantics N17; AnyIO's {@code TextStream}): a {@link
 * TextReceiveStream} and a {@link TextSendStream} over the same stream, with its half-close.
 *
 * <p>One task may receive while another sends.
 */
public final class TextStream implements AutoCloseable {

  private final ByteStream stream;
  private final TextReceiveStream in;
  private final TextSendStream out;

  /**
   * Wraps {@code stream}; this object then owns it (closing it closes {@code stream}).
   *
   * @param stream the byte stream
   * @param charset how the bytes encode the text, both ways
   * @throws NullPointerException if an argument is null
   */
  public TextStream(ByteStream stream, Charset charset) {
    this.stream = Objects.requireNonNull(stream, "stream");
    this.in = new TextReceiveStream(stream, charset);
    this.out = new TextSendStream(stream, charset);
  }

  /**
   * Returns the next text received ({@link TextReceiveStream#receive}).
   *
   * @return the text, never empty
   * @throws EndOfStreamException at the end of the stream
   */
  public String receive() {
    return in.receive();
  }

  /**
   * Sends {@code text} ({@link TextSendStream#send}).
   *
   * @param text the text
   */
  public void send(CharSequence text) {
    out.send(text);
  }

  /** Ends the sending direction ({@link ByteStream#sendEof}). */
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
    return "text over " + SafeStrings.of(stream);
  }
}
