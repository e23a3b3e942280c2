package dev.weft.internal.backend;

import dev.weft.spi.Clock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The clock of the thread backends: {@link System#nanoTime()} from the start of the run, and one
 * platform daemon thread per run that fires timers.
 *
 * <h2>Implementation notes</h2>
 * Timers live in several {@link TimerQueue}s (shards), chosen by the scheduling thread, so that
 * tasks on different carriers entering and leaving deadline scopes do not meet on one lock (ADR
 * 0007); a task's timers all go to one shard. The timer thread is started by the first {@link
 * #schedule} (a CAS decides which) and stopped by {@link #close}. Each round it fires the due
 * timers of every shard ({@code pollDue} marks a shard "awake": adders do not wake the thread,
 * which looks at the shard again below) and then arms every shard in turn with the earliest
 * deadline seen so far ({@code armWakeup(atMost)}), sleeping until the earliest of all. A timer
 * added to a shard after it was armed wakes the thread if it is due before that shard's recorded
 * wake-up, which is never earlier than the one the thread sleeps until; so no timer fires late, and
 * the only cost of arming shards one by one is a spurious wake-up now and then. {@link
 * LockSupport}'s permit makes an unpark that arrives before the park harmless. {@code closed} is
 * volatile and re-read by the loop after every wake-up. Actions run on the timer thread, outside
 * every queue's lock; they are Weft's own (cancel a scope, wake a sleeper) and never block.
 */
final class SystemClock implements Clock {

  private static final System.Logger LOG = System.getLogger(SystemClock.class.getName());
  private static final VarHandle TIMER_THREAD;

  static {
    try {
      TIMER_THREAD = MethodHandles.lookup()
          .findVarHandle(SystemClock.class, "timerThread", Thread.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Shards: a power of two, about twice the processors (at least 2, at most 128). */
  private static final int SHARDS = Math.min(128,
      Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 4 - 1));

  private final long origin = System.nanoTime();
  private final TimerQueue[] shards = new TimerQueue[SHARDS];
  private volatile boolean closed;
  private volatile Thread timerThread; // set once, by CAS

  SystemClock() {
    for (int i = 0; i < SHARDS; i++) {
      shards[i] = new TimerQueue();
    }
  }

  @Override
  public long nanoTime() {
    return System.nanoTime() - origin;
  }

  @Override
  public Timer schedule(long deadlineNanos, Runnable action) {
    TimerQueue shard = shards[(int) Thread.currentThread().threadId() & (SHARDS - 1)];
    return shard.add(deadlineNanos, action, entry -> wakeTimerThread());
  }

  /** Called under a shard's lock when a timer is due before the thread would wake anyway. */
  private void wakeTimerThread() {
    Thread t = timerThread;
    if (t != null) {
      LockSupport.unpark(t);
      return;
    }
    Thread fresh =
        Thread.ofPlatform().name("weft-timer").daemon(true).unstarted(this::fireTimers);
    if (TIMER_THREAD.compareAndSet(this, (Thread) null, fresh)) {
      fresh.start();
    } else {
      LockSupport.unpark(timerThread); // another shard started it first
    }
  }

  private void fireTimers() {
    while (!closed) {
      long now = nanoTime();
      for (TimerQueue shard : shards) {
        for (Runnable due; (due = shard.pollDue(now)) != null; ) {
          try {
            due.run();
          } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "a Weft timer action failed", t);
          }
        }
      }
      long next = Long.MAX_VALUE;
      for (TimerQueue shard : shards) {
        next = shard.armWakeup(next);
      }
      // Re-read after the queues' locks: a contended lock parks, and that park may have eaten the
      // permit that close() gave; the flag, written before close() unparks, is what counts.
      if (closed) {
        break;
      }
      if (next == Long.MAX_VALUE) {
        LockSupport.park(this);
      } else if (next > nanoTime()) {
        LockSupport.parkNanos(this, next - nanoTime());
      }
    }
  }

  /** The number of pending timers; for tests that check that nothing leaks. */
  int pendingTimers() {
    int sum = 0;
    for (TimerQueue shard : shards) {
      sum += shard.size();
    }
    return sum;
  }

  void close() {
    closed = true;
    Thread thread = timerThread;
    if (thread != null) {
      LockSupport.unpark(thread);
      boolean interrupted = false;
      while (true) {
        try {
          thread.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
