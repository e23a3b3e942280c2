package dev.weft.linearizability;

import dev.weft.internal.stream.StreamCore;
import dev.weft.stream.BrokenResourceException;
import dev.weft.stream.ClosedResourceException;
import dev.weft.stream.EndOfStreamException;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The non-blocking stream operations ({@code trySend}, {@code tryReceive}, {@code close}, {@code
 * clone}, {@code statistics}) are linearizable: every concurrent history Lincheck finds, by model
 * checking and by stress, matches some sequential order of the same operations on a fresh stream.
 * Each operation returns its outcome as a string, errors included, so that the error precedence is
 * part of what is checked. The test drives {@link StreamCore}, the state behind the public handles,
 * directly: the handles only add a {@link java.lang.ref.Cleaner} registration, whose thread Lincheck
 * cannot control. (Blocking send and receive are covered by the runtime's model checks and the
 * stress tests; Lincheck reports parking operations as hangs.)
 */
@Param(name = "item", gen = IntGen.class, conf = "1:4")
@Timeout(value = 5, unit = TimeUnit.MINUTES) // model checking is slow on a loaded machine
public class StreamLinearizabilityTest {

  private final StreamCore<Integer> core = new StreamCore<>(2, null);
  private final StreamCore.Handle tx = core.open(true);
  private final StreamCore.Handle txClone = core.cloneHandle(tx);
  private final StreamCore.Handle rx = core.open(false);

  @Operation
  public String trySend(@Param(name = "item") int item) {
    return outcome(() -> String.valueOf(core.trySend(tx, item)));
  }

  @Operation
  public String trySendOnClone(@Param(name = "item") int item) {
    return outcome(() -> String.valueOf(core.trySend(txClone, item)));
  }

  @Operation
  public String tryReceive() {
    return outcome(() -> {
      Integer item = core.tryReceive(rx);
      return item == null ? "empty" : String.valueOf(item);
    });
  }

  @Operation
  public String closeSend() {
    return outcome(() -> {
      core.close(tx);
      return "closed";
    });
  }

  @Operation
  public String closeReceive() {
    return outcome(() -> {
      core.close(rx);
      return "closed";
    });
  }

  @Operation
  public String cloneSend() {
    return outcome(() -> {
      core.cloneHandle(tx); // stays open: the send side now outlives closeSend()
      return "cloned";
    });
  }

  @Operation
  public String cloneReceive() {
    return outcome(() -> {
      core.cloneHandle(rx);
      return "cloned";
    });
  }

  @Operation
  public String statistics() {
    return core.statistics().toString();
  }

  private interface Op {
    String run();
  }

  private static String outcome(Op op) {
    try {
      return op.run();
    } catch (ClosedResourceException e) {
      return "ClosedResource";
    } catch (BrokenResourceException e) {
      return "BrokenResource";
    } catch (EndOfStreamException e) {
      return "EndOfStream";
    }
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions().iterations(20).invocationsPerIteration(150).check(getClass());
  }

  @Test
  void stress() {
    new StressOptions().iterations(20).invocationsPerIteration(500).check(getClass());
  }
}
