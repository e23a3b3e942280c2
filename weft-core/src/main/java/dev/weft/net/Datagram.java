package dev.weft.net;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A UDP datagram received by a {@link UdpSocket}: its bytes and who sent it.
 *
 * @param data the datagram's bytes, whole (a fresh array, owned by the receiver)
 * @param sender the address and port it came from
 */
public record Datagram(byte[] data, InetSocketAddress sender) {

  /**
   * Checks the components.
   *
   * @throws NullPointerException if a component is null
   */
  public Datagram {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(sender, "sender");
  }
}
