package dev.weft.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cancel.CancelScope;
import dev.weft.junit.ByteStreamChecks;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.stream.BrokenResourceException;
import dev.weft.stream.ByteStream;
import dev.weft.stream.ByteStreams;
import dev.weft.stream.ClosedResourceException;
import dev.weft.stream.FramedStream;
import dev.weft.stream.TextStream;
import dev.weft.sync.Event;
import dev.weft.task.TaskGroup;
import dev.weft.testing.Outcomes;
import dev.weft.testing.TestCertificates;
import dev.weft.time.Timeouts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * TLS streams (semantics N10-N13): over memory pairs on every backend, the deterministic one
 * included, and over TCP on the thread backends. The certificate is generated at test time.
 */
class TlsTest {

  private static final SSLContext SERVER = TestCertificates.server();
  private static final SSLContext CLIENT = TestCertificates.trustingClient();

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String receiveText(ByteStream in) {
    ByteBuffer dst = ByteBuffer.allocate(256);
    int n = in.receive(dst);
    return n < 0 ? "END" : new String(dst.array(), 0, n, StandardCharsets.UTF_8);
  }

  private static byte[] receiveAll(ByteStream in, int n) {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    ByteBuffer dst = ByteBuffer.allocate(8192);
    while (got.size() < n) {
      int k = in.receive(dst.clear());
      if (k < 0) {
        break;
      }
      got.write(dst.array(), 0, k);
    }
    return got.toByteArray();
  }

