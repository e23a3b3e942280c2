package dev.weft.internal.backend;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Weft's worker threads for {@code Workers}: platform threads, created on demand, reused, and
 * ended after {@value #IDLE_SECONDS} s without work. Daemon threads, so that an abandoned call
 * never keeps the JVM alive. Unbounded here: each call's {@code CapacityLimiter} bounds how many
 * run at once.
 */
public final class WorkerPool {

  private static final long IDLE_SECONDS = 10;

  private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(
      0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
      // Shared by every run: a worker must not keep the inheritable thread-locals of whichever
      // task happened to create it.
      Thread.ofPlatform().name("weft-worker-", 1).daemon(true)
          .inheritInheritableThreadLocals(false).factory());

  private WorkerPool() {}

  /**
   * Starts a platform daemon thread of its own for {@code body}, which runs for a long time (a
   * portal's run).
   */
  public static Thread startLongLived(String name, Runnable body) {
    return Thread.ofPlatform().name(name).daemon(true).start(body);
  }

  /** Runs {@code job} on a worker thread, a new one if none is idle. */
  public static void execute(Runnable job) {
    POOL.execute(job);
  }
}
