package dev.weft.examples;

import dev.weft.Weft;
import dev.weft.cancel.CancelScope;
import dev.weft.net.Tcp;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpStream;
import dev.weft.stream.BufferedByteReceiveStream;
import dev.weft.task.TaskGroup;
import dev.weft.time.Timeouts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * A line-echo server with a deadline per request, and a client that is slow once: the server's
 * deadline passes while it waits for a line, it says so, and the same connection goes on, with no
 * byte lost (semantics N6, N8).
 */
public final class EchoExample {

  private EchoExample() {}

  public static void main(String[] args) throws Exception {
    Weft.run(() -> {
      try (TcpListener listener =
          Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
        CancelScope server = CancelScope.create();
        TaskGroup.run(group -> {
          group.startSoon("server", () -> server.run(() -> listener.serve(EchoExample::echoLines)));
          client(listener.localAddress());
          server.cancel(); // the client is done: stop the server, and every handler with it
        });
      }
    });
  }

  /** Answers each line; a line that takes longer than 200 ms to come gets a reminder instead. */
  static void echoLines(TcpStream connection) {
    BufferedByteReceiveStream in = new BufferedByteReceiveStream(connection);
    while (true) {
      Optional<byte[]> line = Timeouts.resultWithin(Duration.ofMillis(200),
          () -> in.receiveUntil(new byte[] {'\n'}, 1_024));
      if (line.isEmpty()) {
        send(connection, "(still there?)\n"); // the deadline passed: nothing was lost
        continue;
      }
      String text = new String(line.get(), StandardCharsets.UTF_8);
      if (text.equals("bye")) {
        return;
      }
      send(connection, "echo: " + text + "\n");
    }
  }

  private static void client(InetSocketAddress server) throws Exception {
    try (TcpStream connection = Tcp.connect(server)) {
      BufferedByteReceiveStream in = new BufferedByteReceiveStream(connection);
      send(connection, "hello\n");
      System.out.println(readLine(in));
      send(connection, "slow ");                   // half a line, then a pause past the deadline
      System.out.println(readLine(in));           // the server's reminder
      send(connection, "line\n");                  // the rest: the server gets the whole line
      System.out.println(readLine(in));
      send(connection, "bye\n");
    }
  }

  private static String readLine(BufferedByteReceiveStream in) {
    return new String(in.receiveUntil(new byte[] {'\n'}, 1_024), StandardCharsets.UTF_8);
  }

  private static void send(TcpStream connection, String text) {
    connection.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
  }
}
