package dev.weft.net;

import dev.weft.stream.ClosedResourceException;
import dev.weft.sync.BusyResourceException;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A listening Unix domain socket whose {@link #accept} is an ordinary Weft wait (semantics N14):
 * cancelling it leaves the listener open and loses no connection. Closing it removes its socket
 * file.
 */
public final class UnixListener extends ChannelListener<UnixStream> {

  private final Path path;

  UnixListener(ServerSocketChannel channel, Path path) throws IOException {
    super(channel);
    this.path = path;
  }

  @Override
  UnixStream connection(SocketChannel accepted) throws IOException {
    return new UnixStream(accepted);
  }

  /**
   * Waits for the next connection and returns it. A checkpoint; a cancelled accept has accepted
   * nothing.
   *
   * @return the new connection
   * @throws ClosedResourceException if the listener is or gets closed
   * @throws BusyResourceException if another task is accepting on this listener
   * @throws IOException if accepting fails
   */
  public UnixStream accept() throws IOException {
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
    void handle(UnixStream connection) throws Exception;
  }

  /**
   * Accepts connections until cancelled, each handled in a task of its own ({@link
   * TcpListener#serve}'s rules).
   *
   * @param handler what to do with each connection
   * @throws dev.weft.cancel.CancelledException when the server is cancelled
   * @throws dev.weft.task.TaskGroupException if a handler or an accept failed
   * @throws NullPointerException if {@code handler} is null
   */
  public void serve(Handler handler) {
    java.util.Objects.requireNonNull(handler, "handler");
    serveEach(handler::handle);
  }

  /**
   * Returns the path of the socket file.
   *
   * @return the path the listener is bound to
   */
  public Path path() {
    return path;
  }

  @Override
  void afterClose() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException | RuntimeException e) {
      // the socket is closed; a file we cannot remove is left for its owner
    }
  }

  @Override
  public String toString() {
    return "Unix listener on " + path;
  }
}
