package dev.weft.net;

import dev.weft.internal.core.Checkpoints;
import dev.weft.stream.ClosedResourceException;
import dev.weft.sync.BusyResourceException;
import dev.weft.task.TaskGroup;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A listening stream socket (TCP or Unix domain) whose accept is an ordinary Weft wait (semantics
 * N7): cancelling it leaves the listener open and loses no connection. {@link TcpListener} and
 * {@link UnixListener} give it their types.
 *
 * @param <S> the type of the accepted connections
 */
abstract sealed class ChannelListener<S extends ChannelStream> implements AutoCloseable
    permits TcpListener, UnixListener {

  /*
   * Implementation notes. The channel is non-blocking; an accept that finds nothing waits through
   * ChannelWaits, and accepts only after checking its cancellation, so a cancelled accept accepted
   * nothing. `accepting` admits one accept at a time; `closed` is written once.
   */

  final ServerSocketChannel channel;
  private final ChannelWaits waits;
  private final AtomicBoolean accepting = new AtomicBoolean();
  private volatile boolean closed;

  ChannelListener(ServerSocketChannel channel) throws IOException {
    channel.configureBlocking(false);
    this.channel = channel;
    this.waits = new ChannelWaits(channel, this);
  }

  /** Makes the stream of an accepted connection. */
  abstract S connection(SocketChannel accepted) throws IOException;

  /** Accepts the next connection; a checkpoint (see the subclasses' {@code accept}). */
  final S acceptConnection() throws IOException {
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
            return connection(accepted);
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

  /** What {@code serve} does with each connection. */
  @FunctionalInterface
  interface ConnectionHandler<S> {
    void handle(S connection) throws Exception;
  }

  /** Accepts until cancelled, each connection in a task of its own (the subclasses' serve). */
  final void serveEach(ConnectionHandler<S> handler) {
    java.util.Objects.requireNonNull(handler, "handler");
    TaskGroup.run(group -> {
      while (true) {
        S connection = acceptConnection();
        try {
          group.startSoon("connection from " + connection.peerDescription(), () -> {
            try (connection) {
              handler.handle(connection);
            }
          });
        } catch (RuntimeException | Error e) {
          connection.close();
          throw e;
        }
      }
    });
  }

  /** Closes the listener; an accept in progress throws {@link ClosedResourceException}. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    waits.closeChannel();
    afterClose();
  }

  /** What a listener does once its socket is closed (a Unix listener removes its file). */
  void afterClose() {}
}
