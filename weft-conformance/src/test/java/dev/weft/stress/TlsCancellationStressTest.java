package dev.weft.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.net.Tcp;
import dev.weft.net.TcpListener;
import dev.weft.net.TlsStream;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.task.TaskGroup;
import dev.weft.testing.TestCertificates;
import dev.weft.time.Timeouts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TLS receive over TCP under a storm of deadlines (semantics N11): as {@link
 * TcpCancellationStressTest}, with TLS records between the bytes and the socket, so deadlines fire
 * with part of a record read, a record decrypted and not yet returned, or nothing. While it runs,
 * the receiving side also sends (a second task), so receives and sends share the engine. Every
 * byte must arrive once, in order, and the stream must stay usable. Bounded ({@code
 * weft.stress.tls.bytes}, default 200,000 bytes per thread backend); prints what it checked.
 */
class TlsCancellationStressTest {

  private static final int BYTES = Integer.getInteger("weft.stress.tls.bytes", 200_000);

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void tlsReceivesUnderRandomDeadlines_getEveryByteInOrder(Backend backend) throws IOException {
    long seed = Long.getLong("weft.stress.seed", System.nanoTime());
    AtomicInteger cancelled = new AtomicInteger();
    AtomicInteger receives = new AtomicInteger();
    int[] received = {0};
    try (TcpListener listener =
        Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      Runs.exec(backend, () -> {
        AtomicReference<TlsStream> serverEnd = new AtomicReference<>();
        TlsStream[] client = new TlsStream[1];
        TaskGroup.run(g -> {
          g.startSoon("server handshake", () -> serverEnd.set(
              TlsStream.server(listener.accept(), TestCertificates.server())));
          client[0] = TlsStream.client(Tcp.connect(listener.localAddress()),
              TestCertificates.trustingClient(), "localhost");
        });
        try (TlsStream sender = client[0]; TlsStream server = serverEnd.get()) {
          TaskGroup.run(g -> {
            g.startSoon("sender", () -> {
              Random random = new Random(seed);
              int sent = 0;
              while (sent < BYTES) {
                int n = Math.min(BYTES - sent, 1 + random.nextInt(400));
                ByteBuffer chunk = ByteBuffer.allocate(n);
                for (int i = 0; i < n; i++) {
                  chunk.put((byte) (sent + i));
                }
                sender.send(chunk.flip());
                sent += n;
                dev.weft.Weft.sleep(Duration.ofNanos(random.nextInt(300_000)));
              }
            });
            g.startSoon("the receiving side's own sends", () -> {
              ByteBuffer ping = ByteBuffer.allocate(64);
              for (int i = 0; i < 200; i++) {
                server.send(ping.clear());
              }
            });
            g.startSoon("the sending side's receives", () -> {
              ByteBuffer sink = ByteBuffer.allocate(1_024);
              int total = 0;
              while (total < 200 * 64) {
                total += sender.receive(sink.clear());
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

    System.out.printf("TlsCancellationStressTest[%s] seed=%d bytes=%d receives=%d cancelled=%d%n",
        backend.name(), seed, received[0], receives.get(), cancelled.get());
    assertEquals(BYTES, received[0]);
  }
}
