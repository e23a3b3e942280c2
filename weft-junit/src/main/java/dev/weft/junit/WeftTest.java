package dev.weft.junit;

import dev.weft.spi.BackendFeature;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that runs once on every Weft backend: virtual threads, platform threads, and the
 * deterministic backend under several seeds. Each run's name says its backend and seed
 * ({@code [virtual]}, {@code [deterministic seed=2]}, after the method name in reports), in the console and in the reports.
 *
 * <p>A test method without parameters runs <em>inside</em> a Weft run, as its root task:
 *
 * <pre>{@code
 * @WeftTest
 * void timeoutCancelsTheBody() {
 *     CancelScope scope = Timeouts.moveOnAfter(Duration.ofHours(1), Weft::sleepForever);
 *     assertTrue(scope.cancelledCaught());
 * }
 * }</pre>
 *
 * A test method with a {@link dev.weft.spi.Backend} parameter is given the backend and runs its
 * programs itself (for example with {@link Runs#run}). Either way, the extension checks afterwards
 * that no task of the run is still alive.
 *
 * <h2>Choosing backends and seeds</h2>
 * Backends are chosen by the features a test {@linkplain #requires() requires}, never by name. The
 * deterministic seeds are {@code weft.seed.base}, {@code weft.seed.base + 1}, ... ({@code
 * weft.seeds} of them; system properties, defaults 1 and 3), or the {@link #seeds()} of the
 * annotation. To replay one failing run, pass {@code -Dweft.seed=S} (or set {@link #seed()}): only
 * the deterministic backend with that seed runs. A failing deterministic run says so in its
 * failure. {@code -Dweft.backends=virtual,platform,deterministic} narrows the set.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(WeftExtension.class)
public @interface WeftTest {

  /**
   * Features every chosen backend must have; by default, every backend runs the test.
   *
   * @return the required features; empty for none
   */
  BackendFeature[] requires() default {};

  /**
   * How many deterministic seeds to run; 0 or less means the {@code weft.seeds} property.
   *
   * @return the number of seeds, or 0 or less to use the configured number
   */
  int seeds() default 0;

  /**
   * Replay exactly this deterministic seed; {@code Long.MIN_VALUE} (the default) for none.
   *
   * @return the seed to replay on the deterministic backend only, or {@code Long.MIN_VALUE}
   */
  long seed() default Long.MIN_VALUE;
}
