package dev.weft.internal.backend;

import dev.weft.spi.Clock;
import dev.weft.spi.Scheduler;
import java.util.concurrent.ThreadFactory;

/**
 * A run on real threads: tasks run concurrently, so a scheduling point has nothing to do except,
 * once a task has used up its time slice, yield its thread; parking is {@link
 * java.util.concurrent.locks.LockSupport}'s.
 */
final class ThreadScheduler implements Scheduler {

  private final ThreadFactory threads;
  private final SystemClock clock = new SystemClock();

  ThreadScheduler(ThreadFactory threads) {
    this.threads = threads;
  }

  @Override
  public Thread launch(String name, Runnable body) {
    Thread thread = threads.newThread(body);
    if (name != null) {
      thread.setName(name);
    }
    thread.start();
    return thread;
  }

  @Override
  public void park(Object blocker) {
    LockSupportParker.INSTANCE.park(blocker);
  }

  @Override
  public void unpark(Thread thread) {
    LockSupportParker.INSTANCE.unpark(thread);
  }

  @Override
  public int spinsBeforePark() {
    return LockSupportParker.INSTANCE.spinsBeforePark();
  }

  @Override
  public int spinsBeforeRendezvousPark() {
    return LockSupportParker.INSTANCE.spinsBeforeRendezvousPark();
  }

  /**
   * Returns at once: the JDK already runs other tasks in parallel. (A virtual thread that never
   * blocks keeps its carrier; see docs/semantics.md, "Checkpoints".)
   */
  @Override
  public void yieldTurn() {}

  /**
   * Yields the thread: a virtual thread goes to the back of its scheduler's queue and a platform
   * thread gives up its time slice, so other tasks run (semantics K3).
   */
  @Override
  public void yieldProcessor() {
    Thread.yield();
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public void close() {
    clock.close();
  }
}
