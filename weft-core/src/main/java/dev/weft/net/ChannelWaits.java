package dev.weft.net;

import dev.weft.internal.backend.IoPoller;
import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.Task;
import dev.weft.internal.core.Waiter;
import java.nio.channels.SelectableChannel;

/**
 * One channel's waits for readiness, through Weft's park primitive (semantics N6).
 *
 * <h2>Implementation notes</h2>
 * A wait arms a one-shot interest on the JVM's {@link IoPoller}, whose thread completes the waiter
 * when the channel is ready; a cancellation aborts the waiter, and the wait then disarms the
 * interest. The waiter carries no data: the task does its own non-blocking read, write, accept or
 * connect afterwards, and only after checking its cancellation, so a cancelled wait has done
 * nothing to the channel. {@code waiters} holds the waits in progress (at most one per direction),
 * so that {@link #wakeAll} can end them when the channel is closed (a closed channel's key is
 * never selected again); its monitor is held only for those few field accesses.
 */
final class ChannelWaits {

  private final SelectableChannel channel;
  private final Object resource;
  private final Waiter<?>[] waiters = new Waiter<?>[2]; // [0] read/accept, [1] write/connect

  ChannelWaits(SelectableChannel channel, Object resource) {
    this.channel = channel;
    this.resource = resource;
  }

  /**
   * Waits until the channel may be ready for {@code op} (or is closed). A cancellable wait: on
   * cancellation it throws, having done nothing.
   *
   * @param slot 0 for read or accept, 1 for write or connect
   */
  void await(int op, int slot, String operation) {
    Task me = Task.current();
    Waiter<Object> w = Waiter.forTask(me, true, resource, operation);
    synchronized (waiters) {
      waiters[slot] = w;
    }
    IoPoller.get().arm(channel, op, () -> w.complete(Boolean.TRUE));
    boolean ready = w.await();
    synchronized (waiters) {
      if (waiters[slot] == w) {
        waiters[slot] = null;
      }
    }
    if (!ready) {
      IoPoller.get().disarm(channel, op);
      Checkpoints.afterAbort(); // throws, unless a shield raised since hides the cancellation
    }
  }

  /** Makes the stream of a connected channel. */
  @FunctionalInterface
  interface Connected<S> {
    S stream(java.nio.channels.SocketChannel channel) throws java.io.IOException;
  }

  /**
   * Connects {@code channel} (new, unconnected) to {@code address} through Weft waits and makes
   * its stream; a connect that is cancelled or fails closes the channel, so no socket is left
   * behind. A failure to connect is a {@link java.net.ConnectException} naming the address.
   */
  static <S> S connect(java.nio.channels.SocketChannel channel, java.net.SocketAddress address,
      Connected<S> connected) throws java.io.IOException {
    boolean done = false;
    try {
      channel.configureBlocking(false);
      ChannelWaits waits = new ChannelWaits(channel, "connect to " + address);
      try {
        boolean ready = channel.connect(address);
        while (!ready) {
          waits.await(java.nio.channels.SelectionKey.OP_CONNECT, 1, "connect to");
          ready = channel.finishConnect();
        }
      } catch (java.net.ConnectException e) {
        throw e;
      } catch (java.io.IOException e) {
        java.net.ConnectException c = new java.net.ConnectException(
            "cannot connect to " + address + ": " + e.getMessage());
        c.initCause(e);
        throw c;
      }
      S stream = connected.stream(channel);
      done = true;
      return stream;
    } finally {
      if (!done) {
        closeQuietly(channel); // cancelled or failed: no socket is left behind
      }
    }
  }

  /**
   * Closes the channel and ends every wait on it: a closed channel's key is never selected again,
   * so nobody else would wake them.
   */
  void closeChannel() {
    closeQuietly(channel);
    wakeAll();
  }

  /**
   * Closes {@code channel}, which may be registered with the poller, and has the poller drop its
   * key now, so that the socket is really released (see {@link IoPoller#closed}).
   */
  static void closeQuietly(SelectableChannel channel) {
    try {
      channel.close();
    } catch (java.io.IOException e) {
      // closing a socket that already broke: nothing more to release
    }
    IoPoller.get().closed(channel);
  }

  /** Ends every wait in progress; they look again and find the channel closed. */
  private void wakeAll() {
    Waiter<?>[] now;
    synchronized (waiters) {
      now = waiters.clone();
    }
    for (Waiter<?> w : now) {
      if (w != null) {
        @SuppressWarnings("unchecked")
        Waiter<Object> o = (Waiter<Object>) w;
        o.complete(Boolean.TRUE);
      }
    }
  }
}
