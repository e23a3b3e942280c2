package dev.weft.task;

import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cancel.CancelScope;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.sync.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.io.TempDir;

/** Weft's JFR events (semantics O4), read back from a real recording. */
class WeftEventsTest {

  @WeftTest
  void recording_showsTasksScopeCancellationsAndWaits(Backend backend, @TempDir Path dir)
      throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8); // other tests may run meanwhile
    Path file = dir.resolve("weft.jfr");
    try (Recording recording = new Recording()) {
      recording.enable("dev.weft.Task");
      recording.enable("dev.weft.ScopeCancelled");
      recording.enable("dev.weft.Wait").withThreshold(Duration.ZERO);
      recording.start();

      Runs.exec(backend, () -> {
        try {
          TaskGroup.run(group -> {
            Event go = new Event();
            Event returnedFirst = new Event(); // so the failure cannot cancel the other task
            group.startSoon("returns-" + tag, () -> {
              go.await();
              returnedFirst.set();
            });
            group.startSoon("fails-" + tag, () -> {
              returnedFirst.await();
              throw new IllegalStateException("boom");
            });
            until(() -> TaskDump.capture().runs().stream().flatMap(r -> r.tasks().stream())
                .anyMatch(t -> t.name().equals("returns-" + tag) && t.parked() != null)); // parked
            go.set();
          });
        } catch (TaskGroupException expected) {
          // the failing child's
        }
        CancelScope scope = CancelScope.create();
        scope.run(() -> scope.cancel("stop-" + tag));
      });

      recording.stop();
      recording.dump(file);
    }

    List<RecordedEvent> events = RecordingFile.readAllEvents(file);
    RecordedEvent returned = only(events, "dev.weft.Task", "name", "returns-" + tag);
    RecordedEvent failed = only(events, "dev.weft.Task", "name", "fails-" + tag);
    assertEquals("returned", returned.getString("outcome"));
    assertEquals("failed: java.lang.IllegalStateException", failed.getString("outcome"));
    assertEquals(returned.getLong("parent"), failed.getLong("parent"));
    assertEquals(returned.getLong("run"), failed.getLong("run"));
    RecordedEvent cancelled = only(events, "dev.weft.ScopeCancelled", "reason", "stop-" + tag);
    assertEquals("cancel scope", cancelled.getString("scope"));
    assertTrue(!cancelled.getBoolean("deadline"));
    assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("dev.weft.Wait")
        && e.getLong("task") == returned.getLong("id")
        && e.getString("operation").startsWith("await Event@") && e.getBoolean("completed")),
        "the returning task's wait on the event");
  }

  private static RecordedEvent only(List<RecordedEvent> events, String type, String field,
      String value) {
    List<RecordedEvent> found = events.stream()
        .filter(e -> e.getEventType().getName().equals(type) && value.equals(e.getString(field)))
        .toList();
    assertEquals(1, found.size(), type + " with " + field + "=" + value + ": " + found);
    return found.get(0);
  }
}
