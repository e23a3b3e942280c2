package dev.weft.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.time.Timeouts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Length-framed messages over byte streams (semantics N18), over memory pairs on every backend. */
class FramedStreamTest {

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The bytes a FramedStream sends for {@code message}. */
  private static byte[] framed(byte[] message) {
    return ByteBuffer.allocate(4 + message.length).putInt(message.length).put(message).array();
  }

  @WeftTest
  void messages_arriveWhole_evenWhenTheirBytesArriveInPieces(Backend backend) {
    String got = Runs.run(backend, () -> {
      ByteStreams.Pair p = ByteStreams.memoryPair();
      try (FramedStream a = new FramedStream(p.a(), 1_024);
          FramedStream b = new FramedStream(p.b(), 1_024)) {
        a.send(text("one"));
        a.send(new byte[0]);
        a.send(text("three"));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3; i++) {
          sb.append('[').append(new String(b.receive(), StandardCharsets.UTF_8)).append(']');
        }
        // A message whose bytes come one at a time through the raw stream.
        ByteStreams.Pair raw = ByteStreams.memoryPair();
        FramedStream framedIn = new FramedStream(raw.b(), 1_024);
        for (byte x : framed(text("pieces"))) {
          raw.a().send(ByteBuffer.wrap(new byte[] {x}));
        }
        sb.append('[').append(new String(framedIn.receive(), StandardCharsets.UTF_8)).append(']');
        a.sendEof();
        assertThrows(EndOfStreamException.class, b::receive);
        return sb.toString();
      }
    });

    assertEquals("[one][][three][pieces]", got);
  }

  @WeftTest
  void receiveCancelledInsideAMessage_losesNothing(Backend backend) {
    byte[] got = Runs.run(backend, () -> {
      ByteStreams.Pair raw = ByteStreams.memoryPair();
      FramedStream in = new FramedStream(raw.b(), 1_024);
      byte[] bytes = framed(text("a message cut in three"));
      raw.a().send(ByteBuffer.wrap(bytes, 0, 2)); // half the length
      assertEquals(Optional.empty(), Timeouts.resultWithin(Duration.ofMillis(1), in::receive));
      raw.a().send(ByteBuffer.wrap(bytes, 2, 8)); // the rest of the length, part of the message
      assertEquals(Optional.empty(), Timeouts.resultWithin(Duration.ofMillis(1), in::receive));
      raw.a().send(ByteBuffer.wrap(bytes, 10, bytes.length - 10));
      return in.receive();
    });

    assertArrayEquals(text("a message cut in three"), got);
  }

  @WeftTest
  void theEndInsideAMessage_isBroken_andBetweenMessagesIsTheEnd(Backend backend) {
    Runs.exec(backend, () -> {
      ByteStreams.Pair raw = ByteStreams.memoryPair();
      FramedStream in = new FramedStream(raw.b(), 1_024);
      byte[] bytes = framed(text("cut short"));
      raw.a().send(ByteBuffer.wrap(bytes, 0, 6));
      raw.a().sendEof();
      BrokenResourceException e = assertThrows(BrokenResourceException.class, in::receive);
      assertTrue(e.getMessage().contains("inside a frame"), e.getMessage());
      assertThrows(BrokenResourceException.class, in::receive, "and stays broken");

      ByteStreams.Pair clean = ByteStreams.memoryPair();
      FramedStream cleanIn = new FramedStream(clean.b(), 1_024);
      clean.a().send(ByteBuffer.wrap(framed(text("whole"))));
      clean.a().sendEof();
      assertArrayEquals(text("whole"), cleanIn.receive());
      assertThrows(EndOfStreamException.class, cleanIn::receive);
    });
  }

  @WeftTest
  void aLengthAboveTheLimit_breaksTheStream(Backend backend) {
    BrokenResourceException e = Runs.run(backend, () -> {
      ByteStreams.Pair raw = ByteStreams.memoryPair();
      FramedStream in = new FramedStream(raw.b(), 16);
      raw.a().send(ByteBuffer.wrap(framed(new byte[17])));
      return assertThrows(BrokenResourceException.class, in::receive);
    });

    assertTrue(e.getMessage().contains("17") && e.getMessage().contains("16"), e.getMessage());
  }

  @WeftTest
  void sendingAMessageAboveTheLimit_isRefused(Backend backend) {
    Runs.exec(backend, () -> {
      ByteStreams.Pair p = ByteStreams.lockstepPair(); // a byte sent would wait for a receiver
      FramedStream out = new FramedStream(p.a(), 16);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> out.send(new byte[17]));
      assertTrue(e.getMessage().contains("17") && e.getMessage().contains("16"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> new FramedStream(p.a(), -1));
      assertThrows(NullPointerException.class, () -> out.send(null));
    });
  }
}
