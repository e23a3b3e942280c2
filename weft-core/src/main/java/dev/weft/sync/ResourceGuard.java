package dev.weft.sync;

import dev.weft.ThrowingRunnable;
import dev.weft.ThrowingSupplier;
import dev.weft.internal.sync.Holders;
import dev.weft.task.TaskInfo;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A non-blocking guard against two uses of a resource at once: a second use while the first is in
 * progress fails at once with {@link BusyResourceException}, instead of waiting (AnyIO uses it to
 * stop two tasks reading one stream at the same time).
 *
 * <pre>{@code
 * private final ResourceGuard receiving = new ResourceGuard("this receive stream", "reading from");
 *
 * public byte[] receive() {
 *     try (ResourceGuard.Use use = receiving.enter()) {
 *         return readFrame();
 *     }
 * }
 * }</pre>
 *
 * <p>A use is entered with {@link #enter()} and left when its {@link Use} is closed, or is the
 * body of {@link #run} or {@link #call}. (With {@code -Xlint:try}, javac warns when the {@code Use}
 * variable is not referenced in the block; the lambda forms avoid that.) It has no owner and is not reentrant: the same task
 * entering again before it left fails too.
 *
 * <h2>Cancellation</h2>
 * No method waits, so none is a checkpoint. A use is always left when its body ends, however it
 * ends (a cancellation included).
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread, including threads that no Weft run started.
 *
 * <h2>Memory consistency effects</h2>
 * Actions inside a use happen-before the actions inside any later use that entered after it was
 * left.
 */
public final class ResourceGuard {

  /*
   * Implementation notes. `current` is the use in progress, or null. enter() CASes it from null
   * to a new Use (the single decision: of two racing entries exactly one wins, the other throws);
   * Use.close() CASes it from that Use back to null, so closing a use twice, or closing a stale
   * use after another one entered, never ends somebody else's use. The CAS pair gives the
   * happens-before edge between consecutive uses.
   */

  private final String resource;
  private final String action;
  private final AtomicReference<Use> current = new AtomicReference<>();

  /**
   * Creates a guard for {@code resource}, whose uses are described as {@code action}; the busy
   * message reads "cannot start {action} {resource}: task 'x' (#3) is already {action} it".
   *
   * @param resource what is guarded, for messages ("this receive stream")
   * @param action what a use does to it, for messages ("reading from", "using")
   * @throws NullPointerException if {@code resource} or {@code action} is null
   */
  public ResourceGuard(String resource, String action) {
    this.resource = Objects.requireNonNull(resource, "resource");
    this.action = Objects.requireNonNull(action, "action");
  }

  /**
   * Starts a use; close the returned {@link Use} to end it (try-with-resources). Not a checkpoint;
   * never blocks.
   *
   * @return the use now in progress, owned by the caller
   * @throws BusyResourceException if a use is in progress; nothing was entered
   */
  public Use enter() {
    Object me = Holders.current();
    Use use = new Use(me);
    Use holder = current.compareAndExchange(null, use);
    if (holder != null) {
      throw new BusyResourceException(
          "cannot start " + action + " " + resource + ": "
              + (holder.user.equals(me) ? "the caller, " + Holders.describe(me) + ","
                  : Holders.describe(holder.user))
              + " is already " + action + " it");
    }
    return use;
  }

  /**
   * Runs {@code body} as a use of the resource. Not a checkpoint.
   *
   * @param <X> the checked exception the body may throw
   * @param body the code that uses the resource
   * @throws NullPointerException if {@code body} is null
   * @throws BusyResourceException if a use is in progress (the body did not run)
   * @throws X what the body threw, unchanged (the use has ended)
   */
  public <X extends Exception> void run(ThrowingRunnable<X> body) throws X {
    Objects.requireNonNull(body, "body");
    Use use = enter();
    try {
      body.run();
    } finally {
      use.close();
    }
  }

  /**
   * Runs {@code body} as a use of the resource and returns its result. Not a checkpoint.
   *
   * @param <T> the type of the body's result
   * @param <X> the checked exception the body may throw
   * @param body the code that uses the resource
   * @return what the body returned
   * @throws NullPointerException if {@code body} is null
   * @throws BusyResourceException if a use is in progress (the body did not run)
   * @throws X what the body threw, unchanged (the use has ended)
   */
  public <T, X extends Exception> T call(ThrowingSupplier<T, X> body) throws X {
    Objects.requireNonNull(body, "body");
    Use use = enter();
    try {
      return body.get();
    } finally {
      use.close();
    }
  }

  /**
   * Returns a snapshot of this guard's state.
   *
   * @return whether a use is in progress, and by which task
   */
  public Statistics statistics() {
    Use use = current.get();
    return new Statistics(use != null, use != null && use.user instanceof TaskInfo t ? t : null);
  }

  /**
   * A snapshot of a resource guard.
   *
   * @param inUse whether a use was in progress
   * @param user the task using the resource; {@code null} when not in use or used by a thread that
   *     no Weft run started
   */
  public record Statistics(boolean inUse, TaskInfo user) {}

  /** One use of the guarded resource; closing it ends the use. */
  public final class Use implements AutoCloseable {
    private final Object user;

    private Use(Object user) {
      this.user = user;
    }

    /**
     * Ends this use, so that the resource can be used again. Idempotent; closing a use that has
     * already ended never ends a later one.
     */
    @Override
    public void close() {
      current.compareAndSet(this, null);
    }
  }

  @Override
  public String toString() {
    return "ResourceGuard[" + action + " " + resource + "]";
  }
}
