package dev.weft.stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A stream handle that is garbage collected without being closed is reported as a warning. */
class UnclosedHandleWarningTest {

  @Test
  void unclosedHandle_isReportedWhenCollected() {
    Logger logger = Logger.getLogger("dev.weft.stream");
    Level before = logger.getLevel();
    boolean toParents = logger.getUseParentHandlers();
    List<String> warnings = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel() == Level.WARNING) {
          warnings.add(record.getMessage());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.setLevel(Level.WARNING);
    logger.setUseParentHandlers(false); // the warning this test provokes is captured, not printed
    logger.addHandler(capture);
    MemoryStream<String> stream = MemoryStream.create(1);
    stream.receiveStream().close(); // closed: never reported
    String name = stream.toString();
    try {
      stream = null;
      // Collection is not promptly guaranteed; ask a bounded number of times. Handles that other
      // tests left open may be collected meanwhile: only this stream's count.
      for (int i = 0; i < 200 && warnings.stream().noneMatch(w -> w.contains(name)); i++) {
        System.gc();
        Thread.yield();
      }
    } finally {
      logger.removeHandler(capture);
      logger.setUseParentHandlers(toParents);
      logger.setLevel(before);
    }

    List<String> mine = warnings.stream().filter(w -> w.contains(name)).toList();
    assertTrue(mine.size() == 1, "not one warning for " + name + " after 200 collections: " + mine);
    assertTrue(mine.get(0).contains("send stream"), mine.get(0));
    assertTrue(mine.get(0).contains("without being closed"), mine.get(0));
  }
}
