package dev.weft.internal.backend;

import dev.weft.spi.Parker;
import java.util.concurrent.locks.LockSupport;

/**
 * Parks threads that no Weft run started (a legacy thread that sends to a stream). Such a thread
 * belongs to no backend, so it waits the way any JDK blocking call does.
 */
public final class ForeignParker implements Parker {

  public static final ForeignParker INSTANCE = new ForeignParker();

  private ForeignParker() {}

  @Override
  public void park(Object blocker) {
    LockSupport.park(blocker);
  }

  @Override
  public void unpark(Thread thread) {
    LockSupport.unpark(thread);
  }
}
