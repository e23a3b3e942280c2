package dev.weft.internal.backend;

import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.spi.Scheduler;
import java.util.Set;
import java.util.concurrent.ThreadFactory;

/** The two thread backends: each task gets its own virtual or platform thread. */
public final class ThreadBackend implements Backend {

  public static final ThreadBackend VIRTUAL =
      new ThreadBackend("virtual", Thread.ofVirtual().name("weft-task").factory());

  public static final ThreadBackend PLATFORM =
      new ThreadBackend("platform", Thread.ofPlatform().name("weft-task").daemon(true).factory());

  private final String name;
  private final ThreadFactory threads;

  /**
   * @param name the backend's name in reports
   * @param threads creates (unstarted) task threads; injectable so that tests can hand the same
   *     runtime to a model checker that controls only threads it knows
   */
  public ThreadBackend(String name, ThreadFactory threads) {
    this.name = name;
    this.threads = threads;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<BackendFeature> features() {
    return Set.of(BackendFeature.REAL_PARALLELISM);
  }

  @Override
  public Scheduler open() {
    return new ThreadScheduler(threads);
  }

  @Override
  public String toString() {
    return name;
  }
}
