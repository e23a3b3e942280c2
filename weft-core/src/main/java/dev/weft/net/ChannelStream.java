package dev.weft.net;

import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.stream.ByteArguments;
import dev.weft.stream.BrokenResourceException;
import dev.weft.stream.ByteStream;
import dev.weft.stream.ClosedResourceException;
import dev.weft.sync.BusyResourceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stream socket (TCP or Unix domain) as a {@link ByteStream} whose operations are ordinary Weft
 * waits (semantics N6, N14); {@link TcpStream} and {@link UnixStream} add what each can tell.
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
abstract sealed class ChannelStream extends ChannelSocket<SocketChannel> implements ByteStream
    permits TcpStream, UnixStream {

  /*
   * Implementation notes. The channel is non-blocking, and the JDK installs its "close the channel
   * when the thread is interrupted" hook only around blocking operations (SocketChannelImpl's
   * beginRead and beginWrite), so the interrupt that Weft keeps set on a cancelled task (ADR 0004)
   * never closes this socket; TcpCancellationStressTest checks it with thousands of deadlines that
   * fire around reads. Waits go through ChannelWaits (the poller completes a waiter). `receiving`
   * and `sending` admit one operation of each kind; `closed`, `eofSent` and `brokenForSends` are
   * volatile flags written once.
   */

  private final AtomicBoolean receiving = new AtomicBoolean();
  private final AtomicBoolean sending = new AtomicBoolean();
  private volatile boolean eofSent;
  private volatile boolean brokenForSends;

  /** The peer, for the name of a task that serves this connection. */
  abstract String peerDescription();

  ChannelStream(SocketChannel channel) throws IOException {
    super(channel);
  }

  @Override
  public int receive(ByteBuffer dst) {
    ByteArguments.requireRoom(dst);
    Checkpoints.checkpoint();
    requireOpen();
    if (!receiving.compareAndSet(false, true)) {
      throw new BusyResourceException("another task is already receiving from " + this);
    }
    try {
      while (true) {
        requireOpen();
        Checkpoints.checkpointIfCancelled(); // cancelled now: read nothing
        int n;
        try {
          n = channel.read(dst);
        } catch (ClosedChannelException e) {
          throw closedWhile("receiving");
        } catch (IOException e) {
          throw new BrokenResourceException("the connection broke: " + e.getMessage(), e);
        }
        if (n != 0) {
          return n; // bytes, or -1 at the end of the stream
        }
        waits.await(SelectionKey.OP_READ, 0, "receive from");
      }
    } finally {
      receiving.set(false);
    }
  }

  @Override
  public void send(ByteBuffer src) {
    Checkpoints.checkpoint();
    requireOpen();
    if (eofSent) {
      throw new ClosedResourceException(this + " sent its end already (sendEof)");
    }
    if (brokenForSends) {
      throw new BrokenResourceException("an earlier send on " + this + " was cancelled after"
          + " part of it was written; how much arrived is unknown, so it cannot send again");
    }
    if (!sending.compareAndSet(false, true)) {
      throw new BusyResourceException("another task is already sending on " + this);
    }
    boolean wrote = false;
    try {
      while (src.hasRemaining()) {
        requireOpen();
        try {
          Checkpoints.checkpointIfCancelled();
        } catch (Throwable cancelled) {
          brokenForSends |= wrote;
          throw cancelled;
        }
        int n;
        try {
          n = channel.write(src);
        } catch (ClosedChannelException e) {
          throw closedWhile("sending");
        } catch (IOException e) {
          brokenForSends = true;
          throw new BrokenResourceException("the connection broke: " + e.getMessage(), e);
        }
        wrote |= n > 0;
        if (src.hasRemaining()) {
          try {
            waits.await(SelectionKey.OP_WRITE, 1, "send to");
          } catch (Throwable cancelled) {
            brokenForSends |= wrote;
            throw cancelled;
          }
        }
      }
    } finally {
      sending.set(false);
    }
  }

  /**
   * Writes what the socket takes at once, for a cleanup that must not wait (a TLS stream's {@code
   * close_notify}); nothing while a send is in progress. Not a checkpoint; throws nothing.
   */
  void sendWithoutWaiting(ByteBuffer src) {
    if (closed || eofSent || brokenForSends || !sending.compareAndSet(false, true)) {
      return;
    }
    try {
      channel.write(src);
    } catch (IOException | RuntimeException e) {
      // the caller is closing the connection anyway
    } finally {
      sending.set(false);
    }
  }

  @Override
  public void sendEof() {
    requireOpen();
    if (eofSent) {
      return;
    }
    eofSent = true;
    try {
      channel.shutdownOutput();
    } catch (ClosedChannelException e) {
      throw closedWhile("ending its output");
    } catch (IOException e) {
      throw new BrokenResourceException("the connection broke: " + e.getMessage(), e);
    }
  }
}
