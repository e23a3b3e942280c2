package dev.weft.internal.backend;

import dev.weft.internal.guard.CriticalLock;
import dev.weft.spi.Clock;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Pending timers ordered by deadline, then by the order they were added: a binary min-heap whose
 * entries know their own index, so that a cancelled timer leaves in O(log n) and nothing keeps a
 * reference to it.
 *
 * <h2>Implementation notes</h2>
 * {@link #lock} guards {@link #heap}, {@link #size}, {@link #sequence} and every entry's
 * {@code index}. An entry is in the heap exactly when its index is non-negative; {@link
 * #remove} and {@link #pollDue} set it to -1 under the lock, so cancelling an entry that has
 * already fired (or was already cancelled) finds index -1 and does nothing. The action runs
 * outside the lock, after it has left the heap, so a cancel that races with the firing loses
 * quietly: the action runs once or not at all.
 *
 * <p>{@link #wakeupAt} (under the lock) is when the owner's timer thread will next wake by itself:
 * {@link #armWakeup} sets it when that thread decides how long to sleep, {@link #pollDue} resets it
 * to "awake" ({@code Long.MIN_VALUE}). {@link #add} asks the owner to wake the thread only for a
 * timer earlier than that; so entering and leaving many scopes whose deadlines lie far ahead costs
 * no wake-ups at all, and since both sides decide under the lock, no earlier timer is missed.
 */
public final class TimerQueue {

  /** One scheduled action; also the handle that cancels it. */
  public final class Entry implements Clock.Timer {
    final long deadline;
    final long seq;
    final Runnable action;
    int index = -1; // guarded by lock; -1 when not in the heap

    Entry(long deadline, long seq, Runnable action) {
      this.deadline = deadline;
      this.seq = seq;
      this.action = action;
    }

    @Override
    public void cancel() {
      remove(this);
    }
  }

  private final CriticalLock lock = new CriticalLock();
  private Entry[] heap = new Entry[16];
  private int size;
  private long sequence;
  private long wakeupAt = Long.MAX_VALUE;

  /**
   * Adds a timer.
   *
   * @param onNewEarliest called under the lock with the entry when it is due before the owner's
   *     timer thread would wake by itself, so that the owner can wake it (or start it)
   */
  public Entry add(long deadline, Runnable action, Consumer<Entry> onNewEarliest) {
    try {
      lock.lock();
      Entry entry = new Entry(deadline, sequence++, action);
      if (size == heap.length) {
        heap = Arrays.copyOf(heap, size * 2);
      }
      entry.index = size;
      heap[size++] = entry;
      siftUp(entry.index);
      if (deadline < wakeupAt) {
        wakeupAt = deadline;
        onNewEarliest.accept(entry);
      }
      return entry;
    } finally {
      lock.unlockIfHeld();
    }
  }

  void remove(Entry entry) {
    try {
      lock.lock();
      removeLocked(entry);
    } finally {
      lock.unlockIfHeld();
    }
  }

  private void removeLocked(Entry entry) {
    int i = entry.index;
    if (i < 0) {
      return;
    }
    entry.index = -1;
    Entry last = heap[--size];
    heap[size] = null;
    if (i < size) {
      heap[i] = last;
      last.index = i;
      siftDown(i);
      siftUp(last.index);
    }
  }

  /**
   * Removes and returns the action of the earliest timer whose deadline is at or before now. Marks
   * the owner's timer thread as awake.
   */
  public Runnable pollDue(long now) {
    try {
      lock.lock();
      wakeupAt = Long.MIN_VALUE;
      if (size == 0 || heap[0].deadline > now) {
        return null;
      }
      Entry first = heap[0];
      removeLocked(first);
      return first.action;
    } finally {
      lock.unlockIfHeld();
    }
  }

  /** Returns the earliest deadline, or {@link Long#MAX_VALUE} when no timer is pending. */
  public long nextDeadline() {
    try {
      lock.lock();
      return size == 0 ? Long.MAX_VALUE : heap[0].deadline;
    } finally {
      lock.unlockIfHeld();
    }
  }

  /**
   * Returns the earliest deadline ({@link Long#MAX_VALUE} when none), and records that the owner's
   * timer thread will sleep until then.
   */
  public long armWakeup() {
    return armWakeup(Long.MAX_VALUE);
  }

  /**
   * As {@link #armWakeup()} for one of several queues that share a timer thread: the thread will
   * sleep until the earliest deadline of all of them, at most {@code atMost} (the earliest of the
   * queues looked at before this one); returns the earlier of the two and records it here.
   */
  public long armWakeup(long atMost) {
    try {
      lock.lock();
      wakeupAt = Math.min(atMost, size == 0 ? Long.MAX_VALUE : heap[0].deadline);
      return wakeupAt;
    } finally {
      lock.unlockIfHeld();
    }
  }

  /** Returns the number of pending timers. */
  public int size() {
    try {
      lock.lock();
      return size;
    } finally {
      lock.unlockIfHeld();
    }
  }

  private static boolean before(Entry a, Entry b) {
    return a.deadline < b.deadline || (a.deadline == b.deadline && a.seq < b.seq);
  }

  private void siftUp(int i) {
    Entry e = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Entry p = heap[parent];
      if (!before(e, p)) {
        break;
      }
      heap[i] = p;
      p.index = i;
      i = parent;
    }
    heap[i] = e;
    e.index = i;
  }

  private void siftDown(int i) {
    Entry e = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && before(heap[right], heap[child])) {
        child = right;
      }
      if (!before(heap[child], e)) {
        break;
      }
      heap[i] = heap[child];
      heap[i].index = i;
      i = child;
    }
    heap[i] = e;
    e.index = i;
  }
}
