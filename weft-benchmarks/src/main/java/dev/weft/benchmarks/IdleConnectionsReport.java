package dev.weft.benchmarks;

import dev.weft.Weft;
import dev.weft.net.Tcp;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpStream;
import dev.weft.task.TaskGroup;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Memory per idle connection (issue 15), not a JMH benchmark: the server side of N loopback
 * connections, each with a task (Weft) or a virtual thread (blocking {@code Socket}) waiting to
 * receive, as heap used after a full GC, divided by N. The client ends live in a child JVM, so
 * that this process holds one descriptor per connection.
 *
 * <p>Arguments: {@code weft} or {@code blocking}, and N (default 10,000).
 */
public final class IdleConnectionsReport {

  private IdleConnectionsReport() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("client")) {
      client(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
      return;
    }
    String kind = args.length > 0 ? args[0] : "weft";
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    long before = heapAfterGc();
    long[] held = new long[1];
    if (kind.equals("weft")) {
      try (TcpListener listener =
          Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
        Process clients = startClients(listener.localAddress().getPort(), n);
        Weft.run(() -> TaskGroup.run(g -> {
          for (int i = 0; i < n; i++) {
            TcpStream connection = listener.accept();
            g.startSoon(() -> {
              try (connection) {
                connection.receive(ByteBuffer.allocate(1_024));
              }
            });
          }
          Weft.sleep(Duration.ofSeconds(2)); // every task reaches its receive
          held[0] = heapAfterGc();
          g.cancelScope().cancel();
        }));
        clients.destroy();
      }
    } else {
      try (ServerSocket listener = new ServerSocket()) {
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4_096);
        Process clients = startClients(listener.getLocalPort(), n);
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          Socket socket = listener.accept();
          sockets.add(socket);
          Thread.ofVirtual().start(() -> {
            try (InputStream in = socket.getInputStream()) {
              in.read(new byte[1_024]);
            } catch (IOException e) {
              // closed at the end
            }
          });
        }
        Thread.sleep(2_000);
        held[0] = heapAfterGc();
        for (Socket s : sockets) {
          s.close();
        }
        clients.destroy();
      }
    }
    System.out.printf(Locale.ROOT, "%s: %d idle connections, %.0f bytes of heap each (JDK %s)%n",
        kind, n, (held[0] - before) / (double) n, Runtime.version());
  }

  private static Process startClients(int port, int n) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        IdleConnectionsReport.class.getName(), "client", Integer.toString(port),
        Integer.toString(n)).inheritIO().start();
  }

  /** The child: opens n connections and holds them until it is killed. */
  private static void client(int port, int n) throws Exception {
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sockets.add(new Socket(InetAddress.getLoopbackAddress(), port));
    }
    Thread.sleep(Long.MAX_VALUE);
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
