package dev.weft.net;

import dev.weft.internal.core.Checkpoints;
import dev.weft.stream.ClosedResourceException;
import dev.weft.sync.BusyResourceException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A listening TCP socket whose {@link #accept} is an ordinary Weft wait (semantics N7): cancelling
 * it leaves the listener open and loses no connection.
 */
public final class TcpListener implements AutoCloseable {

  private final ServerSocketChannel channel;
  private final ChannelWaits waits;
  private final AtomicBoolean accepting = new AtomicBoolean();
  private volatile boolean closed;

  TcpListener(ServerSocketChannel channel) throws IOException {
    channel.configureBlocking(false);
    this.channel = channel;
    this.waits = new ChannelWaits(channel, this);
  }

  /**
   * Waits for the next connection and returns it. A checkpoint; a cancelled accept has accepted
   * nothing (the connection waits for the next accept).
   *
   * @return the new connection
   * @throws ClosedResourceException if the listener is or gets closed
   * @throws BusyResourceException if another task is accepting on this listener
   * @throws IOException if accepting fails (for instance, too many open files)
   */
  public TcpStream accept() throws IOException {
    Checkpoints.checkpoint();
    if (!accepting.compareAndSet(false, true)) {
      throw new BusyResourceException("another task is already accepting on " + this);
    }
    try {
      while (true) {
        if (closed) {
          throw new ClosedResourceException(this + " was closed");
        }
        Checkpoints.checkpointIfCancelled(); // cancelled now: accept nothing
        SocketChannel accepted;
        try {
          accepted = channel.accept();
        } catch (ClosedChannelException e) {
          throw new ClosedResourceException(this + " was closed while it accepted");
        }
        if (accepted != null) {
          try {
            return new TcpStream(accepted);
          } catch (IOException | RuntimeException e) {
            accepted.close();
            throw e;
          }
        }
        waits.await(SelectionKey.OP_ACCEPT, 0, "accept on");
      }
    } finally {
      accepting.set(false);
    }
  }

  /**
   * Returns the address the listener is bound to (with the port the system chose for port 0).
   *
   * @return the local address
   * @throws ClosedResourceException if the listener is closed
   */
  public InetSocketAddress localAddress() {
    try {
      return (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      throw new ClosedResourceException(this + " was closed");
    }
  }

  /** Closes the listener; an accept in progress throws {@link ClosedResourceException}. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      // nothing more to release
    }
    dev.weft.internal.backend.IoPoller.get().closed(channel);
    waits.wakeAll();
  }

  @Override
  public String toString() {
    String at;
    try {
      at = String.valueOf(channel.getLocalAddress());
    } catch (IOException e) {
      at = "closed";
    }
    return "TCP listener on " + at;
  }
}
