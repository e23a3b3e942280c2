package dev.weft.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.stream.ByteReceiveStream;
import dev.weft.stream.ByteSendStream;
import dev.weft.time.Timeouts;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;

/**
 * The byte-stream stress tests' traffic: byte {@code i} of a run is {@code (byte) i}, sent in
 * random chunks with random pauses, and received under a storm of random deadlines that cancel
 * many receives, some while they read. Every byte must arrive once and in order.
 */
public final class NumberedBytes {

  private NumberedBytes() {}

  /** Sends bytes 0 to {@code count - 1} in chunks of 1 to {@code maxChunk}, pausing up to 0.3 ms. */
  public static void send(ByteSendStream out, int count, int maxChunk, long seed) {
    Random random = new Random(seed);
    int sent = 0;
    while (sent < count) {
      int n = Math.min(count - sent, 1 + random.nextInt(maxChunk));
      ByteBuffer chunk = ByteBuffer.allocate(n);
      for (int i = 0; i < n; i++) {
        chunk.put((byte) (sent + i));
      }
      out.send(chunk.flip());
      sent += n;
      Weft.sleep(Duration.ofNanos(random.nextInt(300_000)));
    }
  }

  /**
   * Receives {@code count} bytes with receives whose deadlines (0 to 0.3 ms) cancel many of them,
   * checking each byte; returns how many receives were made, how many were cancelled, and how
   * many bytes arrived.
   */
  public static int[] receiveUnderDeadlines(ByteReceiveStream in, int count, long seed) {
    Random random = new Random(seed * 31);
    ByteBuffer buffer = ByteBuffer.allocate(3_000);
    int received = 0;
    int receives = 0;
    int cancelled = 0;
    while (received < count) {
      buffer.clear();
      Optional<Integer> got = Timeouts.resultWithin(
          Duration.ofNanos(random.nextInt(300_000)), () -> in.receive(buffer));
      receives++;
      if (got.isEmpty()) {
        cancelled++;
        continue;
      }
      int n = got.get();
      assertTrue(n > 0, "the stream ended after " + received + " bytes");
      for (int i = 0; i < n; i++) {
        assertEquals((byte) (received + i), buffer.get(i),
            "byte " + (received + i) + " (seed " + seed + ")");
      }
      received += n;
    }
    return new int[] {receives, cancelled, received};
  }
}
