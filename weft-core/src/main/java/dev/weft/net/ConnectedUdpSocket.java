package dev.weft.net;

import dev.weft.stream.ClosedResourceException;
import dev.weft.sync.BusyResourceException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Objects;

/**
 * A UDP socket connected to one peer: it sends only to that peer and receives only from it
 * (semantics N15). A receive cancelled while it waits took no datagram; a send sends a datagram
 * whole or, if cancelled, not at all. One receive and one send may run at once.
 */
public final class ConnectedUdpSocket extends DatagramEndpoint {

  ConnectedUdpSocket(DatagramChannel channel) throws IOException {
    super(channel);
  }

  /**
   * Waits for the peer's next datagram and returns its bytes. A checkpoint.
   *
   * @return the datagram's bytes, whole (a fresh array)
   * @throws ClosedResourceException if the socket is or gets closed
   * @throws BusyResourceException if another task is receiving on this socket
   * @throws dev.weft.stream.BrokenResourceException if the socket failed (for instance, the
   *     peer's port was unreachable)
   */
  public byte[] receive() {
    return receiveDatagram().data();
  }

  /**
   * Sends the remaining bytes of {@code data} as one datagram to the peer, waiting while the
   * socket has no room for it. A checkpoint.
   *
   * @param data the datagram, at most 65,507 bytes; its position moves to its limit once sent
   * @throws IllegalArgumentException if {@code data} is larger than 65,507 bytes
   * @throws ClosedResourceException if the socket is or gets closed
   * @throws BusyResourceException if another task is sending on this socket
   * @throws dev.weft.stream.BrokenResourceException if sending failed
   */
  public void send(ByteBuffer data) {
    Objects.requireNonNull(data, "data");
    sendDatagram(data, null);
  }

  /**
   * Returns the peer's address and port.
   *
   * @return the address the socket is connected to
   * @throws ClosedResourceException if the socket is closed
   */
  public InetSocketAddress remoteAddress() {
    try {
      return (InetSocketAddress) channel.getRemoteAddress();
    } catch (IOException e) {
      throw closedWhile("asked for its peer's address");
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
    return "UDP socket connected to " + peer;
  }
}
