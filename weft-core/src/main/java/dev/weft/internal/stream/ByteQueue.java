package dev.weft.internal.stream;

import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.Task;
import dev.weft.internal.core.Waiter;
import dev.weft.internal.guard.CriticalLock;
import dev.weft.stream.BrokenResourceException;
import dev.weft.stream.ClosedResourceException;
import dev.weft.sync.BusyResourceException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One direction of an in-memory byte stream: the bytes sent and not yet received, and who waits
 * for them (semantics N).
 *
 * <h2>Implementation notes</h2>
 * {@link #lock} guards every field. The buffer holds {@code bytes[start, end)}. {@code sent} and
 * {@code received} count bytes since creation; a lockstep send waits until {@code received}
 * reaches the count its own last byte has. At most one receive and one send are in progress
 * ({@code receiving}, {@code sending}; a second throws busy), so there is at most one waiter on
 * each side. A waiter here carries no data: it is completed with nothing to say "look again", and
 * its owner then takes what it wants under the lock, after checking its cancellation there (the
 * linearization point, as in {@link StreamCore}). So a wake-up can never hand over bytes that a
 * cancellation then loses: a receive that is cancelled takes nothing, whenever the cancellation
 * comes. {@code close} paths take only the lock (never a checkpoint), so they work in a cancelled
 * scope and never wait for anything but the lock's short sections.
 */
public final class ByteQueue {

  private final CriticalLock lock = new CriticalLock();
  private final boolean lockstep;
  private byte[] bytes = new byte[64];
  private int start;
  private int end;
  private long sent;
  private long received;
  private boolean eof; // the sender sent its end, or closed
  private boolean senderClosed;
  private boolean receiverClosed;
  private boolean brokenForSends; // a lockstep send was cancelled part-way
  private boolean receiving;
  private boolean sending;
  private Waiter<Object> receiveWaiter;
  private Waiter<Object> sendWaiter;

  public ByteQueue(boolean lockstep) {
    this.lockstep = lockstep;
  }

  // ---- receive --------------------------------------------------------------------------------

  public int receive(ByteBuffer dst) {
    ByteArguments.requireRoom(dst);
    Task me = Task.current();
    Checkpoints.checkpoint(me);
    try {
      lock.lock();
      if (receiverClosed) {
        throw new ClosedResourceException("this byte stream was closed");
      }
      if (receiving) {
        throw new BusyResourceException("another task is already receiving from this stream");
      }
      receiving = true;
    } finally {
      lock.unlockIfHeld();
    }
    try {
      return receiveAsTheOneReceiver(me, dst);
    } finally {
      try {
        lock.lock();
        receiving = false;
      } finally {
        lock.unlockIfHeld();
      }
    }
  }

  private int receiveAsTheOneReceiver(Task me, ByteBuffer dst) {
    while (true) {
      Waiter<Object> w = null;
      try {
        lock.lock();
        if (receiverClosed) {
          throw new ClosedResourceException("this byte stream was closed while it received");
        }
        if (!Checkpoints.cancelledNow(me)) { // cancelled now: take nothing
          if (end > start) {
            int n = Math.min(end - start, dst.remaining());
            dst.put(bytes, start, n);
            start += n;
            received += n;
            wakeSenderLocked(); // a lockstep sender may be waiting for exactly these bytes
            return n;
          }
          if (eof) {
            return -1;
          }
          w = Waiter.forTask(me, true, this, "receive from");
          receiveWaiter = w;
        }
      } finally {
        lock.unlockIfHeld();
      }
      if (w == null || !w.await()) {
        forget(w, true);
        Checkpoints.afterAbort(); // throws, unless a shield raised since hides the cancellation
      }
    }
  }

  // ---- send -----------------------------------------------------------------------------------

  public void send(ByteBuffer src) {
    Task me = Task.current();
    Checkpoints.checkpoint(me);
    long target;
    long before;
    try {
      lock.lock();
      if (senderClosed) {
        throw new ClosedResourceException("this byte stream was closed");
      }
      if (eof) {
        throw new ClosedResourceException("this byte stream sent its end already (sendEof)");
      }
      if (receiverClosed) {
        throw new BrokenResourceException("the peer closed this byte stream");
      }
      if (brokenForSends) {
        throw new BrokenResourceException("an earlier send was cancelled after part of it was"
            + " received; how much went through is unknown, so the stream cannot send again");
      }
      if (sending) {
        throw new BusyResourceException("another task is already sending on this stream");
      }
      if (Checkpoints.cancelledNow(me)) {
        target = -1;
        before = -1;
      } else {
        before = sent;
        append(src);
        target = sent;
        wakeReceiverLocked();
        sending = lockstep && received < target;
      }
    } finally {
      lock.unlockIfHeld();
    }
    if (target < 0) {
      Checkpoints.afterAbort();
      send(src); // a shield raised since hides the cancellation: start again
      return;
    }
    if (lockstep) {
      try {
        awaitReceived(me, before, target);
      } finally {
        try {
          lock.lock();
          sending = false;
        } finally {
          lock.unlockIfHeld();
        }
      }
    }
  }

  /**
   * Appends all of {@code src} if that needs no waiting and no other send is in progress (a
   * memory pair, not a lockstep one); otherwise takes nothing. Not a checkpoint.
   */
  public void sendWithoutWaiting(ByteBuffer src) {
    if (lockstep) {
      return;
    }
    try {
      lock.lock();
      if (!senderClosed && !eof && !receiverClosed && !sending) {
        append(src);
        wakeReceiverLocked();
      }
    } finally {
      lock.unlockIfHeld();
    }
  }

  /** A lockstep send's wait until the peer received through {@code target}. */
  private void awaitReceived(Task me, long before, long target) {
    while (true) {
      Waiter<Object> w = null;
      dev.weft.cancel.CancelledException withdrawnFor = null;
      boolean withdrawn = false;
      try {
        lock.lock();
        if (received >= target) {
          return;
        }
        if (receiverClosed) {
          throw new BrokenResourceException("the peer closed this byte stream while it sent");
        }
        if (senderClosed) {
          withdrawLocked(before, target); // the peer sees the end right after what it received
          throw new ClosedResourceException("this byte stream was closed while it sent");
        }
        if (Checkpoints.cancelledNow(me)) {
          withdrawLocked(before, target);
          withdrawn = true;
          withdrawnFor = me != null ? me.pendingCancellation() : null;
        } else {
          w = Waiter.forTask(me, true, this, "send to");
          sendWaiter = w;
        }
      } finally {
        lock.unlockIfHeld();
      }
      if (withdrawn) {
        // The bytes are taken back: this send has failed, even if a shield raised since would
        // hide the cancellation now. Throw the one that was seen (a thread outside Weft: its
        // interrupt).
        if (withdrawnFor != null) {
          throw withdrawnFor;
        }
        Checkpoints.afterAbort();
        throw new BrokenResourceException("the send was interrupted and taken back");
      }
      if (!w.await()) {
        forget(w, false);
        // Aborted: look again under the lock, where a cancellation still there takes the bytes
        // back, and one that a shield now hides lets the wait go on.
      }
    }
  }

  /** Takes back this send's bytes that were not received; partial: broken for sends (N2). */
  private void withdrawLocked(long before, long target) {
    int unreceived = (int) (target - received);
    end -= unreceived;
    sent -= unreceived;
    if (received > before) {
      brokenForSends = true;
    }
  }

  private void append(ByteBuffer src) {
    int n = src.remaining();
    if (bytes.length - end < n) {
      int used = end - start;
      if (bytes.length >= 2 * (used + n)) {
        System.arraycopy(bytes, start, bytes, 0, used); // room enough once compacted
      } else {
        bytes = Arrays.copyOfRange(bytes, start, start + Math.max(2 * (used + n), 64));
      }
      start = 0;
      end = used;
    }
    src.get(bytes, end, n);
    end += n;
    sent += n;
  }

  // ---- ends -----------------------------------------------------------------------------------

  public void sendEof() {
    try {
      lock.lock();
      if (senderClosed) {
        throw new ClosedResourceException("this byte stream was closed");
      }
      eof = true;
      wakeReceiverLocked();
    } finally {
      lock.unlockIfHeld();
    }
  }

  public void closeSender() {
    try {
      lock.lock();
      senderClosed = true;
      eof = true;
      wakeReceiverLocked();
      wakeSenderLocked();
    } finally {
      lock.unlockIfHeld();
    }
  }

  public void closeReceiver() {
    try {
      lock.lock();
      receiverClosed = true;
      start = end = 0; // nobody will receive these
      bytes = new byte[0];
      wakeReceiverLocked();
      wakeSenderLocked();
    } finally {
      lock.unlockIfHeld();
    }
  }

  /** Tells the waiting receiver, if any, to look again; it takes what it wants under the lock. */
  private void wakeReceiverLocked() {
    if (receiveWaiter != null) {
      receiveWaiter.complete(Boolean.TRUE);
      receiveWaiter = null;
    }
  }

  /** Tells the waiting sender, if any, to look again. */
  private void wakeSenderLocked() {
    if (sendWaiter != null) {
      sendWaiter.complete(Boolean.TRUE);
      sendWaiter = null;
    }
  }

  /** After an aborted wait: drop the waiter if it is still the published one. */
  private void forget(Waiter<Object> w, boolean receiver) {
    if (w == null) {
      return;
    }
    try {
      lock.lock();
      if (receiver && receiveWaiter == w) {
        receiveWaiter = null;
      } else if (!receiver && sendWaiter == w) {
        sendWaiter = null;
      }
    } finally {
      lock.unlockIfHeld();
    }
  }

  @Override
  public String toString() {
    return "in-memory byte stream" + (lockstep ? " (lockstep)" : "");
  }
}
