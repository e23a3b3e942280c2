import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Rewrites jars so that a build is reproducible and its manifest truthful, which
 * maven-jar-plugin 3.0.2 (the newest that packs a Java 21 module-info when Maven runs on 17; see
 * ADR 0001) cannot do itself: entries in name order, each with the time {@code
 * project.build.outputTimestamp},
 * and the manifest names the JDK that compiled the classes (this program runs on the build's
 * toolchain JDK) instead of the JDK that runs Maven, and drops the builder's user name.
 *
 * <p>Run as a single-file program: {@code java NormalizeJar.java <timestamp> <jar>...}; a jar that
 * does not exist is skipped.
 */
public final class NormalizeJar {

  public static void main(String[] args) throws IOException {
    LocalDateTime time = OffsetDateTime.parse(args[0]).atZoneSameInstant(ZoneOffset.UTC)
        .toLocalDateTime();
    for (int i = 1; i < args.length; i++) {
      Path jar = Path.of(args[i]);
      if (Files.exists(jar)) {
        normalize(jar, time);
      }
    }
  }

  private static void normalize(Path jar, LocalDateTime time) throws IOException {
    Path out = jar.resolveSibling(jar.getFileName() + ".normalized");
    try (JarFile in = new JarFile(jar.toFile());
        OutputStream file = Files.newOutputStream(out);
        JarOutputStream zip = new JarOutputStream(file)) {
      Manifest manifest = in.getManifest() != null ? in.getManifest() : new Manifest();
      Attributes main = manifest.getMainAttributes();
      main.putValue("Manifest-Version", "1.0");
      main.putValue("Build-Jdk", System.getProperty("java.version"));
      main.remove(new Attributes.Name("Built-By"));
      put(zip, new JarEntry("META-INF/"), time, null);
      put(zip, new JarEntry(JarFile.MANIFEST_NAME), time, null);
      manifest.write(zip);
      zip.closeEntry();
      // In name order: the jar plugin adds files in the order the file system lists them.
      for (JarEntry entry : in.stream().sorted(Comparator.comparing(JarEntry::getName)).toList()) {
        String name = entry.getName();
        if (name.equals("META-INF/") || name.equals(JarFile.MANIFEST_NAME)) {
          continue;
        }
        try (InputStream data = in.getInputStream(entry)) {
          put(zip, new JarEntry(name), time, data);
        }
      }
    }
    Files.move(out, jar, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void put(JarOutputStream zip, JarEntry entry, LocalDateTime time, InputStream data)
      throws IOException {
    entry.setTimeLocal(time);
    zip.putNextEntry(entry);
    if (data != null) {
      data.transferTo(zip);
      zip.closeEntry();
    }
  }
}
