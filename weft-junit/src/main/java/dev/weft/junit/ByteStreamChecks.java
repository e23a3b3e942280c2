package dev.weft.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.stream.BrokenResourceException;
import dev.weft.stream.ByteReceiveStream;
import dev.weft.stream.ByteStream;
import dev.weft.stream.ByteStreams;
import dev.weft.stream.ClosedResourceException;
import dev.weft.task.TaskGroup;
import dev.weft.time.Timeouts;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reusable checks that a {@link ByteStream} implementation keeps Weft's byte-stream rules
 * (semantics N; Trio's {@code check_two_way_stream} and {@code check_half_closeable_stream}). Call
 * them from a test that runs inside a Weft task, for example a parameterless {@link WeftTest}, with
 * a factory that returns a fresh connected pair each time.
 *
 * <pre>{@code
 * @WeftTest
 * void myStreamKeepsTheRules() {
 *     ByteStreamChecks.checkHalfCloseable(() -> connectMyPair());
 * }
 * }</pre>
 */
public final class ByteStreamChecks {

  private ByteStreamChecks() {}

  /**
   * Checks a two-way stream: bytes arrive in order in both directions, also both at once and in
   * amounts larger than any buffer; a receive cancelled by a deadline consumes nothing; closing an
   * end makes its own operations throw {@link ClosedResourceException}, and the peer receives the
   * end and gets {@link BrokenResourceException} from its sends.
   *
   * @param pairs makes a fresh connected pair for each check
   * @throws AssertionError if a rule does not hold
   */
  public static void checkTwoWay(Supplier<ByteStreams.Pair> pairs) {
    inOrderBothWays(pairs.get());
    bothWaysAtOnce(pairs.get());
    cancelledReceiveConsumesNothing(pairs.get());
    closeEndsBothDirections(pairs.get());
  }

  /**
   * Checks a half-closeable stream: everything {@link #checkTwoWay} checks, and that after {@code
   * sendEof()} the peer receives what was sent and then the end, while the other direction still
   * works.
   *
   * @param pairs makes a fresh connected pair for each check
   * @throws AssertionError if a rule does not hold
   */
  public static void checkHalfCloseable(Supplier<ByteStreams.Pair> pairs) {
    checkTwoWay(pairs);
    sendEofEndsOneDirection(pairs.get());
  }

  private static void inOrderBothWays(ByteStreams.Pair p) {
    try (ByteStream a = p.a(); ByteStream b = p.b()) {
      TaskGroup.run(g -> {
        g.startSoon(() -> a.send(ByteBuffer.wrap(data(10, 1))));
        assertArrayEquals(data(10, 1), receiveExactly(b, 10), "a to b");
      });
      TaskGroup.run(g -> {
        g.startSoon(() -> b.send(ByteBuffer.wrap(data(7, 2))));
        assertArrayEquals(data(7, 2), receiveExactly(a, 7), "b to a");
      });
    }
  }

  private static void bothWaysAtOnce(ByteStreams.Pair p) {
    int size = 1 << 16; // larger than a socket's buffers, so that lockstep-like flow control shows
    try (ByteStream a = p.a(); ByteStream b = p.b()) {
      TaskGroup.run(g -> {
        g.startSoon(() -> a.send(ByteBuffer.wrap(data(size, 3))));
        g.startSoon(() -> b.send(ByteBuffer.wrap(data(size, 4))));
        g.startSoon(() -> assertArrayEquals(data(size, 4), receiveExactly(a, size), "b to a"));
        assertArrayEquals(data(size, 3), receiveExactly(b, size), "a to b");
      });
    }
  }

  private static void cancelledReceiveConsumesNothing(ByteStreams.Pair p) {
    try (ByteStream a = p.a(); ByteStream b = p.b()) {
      Optional<Integer> early = Timeouts.resultWithin(Duration.ofMillis(10),
          () -> b.receive(ByteBuffer.allocate(8)));
      assertEquals(Optional.empty(), early, "nothing was sent, yet a receive returned");
      TaskGroup.run(g -> {
        g.startSoon(() -> a.send(ByteBuffer.wrap(data(5, 5))));
        assertArrayEquals(data(5, 5), receiveExactly(b, 5), "bytes after a cancelled receive");
      });
    }
  }

  private static void closeEndsBothDirections(ByteStreams.Pair p) {
    ByteStream a = p.a();
    try (ByteStream b = p.b()) {
      a.close();
      a.close(); // idempotent
      assertThrows(ClosedResourceException.class, () -> a.send(ByteBuffer.wrap(data(1, 6))),
          "send on a closed end");
      assertThrows(ClosedResourceException.class, () -> a.receive(ByteBuffer.allocate(1)),
          "receive on a closed end");
      assertEquals(-1, b.receive(ByteBuffer.allocate(1)), "the peer receives the end");
      assertThrows(BrokenResourceException.class, () -> sendUntilBroken(b),
          "the peer's sends after the close");
    }
  }

  private static void sendEofEndsOneDirection(ByteStreams.Pair p) {
    try (ByteStream a = p.a(); ByteStream b = p.b()) {
      TaskGroup.run(g -> {
        g.startSoon(() -> {
          a.send(ByteBuffer.wrap(data(3, 7)));
          a.sendEof();
        });
        assertArrayEquals(data(3, 7), receiveExactly(b, 3), "before the end");
        assertEquals(-1, b.receive(ByteBuffer.allocate(1)), "the end after sendEof");
      });
      assertThrows(ClosedResourceException.class, () -> a.send(ByteBuffer.wrap(data(1, 8))),
          "send after sendEof");
      TaskGroup.run(g -> {
        g.startSoon(() -> b.send(ByteBuffer.wrap(data(4, 9))));
        assertArrayEquals(data(4, 9), receiveExactly(a, 4), "the other direction after sendEof");
      });
    }
  }

  /** A stream may buffer what is sent before it notices the close; sooner or later it breaks. */
  private static void sendUntilBroken(ByteStream s) {
    for (int i = 0; i < 1_000; i++) {
      s.send(ByteBuffer.wrap(data(1_024, 10)));
    }
    throw new AssertionError("1,000 sends to a closed peer all succeeded");
  }

  private static byte[] receiveExactly(ByteReceiveStream in, int n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(n);
    ByteBuffer buffer = ByteBuffer.allocate(Math.min(n, 4_096));
    while (out.size() < n) {
      buffer.clear().limit(Math.min(buffer.capacity(), n - out.size()));
      int got = in.receive(buffer);
      assertTrue(got > 0, "the stream ended after " + out.size() + " of " + n + " bytes");
      out.write(buffer.array(), 0, got);
    }
    return out.toByteArray();
  }

  private static byte[] data(int n, int seed) {
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) (i * 31 + seed);
    }
    return bytes;
  }
}
