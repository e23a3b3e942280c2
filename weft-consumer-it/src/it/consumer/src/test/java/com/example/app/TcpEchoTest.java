package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.junit.WeftTest;
import dev.weft.net.Tcp;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpStream;
import dev.weft.spi.BackendFeature;
import dev.weft.task.TaskGroup;
import dev.weft.time.Timeouts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** A user's echo server and client, with a receive that times out and loses nothing. */
class TcpEchoTest {

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void anEchoServer_answers_andATimedOutReceiveCostsNothing() throws Exception {
    try (TcpListener listener =
        Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      TaskGroup.run(group -> {
        group.startSoon("echo", () -> {
          try (TcpStream conn = listener.accept()) {
            ByteBuffer buffer = ByteBuffer.allocate(256);
            for (int n; (n = conn.receive(buffer.clear())) > 0; ) {
              conn.send(buffer.flip().limit(n));
            }
          }
        });
        try (TcpStream client = Tcp.connect(listener.localAddress())) {
          ByteBuffer reply = ByteBuffer.allocate(256);
          Optional<Integer> early =
              Timeouts.resultWithin(Duration.ofMillis(5), () -> client.receive(reply));
          assertEquals(Optional.empty(), early, "nothing was sent yet");
          client.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
          int n = client.receive(reply);
          assertEquals("hello", new String(reply.array(), 0, n, StandardCharsets.UTF_8));
        }
      });
    }
  }
}
