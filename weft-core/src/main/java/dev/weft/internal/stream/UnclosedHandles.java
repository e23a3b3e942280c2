package dev.weft.internal.stream;

import java.lang.ref.Cleaner;

/**
 * Reports handles that were garbage collected without being closed (as AnyIO's ResourceWarning
 * does): the other side of their stream can then never see the end of the stream.
 */
public final class UnclosedHandles {

  private static final System.Logger LOG = System.getLogger("dev.weft.stream");

  private static final class Holder {
    static final Cleaner CLEANER = Cleaner.create();
  }

  private UnclosedHandles() {}

  /**
   * Registers {@code owner}; the returned cleanable must be cleaned when the handle is closed.
   * The action holds the core and the handle's state, never the owner itself.
   */
  public static Cleaner.Cleanable register(
      Object owner, StreamCore<?> core, StreamCore.Handle handle, String description) {
    return Holder.CLEANER.register(owner, () -> {
      if (!handle.isClosed(core)) {
        LOG.log(System.Logger.Level.WARNING,
            "a " + description + " of " + core + " was garbage collected without being closed;"
                + " close every handle (try-with-resources) so that the other side sees the end");
      }
    });
  }
}
