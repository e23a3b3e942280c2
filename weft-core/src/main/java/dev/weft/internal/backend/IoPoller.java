package dev.weft.internal.backend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Tells tasks when a non-blocking channel is ready, so that Weft's sockets wait through Weft's own
 * park primitive and nothing ever interrupts a thread that uses a channel (issue 15; ADR 0004).
 * One daemon platform thread per JVM, started on first use, runs a {@link Selector}.
 *
 * <h2>Implementation notes</h2>
 * Only the poller thread touches the selector's keys: {@link #arm} and {@link #disarm} queue a
 * request and wake the selector, and the thread applies the requests before it selects again. An
 * armed interest is one-shot: when the channel is ready for it, the thread clears it and runs its
 * callback (which completes a waiter: short, never blocks, never throws). Readiness is
 * level-triggered, so bytes that arrive between a task's empty read and its {@code arm} are seen
 * at the next select. A channel closed while armed: its key is cancelled, and the callback runs
 * at once so that the waiter looks again and finds the channel closed.
 */
public final class IoPoller {

  private static final class Holder {
    static final IoPoller INSTANCE = new IoPoller();
  }

  /** The poller of this JVM. */
  public static IoPoller get() {
    return Holder.INSTANCE;
  }

  private record Request(SelectableChannel channel, int op, Runnable ready) {}

  /** The callbacks armed on one key; touched by the poller thread only. */
  private static final class Slots {
    Runnable read; // OP_READ or OP_ACCEPT
    Runnable write; // OP_WRITE or OP_CONNECT
  }

  private final Selector selector;
  private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();

  private IoPoller() {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open Weft's I/O selector", e);
    }
    Thread.ofPlatform().name("weft-io-poller").daemon(true).start(this::loop);
  }

  /**
   * Runs {@code ready} once, on the poller thread, when {@code channel} is ready for {@code op} (or
   * is closed). {@code ready} must be short and must not throw.
   */
  public void arm(SelectableChannel channel, int op, Runnable ready) {
    requests.add(new Request(channel, op, ready));
    selector.wakeup();
  }

  /** Withdraws an interest armed with {@link #arm} that has not fired (a cancelled wait). */
  public void disarm(SelectableChannel channel, int op) {
    requests.add(new Request(channel, op, null));
    selector.wakeup();
  }

  /**
   * Tells the poller that a channel it may watch was closed. A registered channel's socket is
   * really closed (its descriptor freed, a reset sent for later data) only when its key is
   * deregistered, which happens at the selector's next select: wake it, so that this is now.
   */
  public void closed(SelectableChannel channel) {
    if (channel.keyFor(selector) != null) {
      selector.wakeup();
    }
  }

  /**
   * How many channels the selector has registered, including closed ones whose keys it has not
   * yet dropped; for leak checks.
   */
  public int registeredChannels() {
    return selector.keys().size();
  }

  private void loop() {
    while (true) {
      try {
        selector.select();
        for (Request r; (r = requests.poll()) != null; ) {
          apply(r);
        }
        for (SelectionKey key : selector.selectedKeys()) {
          fire(key);
        }
        selector.selectedKeys().clear();
      } catch (Throwable t) {
        // The poller must outlive any one channel's trouble; a broken selector is not recoverable
        // here, but a failure of one key is.
        System.getLogger("dev.weft").log(System.Logger.Level.DEBUG, "I/O poller step failed", t);
      }
    }
  }

  private void apply(Request r) {
    SelectionKey key = r.channel.keyFor(selector);
    if (r.ready == null) { // disarm
      if (key != null && key.isValid()) {
        Slots slots = (Slots) key.attachment();
        if (isRead(r.op)) {
          slots.read = null;
        } else {
          slots.write = null;
        }
        key.interestOps(key.interestOps() & ~r.op);
      }
      return;
    }
    try {
      if (key == null || !key.isValid()) {
        if (key != null) {
          selector.selectNow(); // flush the cancelled key of a channel that was closed and reused
        }
        key = r.channel.register(selector, 0, new Slots());
      }
      Slots slots = (Slots) key.attachment();
      if (isRead(r.op)) {
        slots.read = r.ready;
      } else {
        slots.write = r.ready;
      }
      key.interestOps(key.interestOps() | r.op);
    } catch (ClosedChannelException | CancelledKeyException e) {
      r.ready.run(); // closed: let the waiter look again and see it
    } catch (IOException e) {
      r.ready.run();
    }
  }

  private static void fire(SelectionKey key) {
    Slots slots = (Slots) key.attachment();
    int ready;
    try {
      ready = key.readyOps();
    } catch (CancelledKeyException e) {
      ready = SelectionKey.OP_READ | SelectionKey.OP_WRITE; // closed: wake both
    }
    int clear = 0;
    if ((ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0 && slots.read != null) {
      Runnable r = slots.read;
      slots.read = null;
      clear |= SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;
      r.run();
    }
    if ((ready & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0 && slots.write != null) {
      Runnable r = slots.write;
      slots.write = null;
      clear |= SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT;
      r.run();
    }
    if (key.isValid()) {
      key.interestOps(key.interestOps() & ~clear);
    }
  }

  private static boolean isRead(int op) {
    return op == SelectionKey.OP_READ || op == SelectionKey.OP_ACCEPT;
  }
}
