package dev.weft.net;

import dev.weft.internal.core.Checkpoints;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Unix domain sockets (semantics N14): connections between processes on one machine, through a
 * socket file, with the same cancellation promises as TCP.
 */
public final class Unix {

  private Unix() {}

  /**
   * Connects to the socket file at {@code path}. A checkpoint; a cancelled or failed connect
   * leaves no socket open.
   *
   * @param path the listener's socket file
   * @return the connection
   * @throws ConnectException if nobody listens there (no such file, or refused)
   * @throws IOException if a socket cannot be made
   * @throws NullPointerException if {@code path} is null
   */
  public static UnixStream connect(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    Checkpoints.checkpoint();
    return ChannelWaits.connect(SocketChannel.open(StandardProtocolFamily.UNIX),
        UnixDomainSocketAddress.of(path), UnixStream::new);
  }

  /**
   * Listens on a new socket file at {@code path}; closing the listener removes the file.
   *
   * @param path where to make the socket file; nothing may exist there yet
   * @return the listener
   * @throws java.net.BindException if something exists at {@code path}, or it cannot be made
   * @throws IOException if the socket cannot be made
   * @throws NullPointerException if {@code path} is null
   */
  public static UnixListener listen(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.bind(UnixDomainSocketAddress.of(path));
      return new UnixListener(channel, path);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }
}
