package dev.weft.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.junit.ByteStreamChecks;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.stream.ByteStreams;
import dev.weft.task.TaskGroup;
import dev.weft.task.TaskGroupException;
import dev.weft.testing.Outcomes;
import dev.weft.time.Timeouts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** Unix domain sockets (semantics N14), on the thread backends. */
class UnixTest {

  @TempDir Path dir;

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String receiveText(UnixStream in) {
    ByteBuffer dst = ByteBuffer.allocate(256);
    int n = in.receive(dst);
    return n < 0 ? "END" : new String(dst.array(), 0, n, StandardCharsets.UTF_8);
  }

  private static ByteStreams.Pair connectedPair(UnixListener listener) {
    try {
      UnixStream client = Unix.connect(listener.path());
      return new ByteStreams.Pair(client, listener.accept());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void receiveCancelledByADeadline_consumesNothing_andTheConnectionStaysUsable(Backend backend)
      throws IOException {
    try (UnixListener listener = Unix.listen(dir.resolve("s"))) {
      String got = Runs.run(backend, () -> {
        ByteStreams.Pair p = connectedPair(listener);
        try (UnixStream client = (UnixStream) p.a(); UnixStream server = (UnixStream) p.b()) {
          for (int round = 0; round < 20; round++) {
            assertEquals(Optional.empty(),
                Timeouts.resultWithin(Duration.ofMillis(2), () -> receiveText(server)));
          }
          client.send(bytes("every byte, after 20 cancelled receives"));
          return receiveText(server);
        }
      });

      assertEquals("every byte, after 20 cancelled receives", got);
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void unixPairs_passTheReusableChecks(Backend backend) throws IOException {
    try (UnixListener listener = Unix.listen(dir.resolve("s"))) {
      Runs.exec(backend, () -> ByteStreamChecks.checkHalfCloseable(() -> connectedPair(listener)));
    }
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void serve_handlesEachConnection_andCloseRemovesTheSocketFile(Backend backend)
      throws IOException {
    Path socket = dir.resolve("s");
    String[] got = Runs.run(backend, () -> {
      String[] replies = new String[2];
      try (UnixListener listener = Unix.listen(socket)) {
        assertTrue(Files.exists(socket));
        TaskGroup.run(g -> {
          g.startSoon("server", () -> listener.serve(conn -> {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            int n = conn.receive(buffer);
            conn.send(buffer.flip().limit(n));
          }));
          for (int i = 0; i < 2; i++) {
            try (UnixStream client = Unix.connect(socket)) {
              client.send(bytes("request " + i));
              replies[i] = receiveText(client);
              assertTrue(client.toString().startsWith("Unix stream to " + socket),
                  client.toString());
            }
          }
          g.cancelScope().cancel();
        });
      }
      return replies;
    });

    assertEquals("request 0", got[0]);
    assertEquals("request 1", got[1]);
    assertFalse(Files.exists(socket), "closing the listener removed its socket file");
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void connect_whereNobodyListens_throwsConnectException(Backend backend) {
    Throwable thrown = Runs.run(backend,
        () -> Outcomes.thrownBy(() -> Unix.connect(dir.resolve("nobody"))));

    assertInstanceOf(ConnectException.class, thrown);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void listen_whereAFileExists_throwsBindException(Backend backend) throws IOException {
    Path taken = Files.createFile(dir.resolve("taken"));

    assertThrows(BindException.class, () -> Unix.listen(taken));
    assertTrue(Files.exists(taken), "the file that was there is left alone");
    assertThrows(NullPointerException.class, () -> Unix.listen(null));
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void aFailingHandler_stopsTheServer(Backend backend) throws IOException {
    Path socket = dir.resolve("s");
    Throwable thrown = Runs.run(backend, () -> {
      try (UnixListener listener = Unix.listen(socket)) {
        return Outcomes.thrownBy(() -> TaskGroup.run(g -> {
          g.startSoon("server", () -> listener.serve(conn -> {
            throw new IllegalStateException("handler failed");
          }));
          try (UnixStream client = Unix.connect(socket)) {
            receiveText(client);
          }
        }));
      }
    });

    assertInstanceOf(TaskGroupException.class, thrown);
  }
}
