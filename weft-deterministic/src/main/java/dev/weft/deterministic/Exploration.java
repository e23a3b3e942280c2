package dev.weft.deterministic;

import dev.weft.ThrowingSupplier;
import dev.weft.Weft;
import java.util.List;
import java.util.Objects;

/**
 * Runs one scenario under many seeds of the {@link DeterministicBackend} and reports the first
 * seed for which it fails, with that run's trace; the seed alone replays the failure.
 *
 * <pre>{@code
 * Exploration.Result r = Exploration.explore(0, 1_000, () -> { ...scenario...; return null; });
 * r.assertPassed(); // or r.failingSeed(), r.failure(), r.trace()
 * }</pre>
 */
public final class Exploration {

  private Exploration() {}

  /**
   * Runs {@code scenario} with seeds {@code firstSeed}, {@code firstSeed + 1}, ... until one fails
   * or {@code seeds} runs passed.
   *
   * <p>Each run is a {@code Weft.run} of {@code scenario} on {@link
   * DeterministicBackend#withSeed(long)}; anything it throws (an exception, an error, a {@link
   * DeadlockException}, a {@link StalledTaskException}) is that seed's failure.
   *
   * @param firstSeed the seed of the first run
   * @param seeds how many seeds to try, at least 1
   * @param scenario the root task of each run; its result is ignored
   * @return the number of runs, and the first failing seed with its failure and trace, if any
   * @throws NullPointerException if {@code scenario} is null
   * @throws IllegalArgumentException if {@code seeds} is less than 1
   */
  public static Result explore(long firstSeed, int seeds, ThrowingSupplier<?, ?> scenario) {
    Objects.requireNonNull(scenario, "scenario");
    if (seeds < 1) {
      throw new IllegalArgumentException("seeds must be at least 1, but was " + seeds);
    }
    for (int i = 0; i < seeds; i++) {
      DeterministicBackend backend = DeterministicBackend.withSeed(firstSeed + i);
      try {
        Weft.run(backend, scenario);
      } catch (Throwable t) {
        List<String> trace = t instanceof DeadlockException d ? d.trace()
            : t instanceof StalledTaskException s ? s.trace() : backend.lastTrace();
        return new Result(i + 1, backend.seed(), t, trace);
      }
    }
    return new Result(seeds, -1, null, List.of());
  }

  /**
   * What an exploration found.
   *
   * @param runs how many seeds ran
   * @param failingSeed the first seed whose run failed, or -1 when all passed
   * @param failure what that run threw, or {@code null}
   * @param trace that run's trace, or empty
   */
  public record Result(int runs, long failingSeed, Throwable failure, List<String> trace) {

    /**
     * Returns whether some seed failed.
     *
     * @return {@code true} if {@link #failure()} is not {@code null}
     */
    public boolean failed() {
      return failure != null;
    }

    /**
     * Returns normally if every seed passed; otherwise throws an {@link AssertionError} naming the
     * failing seed and how to replay it, with the last turns of its trace and the failure as
     * cause.
     *
     * @throws AssertionError if some seed failed
     */
    public void assertPassed() {
      if (failure != null) {
        int from = Math.max(0, trace.size() - 20);
        throw new AssertionError("seed " + failingSeed + " failed after " + runs + " runs (replay"
            + " with DeterministicBackend.withSeed(" + failingSeed + ")); last turns:\n  "
            + String.join("\n  ", trace.subList(from, trace.size())), failure);
      }
    }
  }
}
