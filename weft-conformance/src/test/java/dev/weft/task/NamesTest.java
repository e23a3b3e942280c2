package dev.weft.task;

import static dev.weft.testing.Outcomes.thrownBy;
import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.stream.MemoryStream;
import dev.weft.sync.CapacityLimiter;
import dev.weft.sync.Condition;
import dev.weft.sync.Event;
import dev.weft.sync.Lock;
import dev.weft.sync.Semaphore;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Named streams and primitives (semantics O6): the name reaches every report. */
class NamesTest {

  private static final List<String> WAITERS =
      List.of("waits-on-a", "waits-on-b", "waits-on-c", "waits-on-d", "waits-on-e");

  @WeftTest
  void namedResources_showTheirNameInTheDump(Backend backend) {
    AtomicReference<List<String>> waits = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      MemoryStream<String> jobs = MemoryStream.<String>create(0).named("jobs");
      Lock db = new Lock().named("db");
      db.acquire();
      Event ready = new Event().named("ready");
      Semaphore slots = Semaphore.create(0).named("slots");
      CapacityLimiter quota = CapacityLimiter.create(0).named("quota");
      group.startSoon("waits-on-a", () -> jobs.receiveStream().receive());
      group.startSoon("waits-on-b", () -> db.withLock(() -> {}));
      group.startSoon("waits-on-c", ready::await);
      group.startSoon("waits-on-d", slots::acquire);
      group.startSoon("waits-on-e", quota::acquire);
      until(() -> waitsOf(WAITERS).stream().allMatch(w -> w != null));
      waits.set(waitsOf(WAITERS));
      db.release();
      group.cancelScope().cancel();
    }));

    List<String> w = waits.get();
    assertTrue(w.get(0).startsWith("receive from memory stream 'jobs'@"), w.get(0));
    assertTrue(w.get(1).startsWith("acquire Lock 'db'@"), w.get(1));
    assertTrue(w.get(2).startsWith("await Event 'ready'@"), w.get(2));
    assertTrue(w.get(3).startsWith("acquire Semaphore 'slots'@"), w.get(3));
    assertTrue(w.get(4).contains("CapacityLimiter 'quota'@"), w.get(4));
  }

  @WeftTest
  void aParkedTask_hasTheResourceAsItsParkBlocker(Backend backend) {
    AtomicReference<Object> blocker = new AtomicReference<>();
    AtomicReference<String> label = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      Lock db = new Lock().named("db");
      db.acquire();
      AtomicReference<Thread> waiting = new AtomicReference<>();
      group.startSoon(() -> {
        waiting.set(Thread.currentThread());
        db.withLock(() -> {});
      });
      dev.weft.testing.Until.parkedInWeft(waiting::get);
      blocker.set(java.util.concurrent.locks.LockSupport.getBlocker(waiting.get()));
      label.set(db.toString());
      db.release();
    }));

    assertTrue(blocker.get() instanceof Lock, String.valueOf(blocker.get()));
    String identity = java.util.Objects.toIdentityString(blocker.get()); // what the JDK prints
    assertEquals("Lock 'db'" + identity.substring(identity.indexOf('@')), label.get());
  }

  @Test
  void badNames_areRejected_andTheFirstNameStays() {
    Lock lock = new Lock();
    assertEquals("name", assertInstanceOf(NullPointerException.class,
        thrownBy(() -> lock.named(null))).getMessage());
    assertTrue(assertInstanceOf(IllegalArgumentException.class,
        thrownBy(() -> lock.named("  "))).getMessage().startsWith("name must not be blank"));
    assertSame(lock, lock.named("first"));
    IllegalStateException again = assertInstanceOf(IllegalStateException.class,
        thrownBy(() -> lock.named("second")));
    assertTrue(again.getMessage().contains("'first'") && again.getMessage().contains("'second'"),
        again.getMessage());
    assertTrue(lock.toString().startsWith("Lock 'first'@"), lock.toString());
    assertTrue(new Condition().named("c").toString().startsWith("Condition 'c'@"));
    MemoryStream<String> stream = MemoryStream.<String>unbounded().named("s");
    assertTrue(stream.sendStream().toString().contains("memory stream 's'@"),
        stream.sendStream().toString());
  }

  private static List<String> waitsOf(List<String> names) {
    long me = TaskInfo.current().id();
    for (TaskDump.RunView run : TaskDump.capture().runs()) {
      if (run.tasks().stream().anyMatch(t -> t.id() == me
          && t.name().equals(TaskInfo.current().name()))
          && names.stream().allMatch(n -> run.tasks().stream().anyMatch(t -> t.name().equals(n)))) {
        return names.stream().map(n -> run.tasks().stream().filter(t -> t.name().equals(n))
            .findFirst().orElseThrow().waits()).toList();
      }
    }
    return java.util.Collections.nCopies(names.size(), null);
  }
}
