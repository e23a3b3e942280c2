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
import dev.weft.testing.NumberedBytes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
            g.startSoon("sender", () -> NumberedBytes.send(client, BYTES, 200, seed));
            int[] counts = NumberedBytes.receiveUnderDeadlines(server, BYTES, seed);
            receives.addAndGet(counts[0]);
            cancelled.addAndGet(counts[1]);
            received[0] = counts[2];
          });
        }
      });
    }

    System.out.printf("TcpCancellationStressTest[%s] seed=%d bytes=%d receives=%d cancelled=%d%n",
        backend.name(), seed, received[0], receives.get(), cancelled.get());
    assertEquals(BYTES, received[0]);
  }
}
