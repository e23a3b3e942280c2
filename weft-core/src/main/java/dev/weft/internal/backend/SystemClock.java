package dev.weft.internal.backend;

import dev.weft.spi.Clock;
import java.util.concurrent.locks.LockSupport;

/**
 * The clock of the thread backends: {@link System#nanoTime()} from the start of the run, and one
 * platform daemon thread per run that fires timers.
 *
 * <h2>Implementation notes</h2>
 * The timer thread is started by the first {@link #schedule} and stopped by {@link #close}. It
 * parks until the earliest deadline; {@link #schedule} unparks it only when the new timer is due
 * before the thread would wake anyway (decided under the queue's lock, see {@link TimerQueue}),
 * and {@link LockSupport}'s permit makes an unpark that arrives before the park harmless. {@code closed} is volatile and re-read by the loop after
 * every wake-up. Actions run on the timer thread, outside the queue's lock; they are Weft's own
 * (cancel a scope, wake a sleeper) and never block.
 */
final class SystemClock implements Clock {

  private static final System.Logger LOG = System.getLogger(SystemClock.class.getName());

  private final long origin = System.nanoTime();
  private final TimerQueue timers = new TimerQueue();
  private volatile boolean closed;
  private volatile Thread timerThread; // written once, under the queue's lock

  @Override
  public long nanoTime() {
    return System.nanoTime() - origin;
  }

  @Override
  public Timer schedule(long deadlineNanos, Runnable action) {
    return timers.add(deadlineNanos, action, entry -> wakeTimerThread());
  }

  /** Called under the queue's lock. */
  private void wakeTimerThread() {
    if (timerThread == null) {
      timerThread =
          Thread.ofPlatform().name("weft-timer").daemon(true).unstarted(this::fireTimers);
      timerThread.start();
    } else {
      LockSupport.unpark(timerThread);
    }
  }

  private void fireTimers() {
    while (!closed) {
      Runnable due = timers.pollDue(nanoTime());
      if (due != null) {
        try {
          due.run();
        } catch (Throwable t) {
          LOG.log(System.Logger.Level.ERROR, "a Weft timer action failed", t);
        }
        continue;
      }
      long next = timers.armWakeup();
      // Re-read after the queue's lock: a contended lock parks, and that park may have eaten the
      // permit that close() gave; the flag, written before close() unparks, is what counts.
      if (closed) {
        break;
      }
      if (next == Long.MAX_VALUE) {
        LockSupport.park(this);
      } else {
        LockSupport.parkNanos(this, next - nanoTime());
      }
    }
  }

  /** The number of pending timers; for tests that check that nothing leaks. */
  int pendingTimers() {
    return timers.size();
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
