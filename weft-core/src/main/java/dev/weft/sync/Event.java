package dev.weft.sync;

import dev.weft.internal.core.NameSlot;
import dev.weft.internal.guard.CriticalLock;
import dev.weft.internal.core.Checkpoints;
import dev.weft.internal.core.Waiter;
import java.util.ArrayDeque;

/**
 * A one-shot signal: tasks {@linkplain #await() wait} until some task {@linkplain #set() sets}
 * it; once set, it stays set (there is no {@code clear}, as in Trio).
 *
 * <h2>Cancellation</h2>
 * {@link #await()} is a checkpoint, also when the event is already set. A waiter that {@code set}
 * has woken returns normally even if its scope is cancelled a moment later; the cancellation comes
 * at its next checkpoint.
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread, including threads that no Weft run started.
 *
 * <h2>Memory consistency effects</h2>
 * Actions before {@code set} happen-before every {@code await} that returns because of it, and
 * every {@code isSet} that returns {@code true}.
 */
public final class Event {

  /*
   * Implementation notes. `lock` guards `waiters` and the write of `set`; `set` is volatile so that
   * isSet() and the fast path of await() need no lock. A waiter is enqueued only while `set` is
   * false (checked under the lock), and set() completes every queued waiter under the lock, so no
   * waiter is left behind. A waiter aborted by cancellation removes itself under the lock; one
   * that set() completed first stays completed (the Waiter's CAS decides).
   */

  private final CriticalLock lock = new CriticalLock();
  private final ArrayDeque<Waiter<Void>> waiters = new ArrayDeque<>();
  private volatile boolean set;
  private final NameSlot name = new NameSlot();

  /** Creates an event that is not set. */
  public Event() {}

  /**
   * Names this event for reports (semantics O6): the name appears in its {@code toString}, and so in
   * task dumps, deadlock reports and JFR events. Returns this event, so that it can be named where it
   * is created.
   *
   * @param name the name
   * @return this event
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank
   * @throws IllegalStateException if this event was named already (the first name stays)
   */
  public Event named(String name) {
    this.name.set(name, this);
    return this;
  }

  /** Sets the event and wakes every waiting task. Idempotent; never blocks. */
  public void set() {
    try {
      lock.lock();
      if (set) {
        return;
      }
      set = true;
      for (Waiter<Void> w; (w = waiters.poll()) != null; ) {
        w.complete(null);
      }
    } finally {
      lock.unlockIfHeld();
    }
  }

  /**
   * Returns whether the event is set. Not a checkpoint; never blocks.
   *
   * @return {@code true} once {@link #set()} has been called
   */
  public boolean isSet() {
    return set;
  }

  /**
   * Waits until the event is set. A checkpoint.
   *
   * @throws dev.weft.cancel.CancelledException if the task is cancelled before the event is set
   *     (or, on a thread outside Weft, interrupted)
   */
  public void await() {
    Checkpoints.checkpoint();
    while (true) {
      if (set) {
        // The linearization point: reading `set`, then the task's cancellation. A cancel() that
        // returned before set() began is ordered before `set` by the volatile write, so it is seen.
        if (!Checkpoints.cancelledNow()) {
          return;
        }
        Checkpoints.afterAbort(); // throws, unless a shield raised since hides the cancellation
        continue;
      }
      Waiter<Void> w;
      try {
        lock.lock();
        if (set) {
          continue;
        }
        w = Waiter.forCurrentThread(true, this, "await");
        waiters.add(w);
      } finally {
        lock.unlockIfHeld();
      }
      if (w.await()) {
        return;
      }
      try {
        lock.lock();
        waiters.remove(w);
      } finally {
        lock.unlockIfHeld();
      }
      Checkpoints.afterAbort();
    }
  }

  /**
   * Returns a snapshot of this event's state. Not a checkpoint.
   *
   * @return whether the event is set and how many tasks wait for it
   */
  public Statistics statistics() {
    try {
      lock.lock();
      return new Statistics(set, waiters.size());
    } finally {
      lock.unlockIfHeld();
    }
  }

  /**
   * A snapshot of an event.
   *
   * @param set whether the event was set
   * @param tasksWaiting how many tasks were waiting for it
   */
  public record Statistics(boolean set, int tasksWaiting) {}

  @Override
  public String toString() {
    return name.label("Event", this) + (set ? "[set]" : "");
  }
}
