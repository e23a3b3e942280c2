package dev.weft.testing;

import dev.weft.spi.Backend;
import java.util.stream.Stream;

/** The backends every conformance test runs on. A new backend joins by adding one line here. */
public final class Backends {

  private Backends() {}

  public static Stream<Backend> all() {
    return Stream.of(Backend.virtualThreads(), Backend.platformThreads());
  }
}
