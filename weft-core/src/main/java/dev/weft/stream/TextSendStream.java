package dev.weft.stream;

import dev.weft.internal.core.SafeStrings;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.util.Objects;

/**
 * Sends text to a {@link ByteSendStream}, encoded with a charset (semantics N17; AnyIO's {@code
 * TextSendStream}). Encoding is strict: text that the charset cannot encode is refused before any
 * byte is sent.
 *
 * <p>Not thread-safe: one task sends through it at a time.
 */
public final class TextSendStream implements AutoCloseable {

  private final ByteSendStream out;
  private final CharsetEncoder encoder;

  /**
   * Wraps {@code out}; this object then owns it (closing it closes {@code out}).
   *
   * @param out the stream to send bytes to
   * @param charset how to encode the text
   * @throws NullPointerException if an argument is null
   */
  public TextSendStream(ByteSendStream out, Charset charset) {
    this.out = Objects.requireNonNull(out, "out");
    this.encoder = Objects.requireNonNull(charset, "charset").newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /**
   * Encodes {@code text} and sends all of its bytes (the byte stream's {@code send} rules apply,
   * also when it is cancelled). A checkpoint.
   *
   * @param text the text
   * @throws IllegalArgumentException if the charset cannot encode {@code text} (nothing sent)
   * @throws NullPointerException if {@code text} is null
   */
  public void send(CharSequence text) {
    Objects.requireNonNull(text, "text");
    ByteBuffer bytes;
    try {
      bytes = encoder.reset().encode(CharBuffer.wrap(text));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "text cannot be encoded in " + encoder.charset() + ": " + e, e);
    }
    out.send(bytes);
  }

  /** Closes the byte stream. Idempotent, never waits, not a checkpoint. */
  @Override
  public void close() {
    out.close();
  }

  @Override
  public String toString() {
    return encoder.charset() + " text to " + SafeStrings.of(out);
  }
}
