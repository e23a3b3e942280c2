package dev.weft.stream;

import dev.weft.internal.core.SafeStrings;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.Objects;

/**
 * Receives text from a {@link ByteReceiveStream}, decoding it with a charset (semantics N17;
 * AnyIO's {@code TextReceiveStream}). A character whose bytes arrive in several pieces is returned
 * whole, once all of them are there; bytes received and not yet decoded stay in this object, so a
 * receive cancelled while it waits loses nothing. Decoding is strict: bytes that are not valid in
 * the charset are an error, never replaced.
 *
 * <p>Not thread-safe: one task receives through it at a time.
 */
public final class TextReceiveStream implements AutoCloseable {

  private final ByteReceiveStream in;
  private final CharsetDecoder decoder;
  private final ByteBuffer bytes = ByteBuffer.allocate(4096); // received, not decoded; write mode
  private final CharBuffer chars = CharBuffer.allocate(4096);
  private boolean ended; // the byte stream ended
  private boolean flushed; // and the decoder was told so

  /**
   * Wraps {@code in}; this object then owns it (closing it closes {@code in}).
   *
   * @param in the stream to receive bytes from
   * @param charset how the bytes encode the text
   * @throws NullPointerException if an argument is null
   */
  public TextReceiveStream(ByteReceiveStream in, Charset charset) {
    this.in = Objects.requireNonNull(in, "in");
    this.decoder = Objects.requireNonNull(charset, "charset").newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /**
   * Returns the next text: at least one character, as many as have arrived (up to 4,096). A
   * checkpoint when it has to wait for bytes.
   *
   * @return the text, never empty
   * @throws EndOfStreamException at the end of the stream, once every character was returned
   * @throws UncheckedIOException with a {@link CharacterCodingException} if the bytes are not
   *     valid in the charset (also bytes of an unfinished character at the end)
   * @throws dev.weft.cancel.CancelledException if cancelled while it waited (nothing lost)
   */
  public String receive() {
    while (true) {
      if (!flushed) {
        chars.clear();
        bytes.flip();
        CoderResult result;
        try {
          result = decoder.decode(bytes, chars, ended);
          if (ended && !result.isError() && !result.isOverflow()) {
            result = decoder.flush(chars);
            flushed = !result.isOverflow();
          }
        } finally {
          bytes.compact();
        }
        if (chars.position() > 0) {
          return chars.flip().toString(); // the text before an error first; the error stays
        }
        if (result.isError()) {
          try {
            result.throwException();
          } catch (CharacterCodingException e) {
            throw new UncheckedIOException("the bytes received are not valid "
                + decoder.charset() + " (" + result + ")", e);
          }
        }
      }
      if (flushed) {
        throw new EndOfStreamException();
      }
      if (in.receive(bytes) < 0) {
        ended = true;
      }
    }
  }

  /** Closes the byte stream. Idempotent, never waits, not a checkpoint. */
  @Override
  public void close() {
    in.close();
  }

  @Override
  public String toString() {
    return decoder.charset() + " text from " + SafeStrings.of(in);
  }
}
