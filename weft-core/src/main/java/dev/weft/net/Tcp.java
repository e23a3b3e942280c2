package dev.weft.net;

import dev.weft.Workers;
import dev.weft.internal.core.Checkpoints;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import dev.weft.Weft;
import dev.weft.task.TaskGroup;
import java.time.Duration;

/**
 * TCP connections and listeners whose every wait is a Weft wait (semantics N6, N7): cancellation
 * is just another outcome of an operation, never a broken socket.
 *
 * <pre>{@code
 * try (TcpStream conn = Tcp.connect("example.org", 80)) {
 *     conn.send(request);
 *     Timeouts.resultWithin(Duration.ofSeconds(5), () -> conn.receive(buffer));
 * }
 * }</pre>
 */
public final class Tcp {

  private Tcp() {}

  /**
   * Connects to {@code host} at {@code port} with Happy Eyeballs (RFC 8305, simplified): its
   * addresses are tried in the order the resolver gives, each starting 250 ms after the one before
   * (a fixed stagger: a failed attempt does not start the next one early); the first connection
   * wins, and the other attempts are cancelled and their sockets closed. A checkpoint; the name is resolved on a
   * worker thread ({@link Workers}). A cancelled connect leaves no socket open.
   *
   * @param host a name or an address literal
   * @param port from 0 to 65535
   * @return the connection
   * @throws IllegalArgumentException if {@code port} is out of range
   * @throws java.net.UnknownHostException if {@code host} has no address
   * @throws ConnectException if every address refused or failed (the others suppressed in it)
   * @throws IOException if a socket cannot be made
   * @throws dev.weft.cancel.CancelledException if the task was cancelled first
   */
  public static TcpStream connect(String host, int port) throws IOException {
    Objects.requireNonNull(host, "host");
    checkPort(port);
    Checkpoints.checkpoint();
    InetAddress[] addresses = Workers.run(() -> InetAddress.getAllByName(host));
    InetSocketAddress[] targets = new InetSocketAddress[addresses.length];
    for (int i = 0; i < addresses.length; i++) {
      targets[i] = new InetSocketAddress(addresses[i], port);
    }
    return connectAny(targets, host + " port " + port);
  }

  /** How long an attempt has alone before the next address is tried too (RFC 8305 suggests 250 ms). */
  static final Duration ATTEMPT_DELAY = Duration.ofMillis(250);

  /**
   * Happy Eyeballs (RFC 8305, simplified): attempt {@code i} starts {@code i} delays after the
   * first, each in a task of one group; the first to connect wins, the others are cancelled (a
   * cancelled connect closes its socket) and one that connects after the winner closes its own.
   */
  static TcpStream connectAny(InetSocketAddress[] targets, String what) throws IOException {
    if (targets.length == 1) {
      return connect(targets[0]);
    }
    AtomicReference<TcpStream> winner = new AtomicReference<>();
    List<IOException> failures = Collections.synchronizedList(new ArrayList<>());
    try {
      TaskGroup.run(group -> {
        for (int i = 0; i < targets.length; i++) {
          InetSocketAddress target = targets[i];
          Duration wait = ATTEMPT_DELAY.multipliedBy(i);
          group.startSoon("connect to " + target, () -> {
            if (!wait.isZero()) {
              Weft.sleep(wait);
            }
            TcpStream stream;
            try {
              stream = connect(target);
            } catch (IOException e) {
              failures.add(e);
              return;
            }
            if (winner.compareAndSet(null, stream)) {
              group.cancelScope().cancel("connected to " + target);
            } else {
              stream.close(); // connected too late: no socket is left behind
            }
          });
        }
      });
    } catch (Throwable t) {
      TcpStream won = winner.get();
      if (won != null) {
        won.close(); // the caller was cancelled (or a task failed) after an attempt won
      }
      throw t;
    }
    TcpStream won = winner.get();
    if (won != null) {
      return won;
    }
    ConnectException failed = new ConnectException("cannot connect to " + what);
    failures.forEach(failed::addSuppressed);
    throw failed;
  }

  /**
   * Connects to one resolved address. A checkpoint; a cancelled connect leaves no socket open.
   *
   * @param address where to connect
   * @return the connection
   * @throws ConnectException if the address refused or the connection failed
   * @throws IOException if a socket cannot be made
   * @throws dev.weft.cancel.CancelledException if the task was cancelled first
   */
  public static TcpStream connect(InetSocketAddress address) throws IOException {
    Objects.requireNonNull(address, "address");
    Checkpoints.checkpoint();
    return ChannelWaits.connect(SocketChannel.open(), address, TcpStream::new);
  }

  /**
   * Listens on {@code port} of every local address (0: a port the system chooses; see {@link
   * TcpListener#localAddress()}).
   *
   * @param port from 0 to 65535
   * @return the listener
   * @throws IllegalArgumentException if {@code port} is out of range
   * @throws IOException if the port cannot be bound
   */
  public static TcpListener listen(int port) throws IOException {
    checkPort(port);
    return listen(new InetSocketAddress(port));
  }

  /**
   * Listens on {@code address}.
   *
   * @param address the local address and port to bind
   * @return the listener
   * @throws IOException if the address cannot be bound
   */
  public static TcpListener listen(InetSocketAddress address) throws IOException {
    Objects.requireNonNull(address, "address");
    ServerSocketChannel channel = ServerSocketChannel.open();
    try {
      channel.bind(address);
      return new TcpListener(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static void checkPort(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be from 0 to 65535, but was " + port);
    }
  }
}
