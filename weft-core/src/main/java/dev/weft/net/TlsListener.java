package dev.weft.net;

import dev.weft.stream.BrokenResourceException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * A {@link TcpListener} whose connections are TLS streams: it accepts a connection and runs the
 * server's handshake (semantics N13; AnyIO's {@code TLSListener}).
 *
 * <pre>{@code
 * try (TlsListener listener = new TlsListener(Tcp.listen(8443), context)) {
 *     listener.serve(connection -> ...);
 * }
 * }</pre>
 */
public final class TlsListener implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(TlsListener.class.getName());

  private final TcpListener listener;
  private final SSLContext context;
  private final String[] applicationProtocols;

  /**
   * Wraps a listener.
   *
   * @param listener the TCP listener; owned by this listener from now on
   * @param context the server's TLS configuration (its key and certificate)
   * @param applicationProtocols protocols to accept with ALPN, most preferred first (none: no ALPN)
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a protocol name is empty
   */
  public TlsListener(TcpListener listener, SSLContext context, String... applicationProtocols) {
    this.listener = Objects.requireNonNull(listener, "listener");
    this.context = Objects.requireNonNull(context, "context");
    Objects.requireNonNull(applicationProtocols, "applicationProtocols");
    for (int i = 0; i < applicationProtocols.length; i++) {
      if (applicationProtocols[i] == null || applicationProtocols[i].isEmpty()) {
        throw new IllegalArgumentException("applicationProtocols[" + i
            + "] must be a non-empty protocol name, but is "
            + (applicationProtocols[i] == null ? "null" : "empty"));
      }
    }
    this.applicationProtocols = applicationProtocols.clone();
  }

  /**
   * Accepts the next connection and runs the server's handshake. A checkpoint; a cancelled accept
   * accepted nothing, or closed the connection whose handshake it interrupted.
   *
   * @return the TLS stream, its handshake done
   * @throws SSLException if the handshake failed (the connection is closed)
   * @throws IOException if accepting fails
   * @throws dev.weft.stream.ClosedResourceException if the listener is or gets closed
   */
  public TlsStream accept() throws IOException {
    return TlsStream.server(listener.accept(), context, applicationProtocols);
  }

  /** Handles one connection of {@link #serve}; the connection is closed when it returns. */
  @FunctionalInterface
  public interface Handler {
    /**
     * Handles one connection.
     *
     * @param connection the connection, its handshake done; closed by {@code serve} afterwards
     * @throws Exception a failure, which fails {@code serve}'s task group (and so ends the server)
     */
    void handle(TlsStream connection) throws Exception;
  }

  /**
   * Accepts connections until cancelled, each in a task of its own that runs the handshake and
   * then {@code handler} ({@link TcpListener#serve}'s rules). A handshake that fails, or a client
   * that disconnects during it, ends only that connection; it is logged (System.Logger, {@code
   * WARNING}). A handler's failure ends the server.
   *
   * @param handler what to do with each connection
   * @throws dev.weft.cancel.CancelledException when the server is cancelled
   * @throws dev.weft.task.TaskGroupException if a handler or an accept failed
   * @throws NullPointerException if {@code handler} is null
   */
  public void serve(Handler handler) {
    Objects.requireNonNull(handler, "handler");
    listener.serve(connection -> {
      TlsStream tls;
      try {
        tls = TlsStream.server(connection, context, applicationProtocols);
      } catch (SSLException | BrokenResourceException e) {
        // The message is enough to act on; a stack trace per scanner or bad client is noise.
        LOG.log(System.Logger.Level.WARNING, "TLS handshake with a client of " + this
            + " failed; its connection is closed: " + e);
        return;
      }
      try (tls) {
        handler.handle(tls);
      }
    });
  }

  /**
   * Returns the address the listener is bound to.
   *
   * @return the local address
   * @throws dev.weft.stream.ClosedResourceException if the listener is closed
   */
  public InetSocketAddress localAddress() {
    return listener.localAddress();
  }

  /** Closes the listener; an accept in progress throws {@code ClosedResourceException}. */
  @Override
  public void close() {
    listener.close();
  }

  @Override
  public String toString() {
    return "TLS " + listener;
  }
}
