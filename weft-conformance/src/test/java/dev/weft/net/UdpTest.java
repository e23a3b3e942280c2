package dev.weft.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.stream.ClosedResourceException;
import dev.weft.task.TaskGroup;
import dev.weft.testing.Outcomes;
import dev.weft.testing.Until;
import dev.weft.time.Timeouts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** UDP sockets (semantics N15), over loopback on the thread backends. */
class UdpTest {

  private static final InetSocketAddress ANY_LOOPBACK_PORT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(byte[] data) {
    return new String(data, StandardCharsets.UTF_8);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void sendAndReceive_carryTheSendersAddress(Backend backend) throws IOException {
    try (UdpSocket a = Udp.bind(ANY_LOOPBACK_PORT); UdpSocket b = Udp.bind(ANY_LOOPBACK_PORT)) {
      Datagram got = Runs.run(backend, () -> {
        a.send(bytes("hello, b"), b.localAddress());
        return b.receive();
      });

      assertEquals("hello, b", text(got.data()));
      assertEquals(a.localAddress(), got.sender());
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void receiveCancelledByADeadline_takesNoDatagram_theNextReceiveGetsIt(Backend backend)
      throws IOException {
    try (UdpSocket a = Udp.bind(ANY_LOOPBACK_PORT); UdpSocket b = Udp.bind(ANY_LOOPBACK_PORT)) {
      String got = Runs.run(backend, () -> {
        for (int round = 0; round < 20; round++) {
          assertEquals(Optional.empty(),
              Timeouts.resultWithin(Duration.ofMillis(2), b::receive));
        }
        a.send(bytes("first"), b.localAddress());
        a.send(bytes("second"), b.localAddress());
        return text(b.receive().data()) + "|" + text(b.receive().data());
      });

      assertEquals("first|second", got, "no datagram was taken by a cancelled receive");
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void connectedSockets_exchangeDatagramsWithTheirPeerOnly(Backend backend) throws IOException {
    try (UdpSocket server = Udp.bind(ANY_LOOPBACK_PORT);
        UdpSocket stranger = Udp.bind(ANY_LOOPBACK_PORT)) {
      String got = Runs.run(backend, () -> {
        try (ConnectedUdpSocket client =
            Udp.connect("127.0.0.1", server.localAddress().getPort())) {
          assertEquals(server.localAddress(), client.remoteAddress());
          client.send(bytes("ping"));
          Datagram ping = server.receive();
          stranger.send(bytes("not for you"), client.localAddress()); // filtered by the kernel
          server.send(bytes("pong"), ping.sender());
          return text(ping.data()) + "|" + text(client.receive());
        }
      });

      assertEquals("ping|pong", got);
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void datagramTooLarge_throwsNamingTheLimit(Backend backend) throws IOException {
    try (UdpSocket a = Udp.bind(ANY_LOOPBACK_PORT)) {
      Runs.exec(backend, () -> {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> a.send(ByteBuffer.allocate(65_508), a.localAddress()));
        assertTrue(e.getMessage().contains("65507") && e.getMessage().contains("65508"),
            e.getMessage());
        a.send(ByteBuffer.allocate(0), a.localAddress()); // an empty datagram is a datagram
        assertEquals(0, a.receive().data().length);
        assertThrows(IllegalArgumentException.class, () -> Udp.bind(65_536));
        assertThrows(IllegalArgumentException.class, () -> Udp.connect("localhost", 0));
      });
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void close_wakesAWaitingReceive(Backend backend) throws IOException {
    try (UdpSocket a = Udp.bind(ANY_LOOPBACK_PORT)) {
      Throwable thrown = Runs.run(backend, () -> {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        AtomicReference<Thread> receiver = new AtomicReference<>();
        TaskGroup.run(g -> {
          g.startSoon("receiver", () -> {
            receiver.set(Thread.currentThread());
            seen.set(Outcomes.thrownBy(a::receive));
          });
          Until.parkedInWeft(receiver::get);
          a.close();
        });
        return seen.get();
      });

      assertInstanceOf(ClosedResourceException.class, thrown);
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void bytesArriveWhole(Backend backend) throws IOException {
    try (UdpSocket a = Udp.bind(ANY_LOOPBACK_PORT); UdpSocket b = Udp.bind(ANY_LOOPBACK_PORT)) {
      byte[] big = new byte[60_000];
      for (int i = 0; i < big.length; i++) {
        big[i] = (byte) i;
      }
      byte[] got = Runs.run(backend, () -> {
        a.send(ByteBuffer.wrap(big), b.localAddress());
        return b.receive().data();
      });

      assertArrayEquals(big, got);
    }
  }
}
