package dev.weft.exploration;

import dev.weft.Weft;
import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.Task;
import dev.weft.internal.core.Waiter;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A deliberately wrong rendezvous stream that repeats AnyIO 4.4.0's bug: to avoid handing an item
 * to a receiver that is "about to be cancelled", its sender skips (and drops) waiting receivers for
 * which a cancellation looks pending, using a predicate that ignores shields. A receiver waiting in
 * a shielded scope inside a cancelled one is skipped although it is alive, and both sides hang.
 * Test code only: it exists to show that seed exploration finds this bug class.
 */
final class AnyIo440Stream<T> {

  private record SendNode(Waiter<Object> waiter, Object item) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Waiter<Object>> receivers = new ArrayDeque<>();
  private final ArrayDeque<SendNode> senders = new ArrayDeque<>();

  void send(T item) {
    Weft.checkpoint();
    SendNode node;
    lock.lock();
    try {
      for (Waiter<Object> r; (r = receivers.poll()) != null; ) {
        Task receiver = r.task();
        if (receiver != null && receiver.cancelledIgnoringShields()) {
          continue; // THE BUG: "it has a pending cancellation", so skip it
        }
        if (r.complete(item)) {
          return;
        }
      }
      node = new SendNode(Waiter.forCurrentThread(true, this, "send to"), item);
      senders.add(node);
    } finally {
      lock.unlock();
    }
    if (!node.waiter().await()) {
      lock.lock();
      try {
        senders.remove(node);
      } finally {
        lock.unlock();
      }
      Checkpoints.afterAbort();
    }
  }

  @SuppressWarnings("unchecked")
  T receive() {
    Weft.checkpoint();
    Waiter<Object> w;
    lock.lock();
    try {
      for (SendNode s; (s = senders.poll()) != null; ) {
        if (s.waiter().complete(null)) {
          return (T) s.item();
        }
      }
      w = Waiter.forCurrentThread(true, this, "receive from");
      receivers.add(w);
    } finally {
      lock.unlock();
    }
    if (!w.await()) {
      lock.lock();
      try {
        receivers.remove(w);
      } finally {
        lock.unlock();
      }
      Checkpoints.afterAbort();
    }
    return (T) w.value();
  }

  @Override
  public String toString() {
    return "AnyIO-4.4.0-style stream";
  }
}
