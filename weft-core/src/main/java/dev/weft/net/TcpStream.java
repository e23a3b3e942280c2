package dev.weft.net;

import dev.weft.stream.ByteStream;
import dev.weft.stream.ClosedResourceException;
import dev.weft.sync.BusyResourceException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;

/**
 * A TCP connection as a {@link ByteStream} whose operations are ordinary Weft waits (semantics
 * N6): a receive cancelled by a deadline consumes nothing and leaves the connection open and
 * usable, on virtual and platform threads alike, because nothing ever interrupts the thread that
 * uses the socket (the JDK closes a channel whose thread is interrupted).
 *
 * <h2>Cancellation</h2>
 * {@link #receive} reads only after it has checked that its task is not cancelled, so a cancelled
 * receive read nothing. A {@link #send} cancelled before it wrote any byte has had no effect; one
 * cancelled after some were written leaves the connection broken for sends (its peer may have
 * part of the data), as Trio's sockets do.
 *
 * <h2>Thread safety</h2>
 * One receive and one send may run at once (from different tasks); a second of either throws
 * {@link BusyResourceException}. {@link #close} may be called from any thread.
 */
public final class TcpStream extends ChannelStream {

  TcpStream(SocketChannel channel) throws IOException {
    super(channel);
  }

  /** Aborts the connection: closes it with a reset (RST) instead of an orderly end (FIN). */
  public void abort() {
    try {
      channel.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
    } catch (IOException | RuntimeException e) {
      // already closed or broken: close() below is all that is left
    }
    close();
  }

  /**
   * Returns the local address of the connection.
   *
   * @return the local address
   * @throws ClosedResourceException if the stream is closed
   */
  public InetSocketAddress localAddress() {
    try {
      return (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      throw closedWhile("asked for its address");
    }
  }

  /**
   * Returns the address of the peer.
   *
   * @return the peer's address
   * @throws ClosedResourceException if the stream is closed
   */
  public InetSocketAddress remoteAddress() {
    try {
      return (InetSocketAddress) channel.getRemoteAddress();
    } catch (IOException e) {
      throw closedWhile("asked for its peer's address");
    }
  }

  /**
   * Returns the socket, for what {@link #setOption} does not cover. Do not read from it or write
   * to it directly, and do not make it blocking.
   *
   * @return the underlying socket
   */
  public Socket socket() {
    return channel.socket();
  }

  @Override
  String peerDescription() {
    try {
      return String.valueOf(channel.getRemoteAddress());
    } catch (IOException | RuntimeException e) {
      return "a closed connection";
    }
  }

  @Override
  public String toString() {
    String peer;
    try {
      peer = String.valueOf(channel.getRemoteAddress());
    } catch (IOException e) {
      peer = "closed";
    }
    return "TCP stream to " + peer;
  }
}
