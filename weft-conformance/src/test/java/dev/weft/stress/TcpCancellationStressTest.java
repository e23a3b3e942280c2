package dev.weft.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.net.Tcp;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpStream;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.task.TaskGroup;
import dev.weft.time.Timeouts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP receive under a storm of deadlines (semantics N6): a sender writes a numbered byte
 * sequence in random chunks with random pauses, and the receiver reads it with receives whose
 * deadlines (0 to 0.3 ms) cancel most of them, some while the read is under way. Every byte must
 * arrive once, in order, and the connection must never close (the JDK closes a channel whose
 * thread is interrupted during an operation, and Weft's cancellation used to interrupt).
 * Bounded ({@code weft.stress.tcp.bytes}, default 300,000 bytes per thread backend); prints what
 * it checked.
 */
class TcpCancellationStressTest {

  private static final int BYTES = Integer.getInteger("weft.stress.tcp.bytes", 300_000);

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void receivesUnderRandomDeadlines_getEveryByteInOrder_andTheConnectionSurvives(Backend backend)
      throws IOException {
    long seed = Long.getLong("weft.stress.seed", System.nanoTime());
    AtomicInteger cancelled = new AtomicInteger();
    AtomicInteger receives = new AtomicInteger();
    int[] received = {0};
    try (TcpListener listener =
        Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      Runs.exec(backend, () -> {
        try (TcpStream client = Tcp.connect(listener.localAddress());
            TcpStream server = listener.accept()) {
          TaskGroup.run(g -> {
            g.startSoon("sender", () -> {
              Random random = new Random(seed);
              int sent = 0;
              while (sent < BYTES) {
                int n = Math.min(BYTES - sent, 1 + random.nextInt(200));
                ByteBuffer chunk = ByteBuffer.allocate(n);
                for (int i = 0; i < n; i++) {
                  chunk.put((byte) (sent + i));
                }
                client.send(chunk.flip());
                sent += n;
                dev.weft.Weft.sleep(Duration.ofNanos(random.nextInt(300_000)));
              }
            });
            Random random = new Random(seed * 31);
            ByteBuffer buffer = ByteBuffer.allocate(3_000);
            while (received[0] < BYTES) {
              buffer.clear();
              Optional<Integer> got = Timeouts.resultWithin(
                  Duration.ofNanos(random.nextInt(300_000)), () -> server.receive(buffer));
              receives.incrementAndGet();
              if (got.isEmpty()) {
                cancelled.incrementAndGet();
                continue;
              }
              int n = got.get();
              assertEquals(true, n > 0, "the stream ended after " + received[0] + " bytes");
              for (int i = 0; i < n; i++) {
                assertEquals((byte) (received[0] + i), buffer.get(i),
                    "byte " + (received[0] + i) + " (seed " + seed + ")");
              }
              received[0] += n;
            }
          });
        }
      });
    }

    System.out.printf("TcpCancellationStressTest[%s] seed=%d bytes=%d receives=%d cancelled=%d%n",
        backend.name(), seed, received[0], receives.get(), cancelled.get());
    assertEquals(BYTES, received[0]);
  }
}
