package dev.weft.net;

import dev.weft.stream.ByteStream;
import dev.weft.stream.ClosedResourceException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A Unix domain socket connection as a {@link ByteStream}, with the same promises as a {@link
 * TcpStream} (semantics N14): its waits are Weft waits, so a receive cancelled by a deadline
 * consumes nothing and the connection stays usable, on virtual and platform threads alike.
 *
 * <p>One receive and one send may run at once; {@link #close} may be called from any thread.
 */
public final class UnixStream extends ChannelStream {

  UnixStream(SocketChannel channel) throws IOException {
    super(channel);
  }

  /**
   * Returns the path this end is bound to; empty for a client, which is usually unbound.
   *
   * @return the local path
   * @throws ClosedResourceException if the stream is closed
   */
  public Path localPath() {
    try {
      return ((UnixDomainSocketAddress) channel.getLocalAddress()).getPath();
    } catch (IOException e) {
      throw closedWhile("asked for its path");
    }
  }

  /**
   * Returns the path of the peer's socket; empty when the peer is an unbound client.
   *
   * @return the peer's path
   * @throws ClosedResourceException if the stream is closed
   */
  public Path remotePath() {
    try {
      return ((UnixDomainSocketAddress) channel.getRemoteAddress()).getPath();
    } catch (IOException e) {
      throw closedWhile("asked for its peer's path");
    }
  }

  @Override
  String peerDescription() {
    try {
      String peer =
          String.valueOf(((UnixDomainSocketAddress) channel.getRemoteAddress()).getPath());
      return peer.isEmpty() ? "an unbound client" : peer;
    } catch (IOException | RuntimeException e) {
      return "a closed connection";
    }
  }

  @Override
  public String toString() {
    return "Unix stream to " + peerDescription();
  }
}