  private static byte[] data(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  /** Runs both handshakes at once over a raw pair: a is the client, b the server. */
  static ByteStreams.Pair handshaken(ByteStreams.Pair raw, String... protocols) {
    AtomicReference<TlsStream> server = new AtomicReference<>();
    AtomicReference<TlsStream> client = new AtomicReference<>();
    TaskGroup.run(g -> {
      g.startSoon("server handshake", () -> server.set(TlsStream.server(raw.b(), SERVER,
          protocols)));
      client.set(TlsStream.client(raw.a(), CLIENT, "localhost", protocols));
    });
    return new ByteStreams.Pair(client.get(), server.get());
  }

  /** A handshaken pair whose engines the test made (and so can reach). */
  private static ByteStreams.Pair handshaken(ByteStreams.Pair raw, SSLEngine clientEngine,
      SSLEngine serverEngine, TlsStream.CloseNotify serverCloseNotify) {
    AtomicReference<TlsStream> server = new AtomicReference<>();
    AtomicReference<TlsStream> client = new AtomicReference<>();
    TaskGroup.run(g -> {
      g.startSoon("server handshake",
          () -> server.set(TlsStream.wrap(raw.b(), serverEngine, serverCloseNotify)));
      client.set(TlsStream.wrap(raw.a(), clientEngine, TlsStream.CloseNotify.REQUIRED));
    });
    return new ByteStreams.Pair(client.get(), server.get());
  }

  private static SSLEngine clientEngine() {
    SSLEngine engine = CLIENT.createSSLEngine("localhost", -1);
    engine.setUseClientMode(true);
    return engine;
  }

  private static SSLEngine serverEngine() {
    SSLEngine engine = SERVER.createSSLEngine();
    engine.setUseClientMode(false);
    return engine;
  }

  /**
   * A transport that passes sends through, or keeps them instead of sending them ({@code
   * CAPTURE}), or holds them until they are cancelled ({@code HOLD}).
   */
  private static class Intercepted implements ByteStream {
    enum Mode { PASS, CAPTURE, HOLD }

    private final ByteStream inner;
    private final Event never = new Event();
    final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    volatile Mode mode = Mode.PASS;

    Intercepted(ByteStream inner) {
      this.inner = inner;
    }

    @Override
    public int receive(ByteBuffer dst) {
      return inner.receive(dst);
    }

    @Override
    public void send(ByteBuffer src) {
      switch (mode) {
        case PASS -> inner.send(src);
        case CAPTURE -> {
          captured.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
          src.position(src.limit());
        }
        case HOLD -> never.await();
      }
    }

    @Override
    public void sendEof() {
      inner.sendEof();
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  // ---- N10 ------------------------------------------------------------------------------------

  @WeftTest
  void clientAndServer_exchangeBytes_andAgreeOnTheApplicationProtocol(Backend backend) {
    String[] got = Runs.run(backend, () -> {
      ByteStreams.Pair p = handshaken(ByteStreams.memoryPair(), "h2", "http/1.1");
      try (TlsStream client = (TlsStream) p.a(); TlsStream server = (TlsStream) p.b()) {
        client.send(bytes("hello over TLS"));
        String atServer = receiveText(server);
        server.send(bytes("hello back"));
        return new String[] {atServer, receiveText(client),
            client.applicationProtocol().orElse("none"), server.applicationProtocol().orElse("none"),
            client.session().getProtocol()};
      }
    });

    assertEquals("hello over TLS", got[0]);
    assertEquals("hello back", got[1]);
    assertEquals("h2", got[2], "the client's first choice, which the server also offers");
    assertEquals("h2", got[3]);
    assertEquals("TLSv1.3", got[4]);
  }

  @WeftTest
  void handshake_withAnUntrustedCertificate_throwsSslHandshakeException_andClosesTheTransport(
      Backend backend) {
    Throwable[] outcomes = Runs.run(backend, () -> {
      ByteStreams.Pair raw = ByteStreams.memoryPair();
      Throwable[] seen = new Throwable[3];
      TaskGroup.run(g -> {
        g.startSoon(() -> seen[1] = Outcomes.thrownBy(() -> TlsStream.server(raw.b(), SERVER)));
        seen[0] = Outcomes.thrownBy(() -> TlsStream.client(raw.a(),
            TestCertificates.untrustingClient(), "localhost"));
      });
      seen[2] = Outcomes.thrownBy(() -> raw.a().send(bytes("after")));
      return seen;
    });

    assertInstanceOf(SSLHandshakeException.class, outcomes[0]);
    assertInstanceOf(SSLException.class, outcomes[1], "the server learns of it too");
    assertInstanceOf(ClosedResourceException.class, outcomes[2], "the client's transport is closed");
  }

  @WeftTest
  void handshake_withTheWrongServerName_failsTheCertificateCheck(Backend backend) {
    Throwable failure = Runs.run(backend, () -> {
      ByteStreams.Pair raw = ByteStreams.memoryPair();
      AtomicReference<Throwable> seen = new AtomicReference<>();
      TaskGroup.run(g -> {
        g.startSoon(() -> Outcomes.thrownBy(() -> TlsStream.server(raw.b(), SERVER)));
        seen.set(Outcomes.thrownBy(() -> TlsStream.client(raw.a(), CLIENT, "example.com")));
      });
      return seen.get();
    });

    assertInstanceOf(SSLHandshakeException.class, failure);
  }

  @WeftTest
  void handshake_thatThePeerEndsWithAlerts_failsAndReturnsNoStream(Backend backend) {
    Throwable failure = Runs.run(backend, () -> {
      ByteStreams.Pair raw = ByteStreams.memoryPair();
      AtomicReference<Throwable> seen = new AtomicReference<>();
      TaskGroup.run(g -> {
        g.startSoon("a server that gives up after the ClientHello", () -> {
          SSLEngine server = serverEngine();
          server.beginHandshake();
          ByteBuffer in = ByteBuffer.allocate(server.getSession().getPacketBufferSize());
          ByteBuffer app = ByteBuffer.allocate(server.getSession().getApplicationBufferSize());
          while (server.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
            raw.b().receive(in);
            server.unwrap(in.flip(), app);
            in.compact();
          }
          server.closeOutbound(); // user_canceled, then close_notify: no exception at the client
          ByteBuffer out = ByteBuffer.allocate(2 * server.getSession().getPacketBufferSize());
          while (!server.isOutboundDone()) {
            server.wrap(ByteBuffer.allocate(0), out);
          }
          raw.b().send(out.flip());
        });
        seen.set(Outcomes.thrownBy(() -> TlsStream.client(raw.a(), CLIENT, "localhost")));
      });
      return seen.get();
    });

    assertInstanceOf(SSLHandshakeException.class, failure,
        "a session that ended before the certificate was checked is no connection");
  }

  @WeftTest
  void handshakeCancelled_closesTheTransport(Backend backend) throws Exception {
    Throwable after = Runs.run(backend, () -> {
      ByteStreams.Pair raw = ByteStreams.memoryPair(); // nobody answers at b
      Optional<TlsStream> tls = Timeouts.resultWithin(Duration.ofMillis(20),
          () -> TlsStream.client(raw.a(), CLIENT, "localhost"));
      assertEquals(Optional.empty(), tls);
      return Outcomes.thrownBy(() -> raw.a().send(bytes("after")));
    });

    assertInstanceOf(ClosedResourceException.class, after);
  }

  @WeftTest
  void badArguments_throwNamingThem(Backend backend) {
    Runs.exec(backend, () -> {
      ByteStream t = ByteStreams.memoryPair().a();
      assertTrue(assertThrows(NullPointerException.class,
          () -> TlsStream.client(null, CLIENT, "localhost")).getMessage().contains("transport"));
      assertTrue(assertThrows(IllegalArgumentException.class,
          () -> TlsStream.client(t, CLIENT, " ")).getMessage().contains("serverName"));
      assertTrue(assertThrows(IllegalArgumentException.class,
          () -> TlsStream.client(t, CLIENT, "bad_name!")).getMessage().contains("serverName"));
      assertTrue(assertThrows(IllegalArgumentException.class,
          () -> TlsStream.server(t, SERVER, "h2", "")).getMessage()
          .contains("applicationProtocols[1]"));
      assertTrue(assertThrows(NullPointerException.class,
          () -> TlsStream.wrap(t, serverEngine(), null)).getMessage().contains("closeNotify"));
      assertTrue(assertThrows(NullPointerException.class,
          () -> new TlsListener(null, SERVER)).getMessage().contains("listener"));
    });
  }

  @WeftTest
  void aTransportWhoseToStringThrows_isDescribedSafely(Backend backend) {
    String[] got = Runs.run(backend, () -> {
      ByteStreams.Pair raw = ByteStreams.memoryPair();
      ByteStream hostile = new Intercepted(raw.a()) {
        @Override
        public String toString() {
          throw new IllegalStateException("hostile toString");
        }
      };
      ByteStreams.Pair p = handshaken(new ByteStreams.Pair(hostile, raw.b()));
      try (ByteStream client = p.a(); ByteStream server = p.b()) {
        String tls = client.toString();
        String text = new TextStream(hostile, StandardCharsets.UTF_8).toString();
        String frames = new FramedStream(hostile, 16).toString();
        return new String[] {tls, text, frames};
      }
    });

    for (String text : got) {
      assertTrue(text.contains("its toString() threw java.lang.IllegalStateException"), text);
    }
  }

  // ---- N11 ------------------------------------------------------------------------------------

  @WeftTest
  void tlsOverMemoryPairs_passTheReusableChecks(Backend backend) {
    Runs.exec(backend, () -> {
      // Memory pairs only: over a lockstep pair a TLS 1.3 server's handshake ends only when the
      // client has received its session ticket, which a client reads at its first receive.
      ByteStreamChecks.checkHalfCloseable(() -> handshaken(ByteStreams.memoryPair()));
    });
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void tlsOverTcp_passesTheReusableChecks(Backend backend) throws IOException {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (TcpListener listener = Tcp.listen(loopback)) {
      Supplier<ByteStreams.Pair> pairs = () -> {
        try {
          TcpStream client = Tcp.connect(listener.localAddress());
          return handshaken(new ByteStreams.Pair(client, listener.accept()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };
      Runs.exec(backend, () -> ByteStreamChecks.checkHalfCloseable(pairs));
    }
  }

  @WeftTest
  void receiveCancelledByADeadline_consumesNothing_andTheStreamStaysUsable(Backend backend) {
    String got = Runs.run(backend, () -> {
      ByteStreams.Pair raw = ByteStreams.memoryPair();
      Intercepted capturing = new Intercepted(raw.a());
      ByteStreams.Pair p = handshaken(new ByteStreams.Pair(capturing, raw.b()));
      try (ByteStream client = p.a(); ByteStream server = p.b()) {
        capturing.mode = Intercepted.Mode.CAPTURE;
        client.send(bytes("every byte, after a cancelled receive per 10 bytes of its record"));
        byte[] record = capturing.captured.toByteArray();
        // The record arrives 10 bytes at a time; a receive cancelled after each piece must keep
        // the partial record it has read, or the next piece cannot be decrypted.
        for (int at = 0; at + 10 < record.length; at += 10) {
          raw.a().send(ByteBuffer.wrap(record, at, 10));
          assertEquals(Optional.empty(),
              Timeouts.resultWithin(Duration.ofMillis(1), () -> receiveText(server)));
        }
        raw.a().send(ByteBuffer.wrap(record, record.length - (record.length - 1) % 10 - 1,
            (record.length - 1) % 10 + 1));
        return receiveText(server);
      }
    });

    assertEquals("every byte, after a cancelled receive per 10 bytes of its record", got);
  }

  @WeftTest
  void keyUpdateWhileTheOtherTaskReceives_isAnsweredAndNoByteIsLost(Backend backend) {
    byte[][] got = Runs.run(backend, () -> {
      SSLEngine clientEngine = clientEngine();
      ByteStreams.Pair p = handshaken(ByteStreams.memoryPair(), clientEngine, serverEngine(),
          TlsStream.CloseNotify.REQUIRED);
      byte[][] received = new byte[2][];
      try (ByteStream client = p.a(); ByteStream server = p.b()) {
        TaskGroup.run(g -> {
          g.startSoon("server receives", () -> received[0] = receiveAll(server, 200_000));
          g.startSoon("server sends", () -> server.send(ByteBuffer.wrap(data(100_000, 2))));
          g.startSoon("client receives", () -> received[1] = receiveAll(client, 100_000));
          for (int chunk = 0; chunk < 20; chunk++) {
            clientEngine.beginHandshake(); // TLS 1.3: a key update that asks for the peer's
            client.send(ByteBuffer.wrap(data(200_000, 1), chunk * 10_000, 10_000));
          }
        });
      }
      return received;
    });

    assertTrue(Arrays.equals(data(200_000, 1), got[0]), "the server got every byte, in order");
    assertTrue(Arrays.equals(data(100_000, 2), got[1]), "the client got every byte, in order");
  }

  @WeftTest
  void sendCancelledAfterItEncrypted_breaksTheStreamForSends(Backend backend) {
    Throwable next = Runs.run(backend, () -> {
      ByteStreams.Pair raw = ByteStreams.memoryPair();
      Intercepted held = new Intercepted(raw.a());
      ByteStreams.Pair p = handshaken(new ByteStreams.Pair(held, raw.b()));
      try (ByteStream client = p.a(); ByteStream server = p.b()) {
        held.mode = Intercepted.Mode.HOLD;
        CancelScope scope = CancelScope.withTimeout(Duration.ofMillis(20));
        scope.run(() -> client.send(bytes("nobody receives this, so the send waits")));
        assertTrue(scope.cancelledCaught());
        return Outcomes.thrownBy(() -> client.send(bytes("again")));
      }
    });

    assertInstanceOf(BrokenResourceException.class, next);
  }

  // ---- N12 ------------------------------------------------------------------------------------

  @WeftTest
  void close_sendsCloseNotify_thePeerReceivesTheEnd(Backend backend) {
    String got = Runs.run(backend, () -> {
      ByteStreams.Pair p = handshaken(ByteStreams.memoryPair());
      try (ByteStream server = p.b()) {
        p.a().send(bytes("last words"));
        p.a().close();
        return receiveText(server) + "|" + receiveText(server);
      }
    });

    assertEquals("last words|END", got, "the end, not a truncation");
  }

  @WeftTest
  void peerClosesWithoutCloseNotify_isBrokenWhenRequired_andTheEndWhenNot(Backend backend) {
    Object[] got = Runs.run(backend, () -> {
      Object[] outcomes = new Object[2];
      int i = 0;
      for (TlsStream.CloseNotify mode : TlsStream.CloseNotify.values()) {
        ByteStreams.Pair raw = ByteStreams.memoryPair();
        ByteStreams.Pair p = handshaken(raw, clientEngine(), serverEngine(), mode);
        try (ByteStream server = p.b()) {
          p.a().send(bytes("data"));
          raw.a().close(); // the client's transport ends without close_notify
          assertEquals("data", receiveText(server));
          int index = i++;
          Throwable t = Outcomes.thrownBy(() -> outcomes[index] = receiveText(server));
          if (t != null) {
            outcomes[index] = t;
          }
        }
      }
      return outcomes;
    });

    BrokenResourceException truncated = assertInstanceOf(BrokenResourceException.class, got[0]);
    assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
    assertEquals("END", got[1]);
  }

  @WeftTest
  void sendEof_onTls13_endsOneDirectionOnly(Backend backend) {
    String got = Runs.run(backend, () -> {
      ByteStreams.Pair p = handshaken(ByteStreams.memoryPair());
      try (ByteStream client = p.a(); ByteStream server = p.b()) {
        client.send(bytes("request"));
        client.sendEof();
        String request = receiveText(server) + "|" + receiveText(server);
        server.send(bytes("response"));
        return request + "|" + receiveText(client);
      }
    });

    assertEquals("request|END|response", got);
  }

  @WeftTest
  void tls12_exchangesBytes_andSendEofAfterThePeersEnd_returns(Backend backend) {
    String got = Runs.run(backend, () -> {
      SSLEngine clientEngine = clientEngine();
      SSLEngine serverEngine = serverEngine();
      clientEngine.setEnabledProtocols(new String[] {"TLSv1.2"});
      serverEngine.setEnabledProtocols(new String[] {"TLSv1.2"});
      ByteStreams.Pair p = handshaken(ByteStreams.memoryPair(), clientEngine, serverEngine,
          TlsStream.CloseNotify.REQUIRED);
      try (TlsStream client = (TlsStream) p.a(); TlsStream server = (TlsStream) p.b()) {
        client.send(bytes("over TLS 1.2"));
        client.sendEof();
        String text = receiveText(server) + "|" + receiveText(server); // answers close_notify
        server.sendEof(); // its end went with that answer: nothing more to send, no error
        return client.session().getProtocol() + "|" + text + "|" + receiveText(client);
      }
    });

    assertEquals("TLSv1.2|over TLS 1.2|END|END", got);
  }

  // ---- N13 ------------------------------------------------------------------------------------

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void tlsListener_serve_aFailedHandshakeEndsOnlyThatConnection(Backend backend)
      throws IOException {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (TlsListener listener = new TlsListener(Tcp.listen(loopback), SERVER)) {
      Object[] got = Runs.run(backend, () -> {
        Object[] outcomes = new Object[2];
        TaskGroup.run(g -> {
          g.startSoon("server", () -> listener.serve(tls -> {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            int n = tls.receive(buffer);
            tls.send(buffer.flip().limit(n));
          }));
          int port = listener.localAddress().getPort();
          outcomes[0] = Outcomes.thrownBy(() -> TlsStream.client(Tcp.connect("127.0.0.1", port),
              TestCertificates.untrustingClient(), "localhost"));
          try (TlsStream tls = TlsStream.client(Tcp.connect("127.0.0.1", port), CLIENT,
              "localhost")) {
            tls.send(bytes("still serving"));
            outcomes[1] = receiveText(tls);
          }
          g.cancelScope().cancel();
        });
        return outcomes;
      });

      assertInstanceOf(SSLHandshakeException.class, got[0]);
      assertEquals("still serving", got[1]);
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void tlsStream_toString_namesItsTransport(Backend backend) throws IOException {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (TcpListener listener = Tcp.listen(loopback)) {
      String text = Runs.run(backend, () -> {
        ByteStreams.Pair p = handshaken(
            new ByteStreams.Pair(Tcp.connect(listener.localAddress()), listener.accept()));
        try (ByteStream a = p.a(); ByteStream b = p.b()) {
          assertNotNull(((TlsStream) a).transport());
          return a.toString();
        }
      });

      assertTrue(text.startsWith("TLS stream over TCP stream to /127.0.0.1:"), text);
    }
  }
}
