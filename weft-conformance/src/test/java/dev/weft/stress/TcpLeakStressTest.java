package dev.weft.stress;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.weft.cancel.CancelScope;
import dev.weft.internal.backend.IoPoller;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.net.Tcp;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpStream;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.time.Timeouts;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connections with random cancellations leave nothing behind (issue 15's leak check): after
 * {@code weft.stress.tcp.connections} connections (default 10,000 per thread backend), each
 * ending one of five ways (a receive cancelled by a deadline, a connect cancelled before it
 * began, an accept cancelled, an abort, an orderly exchange), the process has no more open file
 * descriptors, poller keys or platform threads than before (a small allowance for the JVM's own
 * files; threads counted are Weft's own). Prints what it counted.
 */
class TcpLeakStressTest {

  private static final int CONNECTIONS = Integer.getInteger("weft.stress.tcp.connections", 10_000);
  private static final long FD_ALLOWANCE = 8;

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void connectionsWithRandomCancellations_leaveNoDescriptorKeyOrThreadBehind(Backend backend)
      throws IOException {
    UnixOperatingSystemMXBean os =
        (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long seed = Long.getLong("weft.stress.seed", System.nanoTime());
    int[] endings = new int[5];
    long fdsBefore;
    int threadsBefore;
    int keysAfter;
    try (TcpListener listener =
        Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      InetSocketAddress at = listener.localAddress();
      Runs.exec(backend, () -> roundTrip(listener, at)); // warm up: the poller thread starts
      fdsBefore = os.getOpenFileDescriptorCount();
      threadsBefore = weftThreads();
      Runs.exec(backend, () -> {
        Random random = new Random(seed);
        for (int i = 0; i < CONNECTIONS; i++) {
          int how = random.nextInt(5);
          endings[how]++;
          switch (how) {
            case 0 -> { // a receive cancelled by a deadline
              TcpStream client = Tcp.connect(at);
              try (client; TcpStream server = listener.accept()) {
                Timeouts.resultWithin(Duration.ZERO, () -> server.receive(ByteBuffer.allocate(8)));
              }
            }
            case 1 -> { // a connect cancelled before it began
              CancelScope scope = CancelScope.create();
              scope.cancel();
              scope.run(() -> Tcp.connect(at).close());
            }
            case 2 -> { // an accept cancelled with nobody connecting
              Timeouts.resultWithin(Duration.ZERO, listener::accept);
            }
            case 3 -> { // an abort
              try (TcpStream server = acceptAfterConnect(listener, at)) {
                server.abort();
              }
            }
            default -> roundTrip(listener, at);
          }
        }
      });
      AtomicInteger spins = new AtomicInteger();
      while (IoPoller.get().registeredChannels() > 1 && spins.incrementAndGet() < 1_000_000) {
        Thread.onSpinWait(); // the poller drops closed channels' keys at its next select
      }
      keysAfter = IoPoller.get().registeredChannels();
    }
    long fdsAfter = os.getOpenFileDescriptorCount();
    int threadsAfter = weftThreads();

    System.out.printf("TcpLeakStressTest[%s] seed=%d connections=%d endings(receive cancelled,"
        + " connect cancelled, accept cancelled, abort, exchange)=%s fds %d -> %d, poller keys"
        + " while the listener was open %d, Weft threads %d -> %d%n", backend.name(), seed,
        CONNECTIONS, java.util.Arrays.toString(endings), fdsBefore, fdsAfter, keysAfter,
        threadsBefore, threadsAfter);
    assertTrue(fdsAfter <= fdsBefore + FD_ALLOWANCE, "file descriptors: " + fdsBefore + " -> "
        + fdsAfter);
    assertTrue(keysAfter <= 1, "poller keys left: " + keysAfter + " (the listener's at most)");
    assertTrue(threadsAfter <= threadsBefore, "Weft's threads: " + threadsBefore + " -> "
        + threadsAfter);
  }

  /**
   * Weft's own platform threads (the poller, workers, timers: named "weft-..."); the virtual
   * thread scheduler's carriers come and go by themselves.
   */
  private static int weftThreads() {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("weft-")) {
        n++;
      }
    }
    return n;
  }

  private static TcpStream acceptAfterConnect(TcpListener listener, InetSocketAddress at)
      throws IOException {
    TcpStream client = Tcp.connect(at);
    try (client) {
      return listener.accept();
    }
  }

  private static void roundTrip(TcpListener listener, InetSocketAddress at) throws IOException {
    try (TcpStream client = Tcp.connect(at); TcpStream server = listener.accept()) {
      client.send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      server.receive(ByteBuffer.allocate(8));
    }
  }
}
