package dev.weft.net;

import dev.weft.stream.ClosedResourceException;
import java.io.IOException;
import java.net.SocketOption;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;

/**
 * What every Weft socket over a non-blocking channel shares: the channel, its waits, closing, and
 * socket options. {@link ChannelStream} (TCP, Unix) and {@link DatagramEndpoint} (UDP) build their
 * operations on it.
 *
 * <p>Implementation notes: {@code closed} is a volatile flag written once, by {@link #close}, which
 * any thread may call; the operations read it before and after each wait.
 *
 * @param <C> the kind of channel
 */
abstract sealed class ChannelSocket<C extends SelectableChannel & NetworkChannel>
    implements AutoCloseable permits ChannelStream, DatagramEndpoint {

  final C channel;
  final ChannelWaits waits;
  volatile boolean closed;

  ChannelSocket(C channel) throws IOException {
    channel.configureBlocking(false);
    this.channel = channel;
    this.waits = new ChannelWaits(channel, this);
  }

  /** Closes the socket; a receive or send in progress throws {@link ClosedResourceException}. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    waits.closeChannel();
  }

  /**
   * Sets a socket option, such as {@link java.net.StandardSocketOptions#TCP_NODELAY} or {@link
   * java.net.StandardSocketOptions#SO_KEEPALIVE}. Not a checkpoint.
   *
   * @param <T> the option's type
   * @param option the option
   * @param value its new value
   * @throws UnsupportedOperationException if this kind of socket has no such option
   * @throws IllegalArgumentException if {@code value} is not valid for {@code option}
   * @throws ClosedResourceException if the socket is closed
   */
  public <T> void setOption(SocketOption<T> option, T value) {
    SocketOptions.set(channel, option, value, this);
  }

  /**
   * Returns the value of a socket option. Not a checkpoint.
   *
   * @param <T> the option's type
   * @param option the option
   * @return its value
   * @throws UnsupportedOperationException if this kind of socket has no such option
   * @throws ClosedResourceException if the socket is closed
   */
  public <T> T option(SocketOption<T> option) {
    return SocketOptions.get(channel, option, this);
  }

  final void requireOpen() {
    if (closed) {
      throw new ClosedResourceException(this + " was closed");
    }
  }

  final ClosedResourceException closedWhile(String doing) {
    return new ClosedResourceException(this + " was closed while it was " + doing);
  }
}
