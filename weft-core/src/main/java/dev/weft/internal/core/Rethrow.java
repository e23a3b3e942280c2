package dev.weft.internal.core;

/** Rethrows what user code threw, unchanged, through methods that declare its checked type. */
public final class Rethrow {

  private Rethrow() {}

  /**
   * Throws {@code t} as it is. Callers write {@code throw Rethrow.<X>unchanged(t)} where {@code X}
   * is the checked exception their body may throw; {@code t} is that {@code X} or unchecked.
   * (A plain {@code throw (X) t} with {@code X extends Exception} compiles to a cast to {@code
   * Exception}, which turns an {@link Error} into a {@link ClassCastException}.)
   */
  @SuppressWarnings("unchecked")
  public static <X extends Exception> RuntimeException unchanged(Throwable t) throws X {
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw (X) t;
  }
}
