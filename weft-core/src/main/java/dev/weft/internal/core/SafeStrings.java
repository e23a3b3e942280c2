package dev.weft.internal.core;

/**
 * Text of objects that user code made (exceptions, borrowers), for messages and reports. Their
 * {@code toString} is user code: it may throw, even a {@link StackOverflowError}, and it must never
 * run under a Weft lock (callers build the text before they take one). A failing {@code toString}
 * is replaced by a description of the failure instead of escaping into Weft's bookkeeping.
 */
public final class SafeStrings {

  private SafeStrings() {}

  /** Returns {@code String.valueOf(o)}, or, if that throws, a text saying what it threw. */
  public static String of(Object o) {
    try {
      return String.valueOf(o);
    } catch (Throwable t) {
      return o.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(o))
          + " (its toString() threw " + t.getClass().getName() + ")";
    }
  }
}
