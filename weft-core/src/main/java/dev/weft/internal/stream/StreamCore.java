package dev.weft.internal.stream;

import dev.weft.internal.guard.CriticalLock;
import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.Task;
import dev.weft.internal.core.Waiter;
import dev.weft.stream.BrokenResourceException;
import dev.weft.stream.ClosedResourceException;
import dev.weft.stream.EndOfStreamException;
import dev.weft.stream.StreamStatistics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The shared state of one memory object stream: its buffer, its waiting senders and receivers,
 * and how many handles of each side are open.
 *
 * <h2>Implementation notes</h2>
 * {@link #lock} guards every field and every handle's {@code closed} flag. Every operation makes
 * its whole decision under the lock, so the stream moves through a sequence of states that each
 * satisfy these invariants:
 * <ul>
 *   <li>If receivers are waiting, the buffer is empty (a sender would have handed over instead).
 *   <li>If senders are waiting, the buffer is full (a receiver refills the freed slot from the
 *       oldest waiting sender, in the same critical section).
 *   <li>An item is in exactly one place: the sender's hands, a send waiter, the buffer, a receive
 *       waiter's completed state, or the receiver's hands.
 * </ul>
 *
 * <p><b>Handoffs.</b> A waiting task is represented by a {@link Waiter}; the thread that serves it
 * (a sender for a receiver, a receiver for a sender, a closer for either) polls it from its queue
 * under the lock and tries to complete it. If the CAS fails, the waiter was aborted by a
 * cancellation: the item was not handed over, and the server moves on to the next waiter or the
 * buffer. The aborted task, when it runs, removes its node under the lock (it may already be gone)
 * and throws the cancellation. A sender never looks at a receiver's cancellation or shield state:
 * a shielded receiver is simply a waiter that nobody aborts.
 *
 * <p><b>Completion values.</b> A receive waiter is completed with the item, or with {@link
 * #END_OF_STREAM} or {@link #CLOSED}. A send waiter is completed with {@link #DELIVERED} (its item
 * was taken, by a receiver or into the buffer), {@link #BROKEN} or {@link #CLOSED} (not taken: the
 * sender still owns the item). Items are never null, so no item can be mistaken for a signal.
 *
 * <p><b>Memory consistency.</b> An item crosses either the lock (buffered) or a waiter's volatile
 * state (handed over directly), so a sender's actions before {@code send} happen-before the
 * receiver's actions after {@code receive} returns that item.
 *
 * <p><b>Callbacks.</b> {@code onUndelivered} is user code; it runs after the lock is released.
 *
 * @param <T> the type of the items
 */
public final class StreamCore<T> {

  static final Object DELIVERED = new Signal("delivered");
  static final Object BROKEN = new Signal("broken");
  static final Object CLOSED = new Signal("closed");
  static final Object END_OF_STREAM = new Signal("end of stream");

  private record Signal(String name) {}

  /** One handle's state; guarded by the core's lock. */
  public static final class Handle {
    final boolean sending;
    boolean closed;

    Handle(boolean sending) {
      this.sending = sending;
    }

    public boolean isClosed(StreamCore<?> core) {
      try {
        core.lock.lock();
        return closed;
      } finally {
        core.lock.unlockIfHeld();
      }
    }
  }

  /**
   * A waiting sender. {@code clause} is -1 for a plain send, or the index of a select's clause: a
   * select's one waiter sits in several streams, and its completion says which clause won.
   */
  record SendNode(Waiter<Object> waiter, Object item, Handle handle, int clause) {
    boolean complete(Object outcome) {
      return waiter.complete(clause < 0 ? outcome : new Selected(clause, outcome));
    }
  }

  /** A waiting receiver; {@code clause} as in {@link SendNode}. */
  record ReceiveNode(Waiter<Object> waiter, Handle handle, int clause) {
    boolean complete(Object outcome) {
      return waiter.complete(clause < 0 ? outcome : new Selected(clause, outcome));
    }
  }

  /** How a select's waiter was completed: which clause, and with what. */
  record Selected(int clause, Object outcome) {}

  /** A global order of streams, in which a select takes their locks (no two selects deadlock). */
  private static final AtomicLong ORDER = new AtomicLong();

  final long order = ORDER.incrementAndGet();

  /**
   * How often a rendezvous stream's lock spins for its holder before it waits. The two sides of a
   * rendezvous reach the lock together after every handoff (0.7 contended acquisitions per item
   * were measured), and a wait parks the thread; spinning raised 1P/1C throughput from 2.7 to 3.4
   * M items/s. Buffered streams do not spin (it cost them a third). Never on one processor.
   */
  private static final int RENDEZVOUS_LOCK_SPINS =
      Runtime.getRuntime().availableProcessors() > 1 ? 256 : 0;

  private final CriticalLock lock;
  private final int maxBuffer;
  private final Consumer<Object> onUndelivered;
  private final ArrayDeque<Object> buffer = new ArrayDeque<>();
  private final dev.weft.internal.core.NameSlot name = new dev.weft.internal.core.NameSlot();
  private final ArrayDeque<SendNode> senders = new ArrayDeque<>();
  private final ArrayDeque<ReceiveNode> receivers = new ArrayDeque<>();
  private int openSenders;
  private int openReceivers;

  @SuppressWarnings("unchecked")
  public StreamCore(int maxBuffer, Consumer<? super T> onUndelivered) {
    this.maxBuffer = maxBuffer;
    this.onUndelivered = (Consumer<Object>) onUndelivered;
    this.lock = new CriticalLock(maxBuffer == 0 ? RENDEZVOUS_LOCK_SPINS : 0);
  }

  /** Opens a new handle of one side. */
  public Handle open(boolean sending) {
    try {
      lock.lock();
      return openLocked(sending);
    } finally {
      lock.unlockIfHeld();
    }
  }

  private Handle openLocked(boolean sending) {
    if (sending) {
      openSenders++;
    } else {
      openReceivers++;
    }
    return new Handle(sending);
  }

  /** Opens a new handle on the same side as {@code of}, which must be open. */
  public Handle cloneHandle(Handle of) {
    try {
      lock.lock();
      if (of.closed) {
        throw new ClosedResourceException("cannot clone a closed " + side(of));
      }
      return openLocked(of.sending);
    } finally {
      lock.unlockIfHeld();
    }
  }

  // ---- send -----------------------------------------------------------------------------------

  public void send(Handle handle, T item) {
    requireItem(item, "send");
    Task me = Task.current(); // looked up once for the whole operation
    Checkpoints.checkpoint(me);
    while (true) {
      SendNode node = null;
      try {
        lock.lock();
        // The linearization point: cancelled now, the send takes no effect (see cancelledNow).
        if (!Checkpoints.cancelledNow(me)) {
          if (offerLocked(handle, item)) {
            return;
          }
          node = new SendNode(Waiter.forTask(me, true, this, "send to"), item, handle, -1);
          senders.add(node);
        }
      } finally {
        lock.unlockIfHeld();
      }
      if (node == null) {
        Checkpoints.afterAbort(); // throws, unless a shield raised since hides the cancellation
        continue;
      }
      if ((maxBuffer == 0 ? node.waiter.awaitRendezvous() : node.waiter.await())) {
        Object outcome = node.waiter.value();
        if (outcome == DELIVERED) {
          return;
        }
        throw outcome == CLOSED ? closed(handle) : broken();
      }
      removeSender(node);
      Checkpoints.afterAbort();
    }
  }

  public boolean trySend(Handle handle, T item) {
    requireItem(item, "trySend");
    try {
      lock.lock();
      return offerLocked(handle, item);
    } finally {
      lock.unlockIfHeld();
    }
  }

  private static void requireItem(Object item, String method) {
    if (item == null) {
      throw new NullPointerException(
          "MemorySendStream." + method + ": item must not be null (a stream carries no nulls)");
    }
  }

  /** Hands the item to a waiting receiver or buffers it; false when it would have to wait. */
  private boolean offerLocked(Handle handle, Object item) {
    if (handle.closed) {
      throw closed(handle);
    }
    if (openReceivers == 0) {
      throw broken();
    }
    for (ReceiveNode r; (r = receivers.poll()) != null; ) {
      // Inline rather than r.complete(): one frame less under the lock (semantics H3).
      if (r.waiter.complete(r.clause < 0 ? item : new Selected(r.clause, item))) {
        return true;
      }
    }
    if (buffer.size() < maxBuffer) {
      buffer.add(item);
      return true;
    }
    return false;
  }

  private void removeSender(SendNode node) {
    try {
      lock.lock();
      senders.remove(node);
    } finally {
      lock.unlockIfHeld();
    }
  }

  // ---- receive --------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  public T receive(Handle handle) {
    Task me = Task.current(); // looked up once for the whole operation
    Checkpoints.checkpoint(me);
    while (true) {
      ReceiveNode node = null;
      try {
        lock.lock();
        // The linearization point: cancelled now, the receive takes nothing (see cancelledNow).
        if (!Checkpoints.cancelledNow(me)) {
          Object item = pollLocked(handle);
          if (item != null) {
            return (T) item;
          }
          if (openSenders == 0) {
            throw endOfStream();
          }
          node = new ReceiveNode(Waiter.forTask(me, true, this, "receive from"), handle, -1);
          receivers.add(node);
        }
      } finally {
        lock.unlockIfHeld();
      }
      if (node == null) {
        Checkpoints.afterAbort();
        continue;
      }
      if ((maxBuffer == 0 ? node.waiter.awaitRendezvous() : node.waiter.await())) {
        Object outcome = node.waiter.value();
        if (outcome == END_OF_STREAM) {
          throw endOfStream();
        }
        if (outcome == CLOSED) {
          throw closed(handle);
        }
        return (T) outcome;
      }
      removeReceiver(node);
      Checkpoints.afterAbort();
    }
  }

  /** Returns the next item, or {@code null} when none is available now. */
  @SuppressWarnings("unchecked")
  public T tryReceive(Handle handle) {
    try {
      lock.lock();
      Object item = pollLocked(handle);
      if (item == null && openSenders == 0) {
        throw endOfStream();
      }
      return (T) item;
    } finally {
      lock.unlockIfHeld();
    }
  }

  /**
   * Takes the oldest buffered item (refilling its slot from the oldest waiting sender) or, with an
   * empty buffer, the oldest waiting sender's item; {@code null} when there is neither.
   */
  private Object pollLocked(Handle handle) {
    if (handle.closed) {
      throw closed(handle);
    }
    Object item = buffer.poll();
    if (item != null) {
      for (SendNode s; (s = senders.poll()) != null; ) {
        if (s.waiter.complete(s.clause < 0 ? DELIVERED : new Selected(s.clause, DELIVERED))) {
          buffer.add(s.item);
          break;
        }
      }
      return item;
    }
    for (SendNode s; (s = senders.poll()) != null; ) {
      if (s.waiter.complete(s.clause < 0 ? DELIVERED : new Selected(s.clause, DELIVERED))) {
        return s.item;
      }
    }
    return null;
  }

  private void removeReceiver(ReceiveNode node) {
    try {
      lock.lock();
      receivers.remove(node);
    } finally {
      lock.unlockIfHeld();
    }
  }

  // ---- close ----------------------------------------------------------------------------------

  /**
   * Closes one handle: wakes the tasks blocked on that handle with {@link
   * ClosedResourceException}, and when it was the last of its side, wakes the other side (end of
   * stream for receivers; broken for senders) and hands buffered items to {@code onUndelivered}.
   * Idempotent.
   */
  public void close(Handle handle) {
    List<Object> undelivered = null;
    try {
      lock.lock();
      if (handle.closed) {
        return;
      }
      handle.closed = true;
      if (handle.sending) {
        openSenders--;
        for (Iterator<SendNode> it = senders.iterator(); it.hasNext(); ) {
          SendNode s = it.next();
          if (s.handle == handle) {
            it.remove();
            s.complete(CLOSED);
          }
        }
        if (openSenders == 0) {
          // Waiting receivers imply an empty buffer: each of them reaches the end of the stream.
          for (ReceiveNode r; (r = receivers.poll()) != null; ) {
            r.complete(END_OF_STREAM);
          }
        }
      } else {
        openReceivers--;
        for (Iterator<ReceiveNode> it = receivers.iterator(); it.hasNext(); ) {
          ReceiveNode r = it.next();
          if (r.handle == handle) {
            it.remove();
            r.complete(CLOSED);
          }
        }
        if (openReceivers == 0) {
          for (SendNode s; (s = senders.poll()) != null; ) {
            s.complete(BROKEN);
          }
          if (!buffer.isEmpty()) {
            undelivered = new ArrayList<>(buffer);
            buffer.clear();
          }
        }
      }
    } finally {
      lock.unlockIfHeld();
    }
    if (undelivered != null) {
      handUndelivered(undelivered);
    }
  }

  /**
   * Calls {@code onUndelivered} for every item, whatever it throws (user code: an exception, a
   * checked one thrown sneakily, an {@code Error}); then throws the first {@code Error} itself, or
   * else an {@code IllegalStateException} caused by the first exception, the others suppressed.
   */
  private void handUndelivered(List<Object> items) {
    if (onUndelivered == null) {
      return;
    }
    List<Throwable> thrown = null;
    for (Object item : items) {
      try {
        onUndelivered.accept(item);
      } catch (Throwable t) {
        if (thrown == null) {
          thrown = new ArrayList<>(2);
        }
        thrown.add(t);
      }
    }
    if (thrown == null) {
      return;
    }
    Throwable first = null;
    for (Throwable t : thrown) {
      if (t instanceof Error) {
        first = t;
        break;
      }
    }
    Throwable failure = first != null ? first
        : new IllegalStateException("onUndelivered failed for an undelivered item", thrown.get(0));
    for (Throwable t : thrown) {
      if (t != first && (first != null || t != thrown.get(0))) {
        failure.addSuppressed(t);
      }
    }
    if (failure instanceof Error e) {
      throw e;
    }
    throw (IllegalStateException) failure;
  }

  // ---- select (see Selector) ------------------------------------------------------------------

  /** What {@link #tryReceiveLocked} returns when no item is there now. */
  static final Object NONE = new Signal("none");

  boolean isRendezvous() {
    return maxBuffer == 0;
  }

  void lockForSelect() {
    lock.lock();
  }

  void unlockForSelect() {
    lock.unlockIfHeld();
  }

  /**
   * {@link #tryReceive}'s decision, for a select that holds the lock: the item, or {@link #NONE};
   * at the end of the stream, {@link Selector#ENDED} if {@code endIsOutcome}, else it throws.
   */
  Object tryReceiveLocked(Handle handle, boolean endIsOutcome) {
    Object item = pollLocked(handle);
    if (item == null) {
      if (openSenders == 0) {
        if (endIsOutcome) {
          return Selector.ENDED;
        }
        throw endedInSelect();
      }
      return NONE;
    }
    return item;
  }

  /** {@link #trySend}'s decision, for a select that holds the lock. */
  boolean trySendLocked(Handle handle, Object item) {
    return offerLocked(handle, item);
  }

  ReceiveNode enqueueReceiveLocked(Handle handle, Waiter<Object> waiter, int clause) {
    ReceiveNode node = new ReceiveNode(waiter, handle, clause);
    receivers.add(node);
    return node;
  }

  SendNode enqueueSendLocked(Handle handle, Waiter<Object> waiter, Object item, int clause) {
    SendNode node = new SendNode(waiter, item, handle, clause);
    senders.add(node);
    return node;
  }

  /** Takes a select's node out of its queue, if a completer has not already. */
  void removeSelectNode(Object node) {
    try {
      lock.lock();
      if (node instanceof SendNode s) {
        senders.remove(s);
      } else {
        receivers.remove((ReceiveNode) node);
      }
    } finally {
      lock.unlockIfHeld();
    }
  }

  /** How a select's clause on this stream ends when its waiter was completed with {@code outcome}. */
  Object selectedOutcome(Handle handle, Object outcome, boolean endIsOutcome) {
    if (outcome == CLOSED) {
      throw closed(handle);
    }
    if (outcome == END_OF_STREAM) {
      if (endIsOutcome) {
        return Selector.ENDED;
      }
      throw endedInSelect();
    }
    if (outcome == BROKEN) {
      throw new BrokenResourceException(
          "every receive stream of " + this + " was closed (the item was not sent)");
    }
    return outcome == DELIVERED ? null : outcome;
  }

  private EndOfStreamException endedInSelect() {
    return new EndOfStreamException(
        this + " has ended: every send stream was closed and the buffer is empty");
  }

  // ---- statistics and errors ------------------------------------------------------------------

  public StreamStatistics statistics() {
    try {
      lock.lock();
      return new StreamStatistics(
          buffer.size(), maxBuffer, openSenders, openReceivers, senders.size(), receivers.size());
    } finally {
      lock.unlockIfHeld();
    }
  }

  private static String side(Handle handle) {
    return handle.sending ? "send stream" : "receive stream";
  }

  private static ClosedResourceException closed(Handle handle) {
    return new ClosedResourceException("this " + side(handle) + " was closed");
  }

  private static BrokenResourceException broken() {
    return new BrokenResourceException("every receive stream of this stream was closed");
  }

  private static EndOfStreamException endOfStream() {
    return new EndOfStreamException();
  }

  /** Names the stream (semantics O6). */
  public void name(String newName) {
    name.set(newName, this);
  }

  @Override
  public String toString() {
    return name.label("memory stream", this)
        + (maxBuffer == Integer.MAX_VALUE ? "[unbounded]" : "[buffer " + maxBuffer + "]");
  }
}
