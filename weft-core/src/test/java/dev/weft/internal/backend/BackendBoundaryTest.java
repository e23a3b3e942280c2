package dev.weft.internal.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Only the backends park threads, read the system clock or sleep: everything else in the core goes
 * through the SPI, so that a backend that controls the SPI controls the whole run.
 */
class BackendBoundaryTest {

  private static final Pattern FORBIDDEN =
      Pattern.compile("LockSupport\\.(park|unpark)|System\\.nanoTime|System\\.currentTimeMillis"
          + "|Thread\\.sleep|Thread\\.ofVirtual|Thread\\.ofPlatform|new Thread\\(");

  @Test
  void onlyBackendsTouchThreadsParkingAndTheClock() throws IOException {
    Path main = Path.of("src/main/java/dev/weft");
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(main)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        if (file.startsWith(main.resolve("internal/backend"))) {
          continue;
        }
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          boolean comment = line.startsWith("*") || line.startsWith("//");
          if (!comment && FORBIDDEN.matcher(line).find()) {
            offenders.add(file + ":" + (i + 1) + ": " + line);
          }
        }
      }
    }

    assertEquals(List.of(), offenders);
  }
}
