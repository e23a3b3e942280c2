package dev.weft.net;

import dev.weft.internal.core.Checkpoints;
import dev.weft.stream.ClosedResourceException;
import dev.weft.sync.BusyResourceException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A listening TCP socket whose {@link #accept} is an ordinary Weft wait (semantics N7): cancelling
 * it leaves the listener open and loses no connection.
 */
public final class TcpListener implements AutoCloseable {

  private final ServerSocketChannel channel;
  private final ChannelWaits waits;
  private final AtomicBoolean accepting = new AtomicBoolean();
  private volatile boolean closed;

  TcpListener(ServerSocketChannel channel) throws IOException {
    channel.configureBlocking(false);
    this.channel = channel;
    this.waits = new ChannelWaits(channel, this);
  }

  /**
   * Waits for the next connection and returns it. A checkpoint; a cancelled accept has accepted
   * nothing (the connection waits for the next accept).
   *
   * @return the new connection
   * @throws ClosedResourceException if the listener is or gets closed
   * @throws BusyResourceException if another task is accepting on this listener
   * @throws IOException if accepting fails (for instance, too many open files)
   */
  public TcpStream accept() throws IOException {
    Checkpoints.checkpoint();
    if (!accepting.compareAndSet(false, true)) {
      throw new BusyResourceException("another task is already accepting on " + this);
    }
    try {
      while (true) {
        if (closed) {
          throw new ClosedResourceException(this + " was closed");
        }
        Checkpoints.checkpointIfCancelled(); // cancelled now: accept nothing
        SocketChannel accepted;
        try {
          accepted = channel.accept();
        } catch (ClosedChannelException e) {
          throw new ClosedResourceException(this + " was closed while it accepted");
        }
        if (accepted != null) {
          try {
            return new TcpStream(accepted);
          } catch (IOException | RuntimeException e) {
            accepted.close();
            throw e;
          }
        }
        waits.await(SelectionKey.OP_ACCEPT, 0, "accept on");
      }
    } finally {
      accepting.set(false);
    }
  }

  /** Handles one connection of {@link #serve}; the connection is closed when it returns. */
  @FunctionalInterface
  public interface Handler {
    /**
     * Handles one connection.
     *
     * @param connection the accepted connection, closed by {@code serve} when this returns
     * @throws Exception a failure, which fails {@code serve}'s task group (and so ends the server)
     */
    void handle(TcpStream connection) throws Exception;
  }

  /**
   * Accepts connections until cancelled, each handled by {@code handler} in a task of its own,
   * in a task group that {@code serve} owns (AnyIO's and Trio's {@code serve}). Each connection is
   * closed when its handler returns or fails. A handler's failure fails the group: the server
   * stops, the other handlers are cancelled, and {@code serve} throws it in a {@link
   * dev.weft.task.TaskGroupException}; catch inside the handler to keep serving. Returns only by
   * throwing: the cancellation that stopped it, or a failure.
   *
   * @param handler what to do with each connection
   * @throws dev.weft.cancel.CancelledException when the server is cancelled (every handler has
   *     ended by then)
   * @throws dev.weft.task.TaskGroupException if a handler or an accept failed
   * @throws NullPointerException if {@code handler} is null
   */
  public void serve(Handler handler) {
    java.util.Objects.requireNonNull(handler, "handler");
    dev.weft.task.TaskGroup.run(group -> {
      while (true) {
        TcpStream connection = accept();
        try {
          group.startSoon("connection from " + connection.remoteAddress(), () -> {
            try (connection) {
              handler.handle(connection);
            }
          });
        } catch (RuntimeException | Error e) {
          connection.close();
          throw e;
        }
      }
    });
  }

  /**
   * Returns the address the listener is bound to (with the port the system chose for port 0).
   *
   * @return the local address
   * @throws ClosedResourceException if the listener is closed
   */
  public InetSocketAddress localAddress() {
    try {
      return (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      throw new ClosedResourceException(this + " was closed");
    }
  }

  /** Closes the listener; an accept in progress throws {@link ClosedResourceException}. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    waits.closeChannel();
  }

  @Override
  public String toString() {
    String at;
    try {
      at = String.valueOf(channel.getLocalAddress());
    } catch (IOException e) {
      at = "closed";
    }
    return "TCP listener on " + at;
  }
}
