package dev.weft.net;

import dev.weft.Workers;
import dev.weft.internal.core.Checkpoints;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Objects;

/** UDP sockets whose waits are Weft waits (semantics N15). */
public final class Udp {

  private Udp() {}

  /**
   * Opens an unconnected socket bound to {@code port} of every local address (0: a port the
   * system chooses; see {@link UdpSocket#localAddress()}).
   *
   * @param port from 0 to 65535
   * @return the socket
   * @throws IllegalArgumentException if {@code port} is out of range
   * @throws IOException if the port cannot be bound
   */
  public static UdpSocket bind(int port) throws IOException {
    checkPort(port);
    return bind(new InetSocketAddress(port));
  }

  /**
   * Opens an unconnected socket bound to {@code address}.
   *
   * @param address the local address and port
   * @return the socket
   * @throws IOException if the address cannot be bound
   * @throws NullPointerException if {@code address} is null
   */
  public static UdpSocket bind(InetSocketAddress address) throws IOException {
    Objects.requireNonNull(address, "address");
    DatagramChannel channel = DatagramChannel.open();
    try {
      channel.bind(address);
      return new UdpSocket(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Opens a socket connected to {@code host} at {@code port} (its first address); a checkpoint,
   * since the name is resolved on a worker thread. UDP sends no packet to connect.
   *
   * @param host a name or an address literal
   * @param port from 1 to 65535
   * @return the connected socket
   * @throws IllegalArgumentException if {@code port} is out of range
   * @throws java.net.UnknownHostException if {@code host} has no address
   * @throws IOException if the socket cannot be made
   */
  public static ConnectedUdpSocket connect(String host, int port) throws IOException {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be from 1 to 65535, but was " + port);
    }
    Checkpoints.checkpoint();
    InetAddress address = Workers.run(() -> InetAddress.getByName(host));
    return connect(new InetSocketAddress(address, port));
  }

  /**
   * Opens a socket connected to {@code address}.
   *
   * @param address the peer's address and port
   * @return the connected socket
   * @throws IOException if the socket cannot be made
   * @throws NullPointerException if {@code address} is null
   */
  public static ConnectedUdpSocket connect(InetSocketAddress address) throws IOException {
    Objects.requireNonNull(address, "address");
    DatagramChannel channel = DatagramChannel.open();
    try {
      channel.connect(address);
      return new ConnectedUdpSocket(channel);
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
