package dev.weft.net;

import dev.weft.stream.ClosedResourceException;
import dev.weft.sync.BusyResourceException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A listening TCP socket whose {@link #accept} is an ordinary Weft wait (semantics N7): cancelling
 * it leaves the listener open and loses no connection.
 */
public final class TcpListener extends ChannelListener<TcpStream> {

  TcpListener(ServerSocketChannel channel) throws IOException {
    super(channel);
  }

  @Override
  TcpStream connection(SocketChannel accepted) throws IOException {
    return new TcpStream(accepted);
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
    return acceptConnection();
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
    serveEach(handler::handle);
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
