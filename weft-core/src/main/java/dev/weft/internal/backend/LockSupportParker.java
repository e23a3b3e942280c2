package dev.weft.internal.backend;

import dev.weft.spi.Parker;
import java.util.concurrent.locks.LockSupport;

/**
 * Parks real threads with {@link LockSupport}: the thread backends' tasks, and threads that no Weft
 * run started (a legacy thread that sends to a stream), which belong to no backend and wait the way
 * any JDK blocking call does.
 */
public final class LockSupportParker implements Parker {

  public static final LockSupportParker INSTANCE = new LockSupportParker();

  /**
   * Spinning pays off only for platform threads on a multiprocessor, where a park and unpark is a
   * context switch that costs microseconds. A spinning virtual thread holds its carrier, which the
   * task it waits for may need: in the benchmarks any spinning on virtual threads lowered
   * throughput (by half with 64 spins), while 128 spins on platform threads raised it by half
   * (docs/benchmarks.md). 128 is also the JDK's LinkedTransferQueue's spin count.
   */
  private static final int PLATFORM_SPINS = Runtime.getRuntime().availableProcessors() > 1 ? 128 : 0;

  /**
   * A rendezvous is different: its other side usually comes within a few hundred nanoseconds, and
   * a spin that catches it saves two park/unpark pairs per item, on virtual threads too. jox spins
   * the same way, for rendezvous channels only: 128 times on up to 4 processors, 1,024 above, never
   * on one.
   */
  private static final int PLATFORM_RENDEZVOUS_SPINS = rendezvousSpins(
      Runtime.getRuntime().availableProcessors());

  /**
   * For a virtual thread what counts is how many carriers can run at once: the JDK's scheduler has
   * as many as {@code jdk.virtualThreadScheduler.parallelism} says (the processors by default). On
   * one carrier the other side of a rendezvous cannot run while this one spins: every spin is lost,
   * and a rendezvous moved 0.27 M items/s with the processors' count of spins (docs/benchmarks.md).
   */
  private static final int VIRTUAL_RENDEZVOUS_SPINS = rendezvousSpins(Math.min(
      Runtime.getRuntime().availableProcessors(),
      carriers(System.getProperty("jdk.virtualThreadScheduler.parallelism"),
          Runtime.getRuntime().availableProcessors())));

  static int rendezvousSpins(int processors) {
    return processors <= 1 ? 0 : processors <= 4 ? 128 : 1024;
  }

  /**
   * The virtual-thread scheduler's carriers: {@code parallelism} (the JDK's system property) when
   * it is a positive number, else {@code processors}, as the JDK's default scheduler decides.
   */
  static int carriers(String parallelism, int processors) {
    if (parallelism != null) {
      try {
        int p = Integer.parseInt(parallelism.trim());
        if (p > 0) {
          return p;
        }
      } catch (NumberFormatException e) {
        // the JDK's scheduler refuses to start with it; the processors are the best guess here
      }
    }
    return processors;
  }

  private LockSupportParker() {}

  @Override
  public int spinsBeforePark() {
    return Thread.currentThread().isVirtual() ? 0 : PLATFORM_SPINS;
  }

  @Override
  public int spinsBeforeRendezvousPark() {
    return Thread.currentThread().isVirtual()
        ? VIRTUAL_RENDEZVOUS_SPINS
        : Math.max(PLATFORM_RENDEZVOUS_SPINS, PLATFORM_SPINS);
  }

  @Override
  public void park(Object blocker) {
    LockSupport.park(blocker);
  }

  @Override
  public void unpark(Thread thread) {
    LockSupport.unpark(thread);
  }
}
