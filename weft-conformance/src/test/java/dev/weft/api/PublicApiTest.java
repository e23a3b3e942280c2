package dev.weft.api;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.Weft;
import dev.weft.deterministic.DeterministicBackend;
import dev.weft.junit.WeftTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The API guard: the public API of each published module must equal the one recorded in {@code
 * api/<module>.api}, so that every API change is a visible diff in review. After a deliberate
 * change, record it with the command in the failure message and commit the file.
 */
class PublicApiTest {

  static final String UPDATE_COMMAND = "mvn -B verify -pl weft-conformance -am -Dtest=PublicApiTest"
      + " -Dsurefire.failIfNoSpecifiedTests=false -Dweft.api.update=true";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dev.weft", "dev.weft.deterministic", "dev.weft.junit"})
  void publicApi_isTheRecordedOne(String module) throws IOException {
    Class<?> anchor = switch (module) {
      case "dev.weft" -> Weft.class;
      case "dev.weft.deterministic" -> DeterministicBackend.class;
      default -> WeftTest.class;
    };
    String current = ApiDump.ofModuleContaining(anchor);
    Path file = Path.of(System.getProperty("weft.api.dir", "../api")).resolve(module + ".api");
    if (Boolean.getBoolean("weft.api.update")) {
      Files.writeString(file, current, StandardCharsets.UTF_8);
      return;
    }
    assertTrue(Files.exists(file), "no recorded API at " + file.toAbsolutePath()
        + "; record it with: " + UPDATE_COMMAND);
    List<String> changes = ApiDump.diff(Files.readString(file, StandardCharsets.UTF_8), current);
    if (!changes.isEmpty()) {
      fail("the public API of " + module + " differs from " + file + " (- recorded, + now):\n  "
          + String.join("\n  ", changes)
          + "\nIf the change is meant, record it with: " + UPDATE_COMMAND
          + "\nand commit the file, so that reviewers see the API change.");
    }
  }
}
