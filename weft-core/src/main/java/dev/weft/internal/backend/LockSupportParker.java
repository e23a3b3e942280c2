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

  private LockSupportParker() {}

  @Override
  public void park(Object blocker) {
    LockSupport.park(blocker);
  }

  @Override
  public void unpark(Thread thread) {
    LockSupport.unpark(thread);
  }
}
