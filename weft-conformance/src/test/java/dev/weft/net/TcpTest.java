package dev.weft.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cancel.CancelScope;
import dev.weft.junit.ByteStreamChecks;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.stream.BrokenResourceException;
import dev.weft.stream.ByteStreams;
import dev.weft.stream.ClosedResourceException;
import dev.weft.task.TaskGroup;
import dev.weft.testing.Outcomes;
import dev.weft.time.Timeouts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** TCP streams and listeners over loopback (semantics N6, N7), on the thread backends. */
class TcpTest {

  private static final InetSocketAddress ANY_LOOPBACK_PORT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String receiveText(TcpStream in, int room) {
    ByteBuffer dst = ByteBuffer.allocate(room);
    int n = in.receive(dst);
    return n < 0 ? "END" : new String(dst.array(), 0, n, StandardCharsets.UTF_8);
  }

  /** A connected pair over loopback: a is the client, b the accepted end. */
  private static ByteStreams.Pair connectedPair(TcpListener listener) {
    try {
      TcpStream client = Tcp.connect(listener.localAddress());
      return new ByteStreams.Pair(client, listener.accept());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void echo_roundTrip_overLoopback(Backend backend) throws IOException {
    try (TcpListener listener = Tcp.listen(ANY_LOOPBACK_PORT)) {
      String reply = Runs.run(backend, () -> {
        AtomicReference<String> got = new AtomicReference<>();
        TaskGroup.run(g -> {
          g.startSoon("echo server", () -> {
            try (TcpStream conn = listener.accept()) {
              ByteBuffer buffer = ByteBuffer.allocate(64);
              int n = conn.receive(buffer);
              conn.send(buffer.flip().limit(n));
            }
          });
          try (TcpStream conn = Tcp.connect("localhost", listener.localAddress().getPort())) {
            conn.send(bytes("ping"));
            got.set(receiveText(conn, 64));
            assertEquals("END", receiveText(conn, 64), "the server closed after its reply");
          }
        });
        return got.get();
      });

      assertEquals("ping", reply);
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void receiveCancelledByADeadline_consumesNothing_andTheConnectionStaysUsable(Backend backend)
      throws IOException {
    try (TcpListener listener = Tcp.listen(ANY_LOOPBACK_PORT)) {
      String got = Runs.run(backend, () -> {
        ByteStreams.Pair p = connectedPair(listener);
        try (TcpStream client = (TcpStream) p.a(); TcpStream server = (TcpStream) p.b()) {
          for (int round = 0; round < 20; round++) {
            Optional<String> early =
                Timeouts.resultWithin(Duration.ofMillis(2), () -> receiveText(server, 64));
            assertEquals(Optional.empty(), early, "nothing was sent yet");
          }
          client.send(bytes("every byte, after 20 cancelled receives"));
          return receiveText(server, 64);
        }
      });

      assertEquals("every byte, after 20 cancelled receives", got);
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void tcpPairs_passTheReusableChecks(Backend backend) throws IOException {
    try (TcpListener listener = Tcp.listen(ANY_LOOPBACK_PORT)) {
      Runs.exec(backend, () -> ByteStreamChecks.checkHalfCloseable(() -> connectedPair(listener)));
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void socketOptions_setAndRead_andClosedOrUnsupportedAreClear(Backend backend)
      throws IOException {
    try (TcpListener listener = Tcp.listen(ANY_LOOPBACK_PORT)) {
      Runs.exec(backend, () -> {
        ByteStreams.Pair p = connectedPair(listener);
        TcpStream client = (TcpStream) p.a();
        try (TcpStream server = (TcpStream) p.b()) {
          client.setOption(StandardSocketOptions.TCP_NODELAY, true);
          assertEquals(true, client.option(StandardSocketOptions.TCP_NODELAY));
          client.setOption(StandardSocketOptions.TCP_NODELAY, false);
          assertEquals(false, client.option(StandardSocketOptions.TCP_NODELAY));
          assertThrows(UnsupportedOperationException.class,
              () -> client.option(StandardSocketOptions.IP_MULTICAST_LOOP));
          assertThrows(IllegalArgumentException.class,
              () -> client.setOption(StandardSocketOptions.SO_RCVBUF, -1));
          client.close();
          assertThrows(ClosedResourceException.class,
              () -> client.option(StandardSocketOptions.TCP_NODELAY));
        }
        try (UdpSocket udp = Udp.bind(ANY_LOOPBACK_PORT)) {
          udp.setOption(StandardSocketOptions.SO_BROADCAST, true);
          assertEquals(true, udp.option(StandardSocketOptions.SO_BROADCAST));
        }
      });
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void acceptCancelled_acceptsNothing_theNextAcceptGetsTheConnection(Backend backend)
      throws IOException {
    try (TcpListener listener = Tcp.listen(ANY_LOOPBACK_PORT)) {
      String got = Runs.run(backend, () -> {
        CancelScope scope = CancelScope.withTimeout(Duration.ofMillis(5));
        scope.run(listener::accept);
        assertTrue(scope.cancelledCaught());
        try (TcpStream client = Tcp.connect(listener.localAddress());
            TcpStream server = listener.accept()) {
          client.send(bytes("after a cancelled accept"));
          return receiveText(server, 64);
        }
      });

      assertEquals("after a cancelled accept", got);
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void peerAborts_receiveThrowsBrokenWithTheCause(Backend backend) throws IOException {
    try (TcpListener listener = Tcp.listen(ANY_LOOPBACK_PORT)) {
      Throwable thrown = Runs.run(backend, () -> {
        ByteStreams.Pair p = connectedPair(listener);
        try (TcpStream server = (TcpStream) p.b()) {
          ((TcpStream) p.a()).abort();
          return Outcomes.thrownBy(() -> receiveText(server, 64));
        }
      });

      BrokenResourceException e = assertInstanceOf(BrokenResourceException.class, thrown);
      assertInstanceOf(IOException.class, e.getCause());
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void closingTheListener_endsAnAcceptInProgress(Backend backend) throws IOException {
    TcpListener listener = Tcp.listen(ANY_LOOPBACK_PORT);
    AtomicReference<Throwable> thrown = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(g -> {
      g.startSoon(() -> thrown.set(Outcomes.thrownBy(listener::accept)));
      dev.weft.testing.Until.until(() -> thrown.get() != null || acceptWaiting(listener));
      listener.close();
    }));

    assertInstanceOf(ClosedResourceException.class, thrown.get());
  }

  /** Whether a task is parked accepting on {@code listener} (its waiter names the listener). */
  private static boolean acceptWaiting(TcpListener listener) {
    return dev.weft.task.TaskDump.capture().toString().contains("accept on " + listener);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void connect_toAPortNobodyListensOn_throwsConnectException(Backend backend) throws IOException {
    InetSocketAddress vacant;
    try (TcpListener listener = Tcp.listen(ANY_LOOPBACK_PORT)) {
      vacant = listener.localAddress();
    }

    Throwable thrown = Outcomes.thrownBy(() -> Runs.exec(backend, () -> Tcp.connect(vacant)));

    assertInstanceOf(ConnectException.class, thrown);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void badPort_throwsNamingTheRange(Backend backend) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Runs.exec(backend, () -> Tcp.connect("localhost", 70_000)));

    assertEquals("port must be from 0 to 65535, but was 70000", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Tcp.listen(-1));
  }

  private static void echoOnce(TcpStream conn) {
    ByteBuffer buffer = ByteBuffer.allocate(64);
    int n = conn.receive(buffer);
    conn.send(buffer.flip().limit(n));
  }

  private static String ask(InetSocketAddress server, String question) throws IOException {
    try (TcpStream conn = Tcp.connect(server)) {
      conn.send(bytes(question));
      return receiveText(conn, 64);
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void serve_handlesEachConnectionInItsOwnTask_untilCancelled(Backend backend)
      throws IOException {
    try (TcpListener listener = Tcp.listen(ANY_LOOPBACK_PORT)) {
      CancelScope server = CancelScope.create();
      java.util.List<String> answers = new java.util.concurrent.CopyOnWriteArrayList<>();

      Runs.exec(backend, () -> TaskGroup.run(g -> {
        g.startSoon("server", () -> server.run(() -> listener.serve(TcpTest::echoOnce)));
        TaskGroup.run(clients -> {
          clients.startSoon(() -> answers.add(ask(listener.localAddress(), "one")));
          clients.startSoon(() -> answers.add(ask(listener.localAddress(), "two")));
        });
        server.cancel();
      }));

      assertEquals(java.util.Set.of("one", "two"), java.util.Set.copyOf(answers));
      assertTrue(server.cancelledCaught());
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void serve_aHandlerThatFails_stopsTheServerWithItsFailure(Backend backend) throws IOException {
    IllegalStateException boom = new IllegalStateException("handler bug");
    try (TcpListener listener = Tcp.listen(ANY_LOOPBACK_PORT)) {
      Throwable thrown = Outcomes.thrownBy(() -> Runs.exec(backend, () -> TaskGroup.run(g -> {
        g.startSoon("server", () -> listener.serve(conn -> {
          throw boom;
        }));
        try (TcpStream conn = Tcp.connect(listener.localAddress())) {
          assertEquals("END", receiveText(conn, 8), "the failed handler's connection was closed");
        }
      })));

      dev.weft.task.TaskGroupException outer =
          assertInstanceOf(dev.weft.task.TaskGroupException.class, thrown);
      dev.weft.task.TaskGroupException fromServe =
          assertInstanceOf(dev.weft.task.TaskGroupException.class, outer.failures().get(0));
      assertEquals(java.util.List.of(boom), fromServe.failures());
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void happyEyeballs_aRefusedAddressFirst_theNextOneConnects(Backend backend) throws IOException {
    InetSocketAddress vacant;
    try (TcpListener gone = Tcp.listen(ANY_LOOPBACK_PORT)) {
      vacant = gone.localAddress();
    }
    try (TcpListener listener = Tcp.listen(ANY_LOOPBACK_PORT)) {
      String got = Runs.run(backend, () -> {
        try (TcpStream client = Tcp.connectAny(
                new InetSocketAddress[] {vacant, listener.localAddress()}, "two addresses");
            TcpStream server = listener.accept()) {
          client.send(bytes("via the second address"));
          return receiveText(server, 64);
        }
      });

      assertEquals("via the second address", got);
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void happyEyeballs_everyAddressRefused_throwsConnectExceptionWithEachFailure(Backend backend)
      throws IOException {
    InetSocketAddress[] vacant = new InetSocketAddress[2];
    for (int i = 0; i < 2; i++) {
      try (TcpListener gone = Tcp.listen(ANY_LOOPBACK_PORT)) {
        vacant[i] = gone.localAddress();
      }
    }

    Throwable thrown = Outcomes.thrownBy(
        () -> Runs.exec(backend, () -> Tcp.connectAny(vacant, "two vacant ports")));

    ConnectException e = assertInstanceOf(ConnectException.class, thrown);
    assertEquals("cannot connect to two vacant ports", e.getMessage());
    assertEquals(2, e.getSuppressed().length);
  }
}
