package dev.weft.net;

import dev.weft.stream.ClosedResourceException;
import dev.weft.sync.BusyResourceException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Objects;

/**
 * An unconnected UDP socket: it receives datagrams from anyone and sends each to an address of
 * its own (semantics N15). A receive cancelled while it waits took no datagram; a send sends a
 * datagram whole or, if cancelled, not at all. One receive and one send may run at once.
 */
public final class UdpSocket extends DatagramEndpoint {

  UdpSocket(DatagramChannel channel) throws IOException {
    super(channel);
  }

  /**
   * Waits for the next datagram and returns it with its sender. A checkpoint.
   *
   * @return the datagram, whole
   * @throws ClosedResourceException if the socket is or gets closed
   * @throws BusyResourceException if another task is receiving on this socket
   * @throws dev.weft.stream.BrokenResourceException if the socket failed
   */
  public Datagram receive() {
    return receiveDatagram();
  }

  /**
   * Sends the remaining bytes of {@code data} as one datagram to {@code to}, waiting while the
   * socket has no room for it. A checkpoint.
   *
   * @param data the datagram, at most 65,507 bytes; its position moves to its limit once sent
   * @param to the receiver's address and port
   * @throws IllegalArgumentException if {@code data} is larger than 65,507 bytes
   * @throws ClosedResourceException if the socket is or gets closed
   * @throws BusyResourceException if another task is sending on this socket
   * @throws dev.weft.stream.BrokenResourceException if sending failed
   */
  public void send(ByteBuffer data, InetSocketAddress to) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(to, "to");
    sendDatagram(data, to);
  }

  @Override
  public String toString() {
    String at;
    try {
      at = String.valueOf(channel.getLocalAddress());
    } catch (IOException e) {
      at = "closed";
    }
    return "UDP socket on " + at;
  }
}
