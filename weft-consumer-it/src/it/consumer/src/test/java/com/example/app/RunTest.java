package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Weft.run as a user's main method calls it. */
class RunTest {

  @Test
  void aRootTaskWithoutResult_needsNoReturnNull() {
    List<String> seen = new ArrayList<>();

    Weft.run(() -> {
      seen.add("ran");
    });

    assertEquals(List.of("ran"), seen);
    assertEquals(42, Weft.run(() -> 42));
  }
}
