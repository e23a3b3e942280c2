package dev.weft.stream;

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

/** Buffered receiving over a byte stream (semantics N8). */
class BufferedByteStreamTest {

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static final byte[] CRLF = {'\r', '\n'};

  @WeftTest
  void receiveExactly_collectsAcrossSeveralSends(Backend backend) {
    ByteStreams.Pair p = ByteStreams.memoryPair();
    BufferedByteReceiveStream in = new BufferedByteReceiveStream(p.b());

    String got = Runs.run(backend, () -> {
      p.a().send(bytes("he"));
      p.a().send(bytes("llo wor"));
      p.a().send(bytes("ld"));
      return text(in.receiveExactly(5)) + "|" + text(in.receiveExactly(6));
    });

    assertEquals("hello| world", got);
  }

  @WeftTest
  void receiveUntil_returnsTheBytesBeforeTheDelimiter_evenSplitAcrossSends(Backend backend) {
    ByteStreams.Pair p = ByteStreams.memoryPair();
    BufferedByteReceiveStream in = new BufferedByteReceiveStream(p.b());

    String got = Runs.run(backend, () -> {
      p.a().send(bytes("GET / HTTP/1.1\r"));
      p.a().send(bytes("\nHost: x\r\n\r\nbody"));
      return text(in.receiveUntil(CRLF, 100)) + "|" + text(in.receiveUntil(CRLF, 100)) + "|"
          + text(in.receiveUntil(CRLF, 100)) + "|" + text(in.receiveExactly(4));
    });

    assertEquals("GET / HTTP/1.1|Host: x||body", got);
  }

  @WeftTest
  void receiveExactlyCancelledPartWay_losesNothing_theNextCallGetsEveryByte(Backend backend) {
    ByteStreams.Pair p = ByteStreams.memoryPair();
    BufferedByteReceiveStream in = new BufferedByteReceiveStream(p.b());

    String got = Runs.run(backend, () -> {
      p.a().send(bytes("abc"));
      Optional<byte[]> early = Timeouts.resultWithin(Duration.ofMillis(20),
          () -> in.receiveExactly(6));
      assertTrue(early.isEmpty(), "only half had come");
      p.a().send(bytes("def"));
      return text(in.receiveExactly(6));
    });

    assertEquals("abcdef", got);
  }

  @WeftTest
  void endOfStreamBeforeN_throws_andTheBytesStayBuffered(Backend backend) {
    ByteStreams.Pair p = ByteStreams.memoryPair();
    BufferedByteReceiveStream in = new BufferedByteReceiveStream(p.b());

    String got = Runs.run(backend, () -> {
      p.a().send(bytes("ok"));
      p.a().sendEof();
      EndOfStreamException e = assertThrows(EndOfStreamException.class,
          () -> in.receiveExactly(5));
      assertTrue(e.getMessage().contains("after 2 of the 5 bytes"), e.getMessage());
      ByteBuffer dst = ByteBuffer.allocate(10);
      int n = in.receive(dst);
      return new String(dst.array(), 0, n, StandardCharsets.UTF_8) + "|" + in.receive(dst);
    });

    assertEquals("ok|-1", got);
  }

  @WeftTest
  void noDelimiterWithinMaxBytes_throwsNamingTheLimit_andTheBytesStayBuffered(Backend backend) {
    ByteStreams.Pair p = ByteStreams.memoryPair();
    BufferedByteReceiveStream in = new BufferedByteReceiveStream(p.b());

    String got = Runs.run(backend, () -> {
      p.a().send(bytes("a very long line\r\n"));
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> in.receiveUntil(CRLF, 4));
      assertTrue(e.getMessage().contains("maxBytes = 4"), e.getMessage());
      return text(in.receiveUntil(CRLF, 100));
    });

    assertEquals("a very long line", got);
  }

  @WeftTest
  void badArguments_getClearErrors(Backend backend) {
    ByteStreams.Pair p = ByteStreams.memoryPair();
    BufferedByteReceiveStream in = new BufferedByteReceiveStream(p.b());

    Runs.exec(backend, () -> {
      assertEquals("n must be at least 0, but was -1",
          assertThrows(IllegalArgumentException.class, () -> in.receiveExactly(-1)).getMessage());
      assertTrue(assertThrows(IllegalArgumentException.class,
          () -> in.receiveUntil(new byte[0], 10)).getMessage().contains("delimiter"));
      assertTrue(assertThrows(IllegalArgumentException.class,
          () -> in.receiveUntil(CRLF, 0)).getMessage().contains("maxBytes"));
      assertEquals(0, in.receiveExactly(0).length);
    });
  }
}
