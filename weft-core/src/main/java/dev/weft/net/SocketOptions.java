package dev.weft.net;

import dev.weft.stream.BrokenResourceException;
import dev.weft.stream.ClosedResourceException;
import java.io.IOException;
import java.net.SocketOption;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.util.Objects;

/** Socket options of any Weft socket, with Weft's exceptions (semantics N6a). */
final class SocketOptions {

  private SocketOptions() {}

  static <T> void set(NetworkChannel channel, SocketOption<T> option, T value, Object socket) {
    Objects.requireNonNull(option, "option");
    try {
      channel.setOption(option, value);
    } catch (ClosedChannelException e) {
      throw new ClosedResourceException(socket + " was closed while it was setting "
          + option.name());
    } catch (IOException e) {
      throw new BrokenResourceException("cannot set " + option.name() + ": " + e.getMessage(), e);
    }
  }

  static <T> T get(NetworkChannel channel, SocketOption<T> option, Object socket) {
    Objects.requireNonNull(option, "option");
    try {
      return channel.getOption(option);
    } catch (ClosedChannelException e) {
      throw new ClosedResourceException(socket + " was closed while it was reading "
          + option.name());
    } catch (IOException e) {
      throw new BrokenResourceException("cannot read " + option.name() + ": " + e.getMessage(), e);
    }
  }
}
