package dev.weft.examples;

import dev.weft.Weft;
import dev.weft.time.Timeouts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

/**
 * How checked exceptions pass through Weft's lambdas (ADR 0005), as code that must compile: each
 * method declares exactly what its body throws, and nothing wider.
 */
public final class CheckedExceptionsExample {

  private CheckedExceptionsExample() {}

  /** One checked exception: Java infers {@code X = IOException}, and that is what comes out. */
  static String readWithin(Path file, Duration limit) throws IOException {
    return Timeouts.failAfter(limit, () -> Files.readString(file));
  }

  /** Two of one family: {@code X} is their closest common type, still precise enough. */
  static String firstLine(Path file) throws IOException {
    return Weft.run(() -> {
      if (!Files.exists(file)) {
        throw new java.io.FileNotFoundException(file.toString());
      }
      return Files.readAllLines(file).get(0); // IOException
    });
  }

  /**
   * Two unrelated checked exceptions in one body: Java cannot infer a union for {@code X} (JLS
   * 18.2.5 gives every thrown type to the one variable, so it would be {@code Exception}). Keep
   * each in its own call, so that each call's {@code X} is precise.
   */
  static int importRows(Path file, Database db) throws IOException, SQLException {
    String rows = Weft.run(() -> Files.readString(file)); // X = IOException
    return Weft.run(() -> db.insert(rows)); // X = SQLException
  }

  /**
   * Or turn one into an unchecked exception inside the body and back outside it, when the two
   * must happen in one task.
   */
  static int importRowsInOneTask(Path file, Database db) throws IOException, SQLException {
    try {
      return Weft.run(() -> {
        String rows;
        try {
          rows = Files.readString(file);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return db.insert(rows); // X = SQLException
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** A stand-in for a JDBC call. */
  interface Database {
    int insert(String rows) throws SQLException;
  }
}
