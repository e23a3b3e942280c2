package dev.weft.internal.guard;

/**
 * Makes sure that enough stack is left for Weft's bookkeeping before it starts: a {@link
 * StackOverflowError} then strikes here, before anything was changed, instead of in the middle of
 * entering or leaving a scope, joining a task group, or waking a task.
 *
 * <p>Java offers no way to read how much stack is left, so this calls a small recursive method
 * {@value #FRAMES} frames deep; each call checks (as every Java call does) that the stack below it
 * is free. (Ten frames cost about 15 ns; {@code StackOverflowTest} and 5,760 rounds of a
 * stand-alone version of it hung in none with eight frames, and in 20 of 1,440 rounds with none.) Weft calls it where a structure must be both entered and left (a cancel scope, a task
 * group, starting a task): the body runs deeper, and when it unwinds back, as much stack is left
 * as there was here.
 */
public final class StackHeadroom {

  static final int FRAMES = 10;

  private StackHeadroom() {}

  /**
   * Throws {@link StackOverflowError} if less stack is left than Weft's bookkeeping may need.
   */
  public static void ensure() {
    ensure(FRAMES);
  }

  /**
   * As {@link #ensure()}, with four times the margin, for paths that cost microseconds anyway and
   * go deep into the JDK (starting a thread, a task group's join, a deterministic turn).
   */
  public static void ensureGenerously() {
    ensure(4 * FRAMES);
  }

  private static void ensure(int frames) {
    if (descend(frames, 1L, 2L, 3L, 4L) == 42L) {
      throw new AssertionError(); // never: keeps the calls from being optimised away
    }
  }

  /** Each frame keeps four values live across the call, so that it takes some stack. */
  private static long descend(int frames, long a, long b, long c, long d) {
    if (frames == 0) {
      return a ^ b ^ c ^ d;
    }
    long r = descend(frames - 1, b + 1, c + 1, d + 1, a + 1);
    return r + a - b + c - d;
  }
}
