package dev.weft.hostile;

import static dev.weft.testing.Outcomes.thrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.stream.MemoryReceiveStream;
import dev.weft.stream.MemoryStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * An {@code onUndelivered} callback that throws, whatever it throws, still sees every undelivered
 * item (S7); an {@link Error} comes out of {@code close} as itself, anything else inside an
 * {@link IllegalStateException}.
 */
class HostileCallbackTest {

  @WeftTest
  void onUndeliveredThrowingACheckedExceptionSneakily_seesEveryItem_andCloseThrowsIllegalState(
      Backend backend) {
    List<String> called = new ArrayList<>();

    Throwable thrown = closeWithBufferedItems(backend, called,
        item -> sneaky(new IOException("cannot release " + item)));

    assertEquals(List.of("a", "b", "c"), called);
    assertEquals(IllegalStateException.class, thrown.getClass());
    assertEquals("cannot release a", thrown.getCause().getMessage());
    assertEquals(List.of("cannot release b", "cannot release c"),
        Arrays.stream(thrown.getSuppressed()).map(Throwable::getMessage).toList());
  }

  @WeftTest
  void onUndeliveredThrowingAnError_seesEveryItem_andCloseThrowsThatError(Backend backend) {
    List<String> called = new ArrayList<>();
    AssertionError error = new AssertionError("cannot release b");

    Throwable thrown = closeWithBufferedItems(backend, called, item -> {
      if (item.equals("b")) {
        throw error;
      }
      throw new IllegalArgumentException("cannot release " + item);
    });

    assertEquals(List.of("a", "b", "c"), called);
    assertSame(error, thrown);
    assertEquals(List.of("cannot release a", "cannot release c"),
        Arrays.stream(thrown.getSuppressed()).map(Throwable::getMessage).toList());
  }

  /** Buffers a, b and c, then closes the only receive handle; returns what close threw. */
  private static Throwable closeWithBufferedItems(
      Backend backend, List<String> called, Function<String, RuntimeException> callback) {
    MemoryStream<String> stream = MemoryStream.create(3, item -> {
      called.add(item);
      throw callback.apply(item);
    });
    MemoryReceiveStream<String> r = stream.receiveStream();
    return Runs.run(backend, () -> {
      for (String item : List.of("a", "b", "c")) {
        stream.sendStream().trySend(item);
      }
      Throwable t = thrownBy(r::close);
      stream.sendStream().close();
      return t;
    });
  }

  @SuppressWarnings("unchecked")
  private static <X extends Throwable> RuntimeException sneaky(Throwable t) throws X {
    throw (X) t;
  }
}
