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
   * Spinning pays off only when the other side runs on another processor at the same time; tuned
   * with the rendezvous benchmark (docs/benchmarks.md).
   */
  private static final int SPINS =
      Runtime.getRuntime().availableProcessors() > 1 ? Integer.getInteger("weft.spins", 128) : 0;

  private LockSupportParker() {}

  @Override
  public int spinsBeforePark() {
    return SPINS;
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
