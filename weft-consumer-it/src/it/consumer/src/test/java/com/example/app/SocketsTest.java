package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.junit.WeftTest;
import dev.weft.net.ConnectedUdpSocket;
import dev.weft.net.Datagram;
import dev.weft.net.Udp;
import dev.weft.net.UdpSocket;
import dev.weft.net.Unix;
import dev.weft.net.UnixListener;
import dev.weft.spi.BackendFeature;
import dev.weft.stream.TextStream;
import dev.weft.task.TaskGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A user's UDP exchange, and a text protocol over a Unix domain socket. */
class SocketsTest {

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void udp_askAndAnswer() throws Exception {
    try (UdpSocket server = Udp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ConnectedUdpSocket client = Udp.connect(server.localAddress())) {
      client.send(ByteBuffer.wrap("time?".getBytes(StandardCharsets.UTF_8)));
      Datagram question = server.receive();
      server.send(ByteBuffer.wrap("noon".getBytes(StandardCharsets.UTF_8)), question.sender());
      assertEquals("noon", new String(client.receive(), StandardCharsets.UTF_8));
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void textOverAUnixSocket() throws Exception {
    Path dir = Files.createTempDirectory("weft-consumer");
    Path socket = dir.resolve("greeter.sock");
    try (UnixListener listener = Unix.listen(socket)) {
      TaskGroup.run(group -> {
        group.startSoon("greeter", () -> {
          try (TextStream conn = new TextStream(listener.accept(), StandardCharsets.UTF_8)) {
            conn.send("héllo, " + conn.receive());
          }
        });
        try (TextStream client = new TextStream(Unix.connect(socket), StandardCharsets.UTF_8)) {
          client.send("wörld");
          assertEquals("héllo, wörld", client.receive());
        }
      });
    } finally {
      Files.delete(dir);
    }
  }
}
