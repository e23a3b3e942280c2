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
import dev.weft.testing.NumberedBytes;
import dev.weft.testing.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
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
            g.startSoon("sender", () -> NumberedBytes.send(sender, BYTES, 400, seed));
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
            int[] counts = NumberedBytes.receiveUnderDeadlines(server, BYTES, seed);
            receives.addAndGet(counts[0]);
            cancelled.addAndGet(counts[1]);
            received[0] = counts[2];
          });
        }
      });
    }

    System.out.printf("TlsCancellationStressTest[%s] seed=%d bytes=%d receives=%d cancelled=%d%n",
        backend.name(), seed, received[0], receives.get(), cancelled.get());
    assertEquals(BYTES, received[0]);
  }
}
