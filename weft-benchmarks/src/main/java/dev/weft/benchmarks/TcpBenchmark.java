package dev.weft.benchmarks;

import dev.weft.Weft;
import dev.weft.net.Tcp;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpStream;
import dev.weft.task.TaskGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * TCP over loopback (issue 15's goal: >= 0.9x blocking sockets on virtual threads): echo round
 * trips of 64 bytes, one at a time (latency), and a bulk transfer of 16 MiB in 64 KiB sends
 * (throughput), each over a fresh connection per invocation. Weft's streams wait through its
 * poller; the baseline is a plain blocking {@code Socket} on virtual threads, which the JDK parks
 * on its own poller.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TcpBenchmark {

  static final int ROUND_TRIPS = 2_000;
  static final int MESSAGE = 64;
  static final int BULK_BYTES = 16 << 20;
  static final int CHUNK = 64 << 10;

  private TcpListener weftListener;
  private ServerSocket blockingListener;

  @Setup
  public void setUp() throws IOException {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    weftListener = Tcp.listen(loopback);
    blockingListener = new ServerSocket();
    blockingListener.bind(loopback);
  }

  @TearDown
  public void tearDown() throws IOException {
    weftListener.close();
    blockingListener.close();
  }

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public void weftEchoRoundTrip() {
    Weft.run(() -> TaskGroup.run(g -> {
      g.startSoon("echo", () -> {
        try (TcpStream server = weftListener.accept()) {
          ByteBuffer buffer = ByteBuffer.allocate(MESSAGE);
          for (int n; (n = server.receive(buffer.clear())) > 0; ) {
            server.send(buffer.flip().limit(n));
          }
        }
      });
      try (TcpStream client = Tcp.connect(weftListener.localAddress())) {
        ByteBuffer message = ByteBuffer.allocate(MESSAGE);
        ByteBuffer reply = ByteBuffer.allocate(MESSAGE);
        for (int i = 0; i < ROUND_TRIPS; i++) {
          client.send(message.clear());
          reply.clear();
          while (reply.hasRemaining()) {
            client.receive(reply);
          }
        }
      }
    }));
  }

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public void blockingSocketEchoRoundTrip() throws InterruptedException {
    Thread server = Thread.ofVirtual().start(() -> {
      try (Socket s = blockingListener.accept()) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buffer = new byte[MESSAGE];
        for (int n; (n = in.read(buffer)) > 0; ) {
          out.write(buffer, 0, n);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    Thread client = Thread.ofVirtual().start(() -> {
      try (Socket s = new Socket(blockingListener.getInetAddress(),
          blockingListener.getLocalPort())) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] message = new byte[MESSAGE];
        for (int i = 0; i < ROUND_TRIPS; i++) {
          out.write(message);
          in.readNBytes(MESSAGE);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    client.join();
    server.join();
  }

  @Benchmark
  @OperationsPerInvocation(BULK_BYTES)
  public long weftBulkBytes() {
    return Weft.run(() -> {
      long[] received = new long[1];
      TaskGroup.run(g -> {
        g.startSoon("sink", () -> {
          try (TcpStream server = weftListener.accept()) {
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            for (int n; (n = server.receive(buffer.clear())) > 0; ) {
              received[0] += n;
            }
          }
        });
        try (TcpStream client = Tcp.connect(weftListener.localAddress())) {
          ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
          for (int sent = 0; sent < BULK_BYTES; sent += CHUNK) {
            client.send(chunk.clear());
          }
        }
      });
      return received[0];
    });
  }

  @Benchmark
  @OperationsPerInvocation(BULK_BYTES)
  public long blockingSocketBulkBytes() throws InterruptedException {
    long[] received = new long[1];
    Thread server = Thread.ofVirtual().start(() -> {
      try (Socket s = blockingListener.accept()) {
        InputStream in = s.getInputStream();
        byte[] buffer = new byte[CHUNK];
        for (int n; (n = in.read(buffer)) > 0; ) {
          received[0] += n;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    Thread client = Thread.ofVirtual().start(() -> {
      try (Socket s = new Socket(blockingListener.getInetAddress(),
          blockingListener.getLocalPort())) {
        OutputStream out = s.getOutputStream();
        byte[] chunk = new byte[CHUNK];
        for (int sent = 0; sent < BULK_BYTES; sent += CHUNK) {
          out.write(chunk);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    client.join();
    server.join();
    return received[0];
  }
}
