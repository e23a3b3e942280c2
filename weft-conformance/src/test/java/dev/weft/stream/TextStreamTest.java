package dev.weft.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.junit.ByteStreamChecks;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.time.Timeouts;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Stapled and text streams (semantics N16, N17), over memory pairs on every backend. */
class TextStreamTest {

  /** Text with characters of one to four UTF-8 bytes. */
  private static final String TEXT = "aé€😀 and more: ñ∑🎉";

  @WeftTest
  void aCharacterSplitAcrossSends_isReturnedWhole(Backend backend) {
    String got = Runs.run(backend, () -> {
      ByteStreams.Pair p = ByteStreams.memoryPair();
      try (TextReceiveStream in = new TextReceiveStream(p.b(), StandardCharsets.UTF_8)) {
        byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_8);
        StringBuilder received = new StringBuilder();
        for (byte b : bytes) {
          p.a().send(ByteBuffer.wrap(new byte[] {b}));
          // Each piece that completes a character gives it at once; a partial one gives nothing.
          Timeouts.resultWithin(Duration.ofMillis(1), in::receive).ifPresent(received::append);
        }
        p.a().close();
        assertThrows(EndOfStreamException.class, in::receive);
        return received.toString();
      }
    });

    assertEquals(TEXT, got);
  }

  @WeftTest
  void receiveCancelledWithHalfACharacterBuffered_losesNothing(Backend backend) {
    String got = Runs.run(backend, () -> {
      ByteStreams.Pair p = ByteStreams.memoryPair();
      TextReceiveStream in = new TextReceiveStream(p.b(), StandardCharsets.UTF_8);
      byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8);
      p.a().send(ByteBuffer.wrap(emoji, 0, 2));
      assertEquals(Optional.empty(), Timeouts.resultWithin(Duration.ofMillis(1), in::receive));
      assertEquals(Optional.empty(), Timeouts.resultWithin(Duration.ofMillis(1), in::receive));
      p.a().send(ByteBuffer.wrap(emoji, 2, 2));
      return in.receive();
    });

    assertEquals("😀", got);
  }

  @WeftTest
  void invalidBytes_throwUncheckedIoException(Backend backend) {
    Throwable thrown = Runs.run(backend, () -> {
      ByteStreams.Pair p = ByteStreams.memoryPair();
      TextReceiveStream in = new TextReceiveStream(p.b(), StandardCharsets.UTF_8);
      p.a().send(ByteBuffer.wrap(new byte[] {'o', 'k', (byte) 0xff}));
      assertEquals("ok", in.receive(), "the valid text before the bad byte");
      return assertThrows(UncheckedIOException.class, in::receive);
    });

    assertInstanceOf(CharacterCodingException.class, thrown.getCause());
    assertTrue(thrown.getMessage().contains("UTF-8"), thrown.getMessage());
  }

  @WeftTest
  void anUnfinishedCharacterAtTheEnd_isInvalid(Backend backend) {
    Throwable thrown = Runs.run(backend, () -> {
      ByteStreams.Pair p = ByteStreams.memoryPair();
      TextReceiveStream in = new TextReceiveStream(p.b(), StandardCharsets.UTF_8);
      p.a().send(ByteBuffer.wrap("€".getBytes(StandardCharsets.UTF_8), 0, 2));
      p.a().sendEof();
      return assertThrows(UncheckedIOException.class, in::receive);
    });

    assertInstanceOf(CharacterCodingException.class, thrown.getCause());
  }

  @WeftTest
  void textTheCharsetCannotEncode_isRefusedBeforeAnyByteIsSent(Backend backend) {
    int[] got = Runs.run(backend, () -> {
      ByteStreams.Pair p = ByteStreams.lockstepPair(); // a byte sent would wait for a receiver
      TextSendStream out = new TextSendStream(p.a(), StandardCharsets.US_ASCII);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> out.send("café"));
      assertTrue(e.getMessage().contains("US-ASCII"), e.getMessage());
      out.close();
      return new int[] {p.b().receive(ByteBuffer.allocate(8))};
    });

    assertEquals(-1, got[0], "nothing was sent before the end");
  }

  @WeftTest
  void textStream_bothWays_withHalfClose(Backend backend) {
    String got = Runs.run(backend, () -> {
      ByteStreams.Pair p = ByteStreams.memoryPair();
      try (TextStream client = new TextStream(p.a(), StandardCharsets.UTF_8);
          TextStream server = new TextStream(p.b(), StandardCharsets.UTF_8)) {
        client.send("question? ");
        client.sendEof();
        String question = server.receive();
        assertThrows(EndOfStreamException.class, server::receive);
        server.send("answer ✓");
        return question + client.receive();
      }
    });

    assertEquals("question? answer ✓", got);
  }

  @WeftTest
  void stapledPipes_passTheReusableChecks(Backend backend) {
    Runs.exec(backend, () -> ByteStreamChecks.checkHalfCloseable(() -> {
      ByteStreams.Pair ab = ByteStreams.memoryPair(); // a's sends
      ByteStreams.Pair ba = ByteStreams.memoryPair(); // b's sends
      return new ByteStreams.Pair(ByteStreams.staple(ab.a(), ba.a()),
          ByteStreams.staple(ba.b(), ab.b()));
    }));
  }

  @WeftTest
  void badArguments_throwNamingThem(Backend backend) {
    Runs.exec(backend, () -> {
      ByteStream s = ByteStreams.memoryPair().a();
      assertTrue(assertThrows(NullPointerException.class,
          () -> new TextStream(s, null)).getMessage().contains("charset"));
      assertTrue(assertThrows(NullPointerException.class,
          () -> ByteStreams.staple(null, s)).getMessage().contains("send"));
      assertTrue(assertThrows(NullPointerException.class,
          () -> new TextSendStream(s, StandardCharsets.UTF_8).send(null)).getMessage()
          .contains("text"));
    });
  }
}
