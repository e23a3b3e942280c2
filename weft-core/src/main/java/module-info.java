/**
 * Weft: structured concurrency for Java virtual threads. Task groups, cancel scopes with
 * deadlines and shields, and level-triggered cancellation delivered at checkpoints.
 */
module dev.weft {
  requires java.management; // the TaskDump MBean (semantics O3); part of every JDK
  requires jdk.jfr; // Weft's JFR events (semantics O4)
  exports dev.weft;
  exports dev.weft.cancel;
  exports dev.weft.task;
  exports dev.weft.time;
  exports dev.weft.spi;
  exports dev.weft.stream;
  exports dev.weft.sync;
  exports dev.weft.net;

  // The deterministic backend reuses the timer queue and the stack-overflow-proof lock. (On the
  // class path next to a named dev.weft it gets them from ClassPathFriends instead.)
  exports dev.weft.internal.backend to dev.weft.deterministic;
  exports dev.weft.internal.guard to dev.weft.deterministic;
}
