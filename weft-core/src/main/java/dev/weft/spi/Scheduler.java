package dev.weft.spi;

/**
 * One run of a {@link Backend}: starts tasks, parks and wakes them, and owns the run's clock.
 *
 * <p>Weft creates one scheduler per {@code Weft.run} and closes it when the run's root task has
 * ended; by then every task it launched has ended too.
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread of the run, and {@link #unpark} also from threads
 * that are not tasks (a legacy thread feeding a stream wakes a task).
 */
public interface Scheduler extends Parker, AutoCloseable {

  /**
   * Starts {@code body} as a new task on a new thread and returns that thread. The body catches
   * everything it throws; when it returns, the task has ended.
   *
   * @param name the name the task was given, for the thread's name; {@code null} when it was given
   *     none (the backend then keeps a default name, which spares a rename per task)
   * @param body what the task runs
   * @return the thread that runs the task
   */
  Thread launch(String name, Runnable body);

  /**
   * A scheduling point: lets the backend run other tasks before the caller continues. Thread
   * backends, where tasks already run concurrently, may return at once; a deterministic backend
   * picks the next task here.
   */
  void yieldTurn();

  /**
   * Called at a checkpoint of a task that has run for a time slice (1 ms of the run's clock) since
   * it last yielded: lets other tasks use the processor, so that a task that loops on checkpoints
   * cannot starve its siblings. Thread backends yield the thread ({@link Thread#yield()}); a
   * backend that already passes the turn at {@link #yieldTurn()} need not do anything (the
   * default).
   */
  default void yieldProcessor() {}

  /**
   * Returns this run's clock.
   *
   * @return the clock of this run; Weft asks for it once, when the run starts
   */
  Clock clock();

  /**
   * Gives the scheduler a way to describe the run's tasks (names, cancel scopes, what each waits
   * on), for reports such as a deadlock's. Called once, before the first task is launched. The
   * description must be requested only while no task runs Weft code.
   *
   * @param describer returns the current description of the run's tasks
   */
  default void describeTasksWith(java.util.function.Supplier<String> describer) {}

  /**
   * Releases the run's resources (a timer thread, say). Called once, after the root task ended.
   *
   * @throws RuntimeException the backend's own verdict on the run (a deterministic backend's
   *     deadlock report, say), which then replaces the run's outcome
   */
  @Override
  void close();
}
