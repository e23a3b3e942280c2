package dev.weft.net;

import dev.weft.internal.core.Checkpoints;
import dev.weft.stream.BrokenResourceException;
import dev.weft.stream.ClosedResourceException;
import dev.weft.sync.BusyResourceException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A UDP socket whose receive and send are ordinary Weft waits (semantics N15); {@link UdpSocket}
 * and {@link ConnectedUdpSocket} give it their shapes.
 */
abstract sealed class DatagramEndpoint extends ChannelSocket<DatagramChannel>
    permits UdpSocket, ConnectedUdpSocket {

  /*
   * Implementation notes. The channel is non-blocking. A receive takes a datagram only after it
   * checked its cancellation, so a cancelled receive took none; a send either sends the datagram
   * whole or nothing (DatagramChannel never sends part of one), and checks its cancellation
   * before each try, so a cancelled send sent nothing. `receiving` admits one receive, which owns
   * `receiveBuffer`; `sending` admits one send; `closed` is written once.
   */

  /** The largest UDP payload over IPv4 (65,535 minus the IP and UDP headers). */
  static final int MAX_DATAGRAM = 65_507;

  private final AtomicBoolean receiving = new AtomicBoolean();
  private final AtomicBoolean sending = new AtomicBoolean();
  private final ByteBuffer receiveBuffer = ByteBuffer.allocate(MAX_DATAGRAM + 1);

  DatagramEndpoint(DatagramChannel channel) throws IOException {
    super(channel);
  }

  final Datagram receiveDatagram() {
    Checkpoints.checkpoint();
    requireOpen();
    if (!receiving.compareAndSet(false, true)) {
      throw new BusyResourceException("another task is already receiving from " + this);
    }
    try {
      while (true) {
        requireOpen();
        Checkpoints.checkpointIfCancelled(); // cancelled now: take no datagram
        SocketAddress from;
        try {
          from = channel.receive(receiveBuffer.clear());
        } catch (ClosedChannelException e) {
          throw closedWhile("receiving");
        } catch (IOException e) {
          throw new BrokenResourceException(this + " failed to receive: " + e.getMessage(), e);
        }
        if (from != null) {
          return new Datagram(Arrays.copyOf(receiveBuffer.array(), receiveBuffer.position()),
              (InetSocketAddress) from);
        }
        waits.await(SelectionKey.OP_READ, 0, "receive from");
      }
    } finally {
      receiving.set(false);
    }
  }

  /** Sends {@code data} whole to {@code to}, or to the connected peer when {@code to} is null. */
  final void sendDatagram(ByteBuffer data, InetSocketAddress to) {
    int size = data.remaining();
    if (size > MAX_DATAGRAM) {
      throw new IllegalArgumentException("data must be at most " + MAX_DATAGRAM
          + " bytes (a UDP datagram over IPv4), but has " + size);
    }
    Checkpoints.checkpoint();
    requireOpen();
    if (!sending.compareAndSet(false, true)) {
      throw new BusyResourceException("another task is already sending on " + this);
    }
    try {
      while (true) {
        requireOpen();
        Checkpoints.checkpointIfCancelled(); // cancelled now: send nothing
        int sent;
        try {
          sent = to == null ? channel.write(data) : channel.send(data, to);
        } catch (ClosedChannelException e) {
          throw closedWhile("sending");
        } catch (IOException e) {
          throw new BrokenResourceException(this + " failed to send: " + e.getMessage(), e);
        }
        if (sent > 0 || size == 0) {
          return; // whole: a datagram is never sent in part
        }
        waits.await(SelectionKey.OP_WRITE, 1, "send to");
      }
    } finally {
      sending.set(false);
    }
  }

  /**
   * Returns the local address and port.
   *
   * @return the address the socket is bound to
   * @throws ClosedResourceException if the socket is closed
   */
  public InetSocketAddress localAddress() {
    try {
      return (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      throw closedWhile("asked for its address");
    }
  }
}
