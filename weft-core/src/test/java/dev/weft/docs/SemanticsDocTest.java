package dev.weft.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every test that docs/semantics.md, or a lifecycle diagram in the main sources, names exists, so
 * neither can silently point at a renamed or deleted test.
 */
class SemanticsDocTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void everyTestNamedInTheSpecificationExists() throws IOException {
    String doc = Files.readString(ROOT.resolve("docs/semantics.md"));
    Set<String> classes = new HashSet<>();
    Set<String> methods = new HashSet<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path file : files.filter(p -> p.toString().contains("/src/test/java/")
          && p.toString().endsWith(".java")).toList()) {
        classes.add(file.getFileName().toString().replace(".java", ""));
        Matcher m = Pattern.compile("\\bvoid (\\w+)\\(").matcher(Files.readString(file));
        while (m.find()) {
          methods.add(m.group(1));
        }
      }
    }
    List<String> missing = new ArrayList<>();
    Matcher ref = Pattern.compile("`(\\w+Test)?#(\\w+)`").matcher(doc);
    while (ref.find()) {
      if (ref.group(1) != null && !classes.contains(ref.group(1))) {
        missing.add(ref.group(1));
      }
      String method = ref.group(2);
      if (!methods.contains(method) && !method.endsWith("_")) {
        missing.add(method);
      }
    }
    Matcher cls = Pattern.compile("`(\\w+Test)`").matcher(doc);
    while (cls.find()) {
      if (!classes.contains(cls.group(1))) {
        missing.add(cls.group(1));
      }
    }

    assertTrue(missing.isEmpty(), "docs/semantics.md names tests that do not exist: " + missing);
  }

  @Test
  void everyTestNamedInTheMainSourcesExists() throws IOException {
    Set<String> tests = new HashSet<>();
    List<String> missing = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      List<Path> java = files.filter(p -> p.toString().endsWith(".java")).toList();
      for (Path file : java) {
        if (file.toString().contains("/src/test/java/")) {
          String cls = file.getFileName().toString().replace(".java", "");
          Matcher m = Pattern.compile("\\bvoid (\\w+)\\(").matcher(Files.readString(file));
          while (m.find()) {
            tests.add(cls + "#" + m.group(1));
          }
        }
      }
      for (Path file : java) {
        if (file.toString().contains("/src/main/java/")) {
          Matcher ref = Pattern.compile("\\b(\\w+Test)#(\\w+)").matcher(Files.readString(file));
          while (ref.find()) {
            String name = ref.group(1) + "#" + ref.group(2);
            if (!tests.contains(name)) {
              missing.add(file.getFileName() + ": " + name);
            }
          }
        }
      }
    }

    assertTrue(missing.isEmpty(), "main sources name tests that do not exist: " + missing);
  }
}
