package dev.weft.task;

import static dev.weft.testing.Until.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Futures;
import dev.weft.Weft;
import dev.weft.Workers;
import dev.weft.cancel.CancelScope;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.spi.BackendFeature;
import dev.weft.stream.MemoryStream;
import dev.weft.sync.CapacityLimiter;
import dev.weft.sync.Condition;
import dev.weft.sync.Event;
import dev.weft.sync.Lock;
import dev.weft.sync.Semaphore;
import dev.weft.testing.MiniJson;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.io.TempDir;

/** The task dump (semantics O1-O3): what an operator sees of a running program. */
class TaskDumpTest {

  @WeftTest
  void dump_showsTheTreeScopesAndWhatEachTaskWaitsOn(Backend backend) {
    AtomicReference<TaskDump.RunView> seen = new AtomicReference<>();
    CancelScope all = CancelScope.create();
    boolean threads = !backend.features().contains(BackendFeature.DETERMINISTIC_SCHEDULE);

    Runs.exec(backend, () -> all.run(() -> TaskGroup.run(group -> {
      MemoryStream<String> rendezvous = MemoryStream.create(0);
      MemoryStream<String> empty = MemoryStream.create(4);
      Lock lock = new Lock();
      lock.acquire(); // held by main
      Semaphore none = Semaphore.create(0);
      CapacityLimiter zero = CapacityLimiter.create(0);
      Event never = new Event();
      Condition condition = new Condition();
      group.startSoon("sender", () -> rendezvous.sendStream().send("x"));
      group.startSoon("receiver", () -> empty.receiveStream().receive());
      group.startSoon("locker", () -> lock.withLock(() -> {}));
      group.startSoon("semaphore", none::acquire);
      group.startSoon("limited", zero::acquire);
      group.startSoon("event", never::await);
      if (threads) { // the deterministic backend runs worker calls in the task (X5)
        group.startSoon("worker", () -> Workers.run(() -> {
          new CountDownLatch(1).await(); // until the task, cancelled, interrupts it
          return null;
        }));
      }
      group.startSoon("condition", () -> condition.lock().withLock(condition::await));
      group.startSoon("host", () -> CancelScope.shielded().run(() ->
          CancelScope.withTimeout(Duration.ofHours(1)).run(() -> TaskGroup.run(inner ->
              inner.startSoon("grandchild", never::await)))));
      until(() -> waiting(current(), threads ? 10 : 9));
      seen.set(current());
      lock.release();
      never.set(); // the grandchild's shield keeps the cancellation from it
      all.cancel("the test is done");
    })));

    TaskDump.RunView run = seen.get();
    Map<String, TaskDump.TaskView> byName = run.tasks().stream()
        .collect(Collectors.toMap(TaskDump.TaskView::name, t -> t));
    assertTrue(byName.get("sender").waits().startsWith("send to memory stream@"),
        byName.get("sender").waits());
    assertTrue(byName.get("sender").waits().contains("[buffer 0]"), byName.get("sender").waits());
    assertTrue(byName.get("receiver").waits().startsWith("receive from memory stream@"));
    assertTrue(byName.get("locker").waits().contains("Lock@"), byName.get("locker").waits());
    assertTrue(byName.get("locker").waits().endsWith("(held by task 'main' (#1), 1 waiting)"),
        byName.get("locker").waits());
    assertTrue(byName.get("sender").waits().endsWith(
        "(0 buffered, 1 waiting to send, 0 waiting to receive)"), byName.get("sender").waits());
    assertTrue(byName.get("limited").waits().endsWith("(0 of 0 tokens borrowed, 1 waiting)"),
        byName.get("limited").waits());
    assertTrue(byName.get("semaphore").waits().contains("Semaphore"));
    assertTrue(byName.get("limited").waits().contains("CapacityLimiter"));
    assertTrue(byName.get("event").waits().contains("Event"));
    assertTrue(byName.get("condition").waits().contains("Condition"));
    assertTrue(byName.get("host").waits().startsWith("join task group of task 'host'"),
        byName.get("host").waits());
    if (threads) {
      assertTrue(byName.get("worker").waits().startsWith("run on a worker thread"),
          byName.get("worker").waits());
    }
    assertNull(byName.get("main").waits(), "main was running: it took the dump");
    assertNull(byName.get("main").parent());
    assertEquals(byName.get("host").id(), byName.get("grandchild").parent());
    assertEquals(byName.get("main").id(), byName.get("host").parent());

    List<TaskDump.ScopeView> hostScopes = byName.get("host").scopes();
    assertEquals(List.of("task group", "cancel scope", "cancel scope"),
        hostScopes.stream().map(TaskDump.ScopeView::kind).toList());
    assertNotNull(hostScopes.get(1).deadlineRemaining(), "the timeout scope has a deadline");
    assertTrue(hostScopes.get(1).deadlineRemaining().compareTo(Duration.ofHours(1)) <= 0);
    assertTrue(hostScopes.get(2).shielded());
    assertFalse(hostScopes.get(2).cancelled());

    String text = new TaskDump(List.of(run)).toString();
    assertTrue(text.contains("task 'grandchild'"), text);
    assertTrue(text.indexOf("task 'host'") < text.indexOf("task 'grandchild'"), text);
  }

  @WeftTest(requires = BackendFeature.REAL_PARALLELISM)
  void dump_fromAThreadOutsideEveryRun_seesTheRun(Backend backend) throws Exception {
    AtomicReference<String> dump = new AtomicReference<>();
    Event dumped = new Event();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("waiting-for-the-operator", dumped::await);
      Thread operator = Thread.ofPlatform().start(() -> {
        until(() -> TaskDump.capture().toString().contains("waiting-for-the-operator' (#2)\n"
            + "      waits: await Event@"));
        dump.set(TaskDump.capture().toString());
        dumped.set();
      });
      dumped.await();
      operator.join();
    }));

    assertTrue(dump.get().contains("task 'waiting-for-the-operator'"), dump.get());
  }

  @WeftTest
  void dump_hostileToString_isShownNotThrown(Backend backend) {
    CompletableFuture<String> hostile = new CompletableFuture<>() {
      @Override
      public String toString() {
        throw new IllegalStateException("no toString for you");
      }
    };
    AtomicReference<String> waits = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("awaiting", () -> Futures.await(hostile));
      until(() -> waiting(current(), 1));
      waits.set(task(current(), "awaiting").waits());
      hostile.complete("done");
    }));

    assertTrue(waits.get().contains("toString() threw java.lang.IllegalStateException"),
        waits.get());
  }

  @WeftTest
  void dump_afterTheRunEnded_doesNotShowIt(Backend backend) {
    AtomicLong runId = new AtomicLong();

    Runs.exec(backend, () -> runId.set(current().id()));

    assertTrue(TaskDump.capture().runs().stream().noneMatch(r -> r.id() == runId.get()));
  }

  @WeftTest(requires = BackendFeature.VIRTUAL_TIME)
  void dump_waitingTime_isOnTheRunsClock(Backend backend) {
    AtomicReference<Duration> parked = new AtomicReference<>();

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      Event never = new Event();
      group.startSoon("sleeper", never::await);
      until(() -> waiting(current(), 1));
      Weft.sleep(Duration.ofSeconds(5));
      parked.set(task(current(), "sleeper").parked());
      group.cancelScope().cancel();
    }));

    assertNotNull(parked.get());
    assertTrue(parked.get().compareTo(Duration.ofSeconds(5)) >= 0, parked.get().toString());
  }

  @WeftTest
  void json_hasTheSameContent_andIsWellFormed(Backend backend) {
    AtomicReference<TaskDump> dump = new AtomicReference<>();

    Runs.exec(backend, () -> CancelScope.withTimeout(Duration.ofHours(1)).run(() ->
        TaskGroup.run(group -> {
          Event never = new Event();
          group.startSoon("quote\"and\\back\nslash", never::await);
          until(() -> waiting(current(), 1));
          dump.set(new TaskDump(List.of(current())));
          group.cancelScope().cancel();
        })));

    Map<String, Object> json = MiniJson.parseObject(dump.get().toJson());
    List<?> runs = (List<?>) json.get("runs");
    Map<?, ?> run = (Map<?, ?>) runs.get(0);
    TaskDump.RunView expected = dump.get().runs().get(0);
    assertEquals(expected.id(), ((Number) run.get("id")).longValue());
    assertEquals(expected.backend(), run.get("backend"));
    List<?> tasks = (List<?>) run.get("tasks");
    assertEquals(expected.tasks().size(), tasks.size());
    for (int i = 0; i < tasks.size(); i++) {
      Map<?, ?> t = (Map<?, ?>) tasks.get(i);
      TaskDump.TaskView e = expected.tasks().get(i);
      assertEquals(e.name(), t.get("name"));
      assertEquals(e.waits(), t.get("waits"));
      assertEquals(e.parent(), t.get("parent") == null ? null : ((Number) t.get("parent")).longValue());
      assertEquals(e.scopes().size(), ((List<?>) t.get("scopes")).size());
    }
  }

  @WeftTest
  void mbean_isRegistered_andItsOperationsReturnTheDump(Backend backend, @TempDir Path dir)
      throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new ObjectName("dev.weft:type=TaskDump");
    AtomicReference<String> text = new AtomicReference<>();
    AtomicReference<String> json = new AtomicReference<>();
    AtomicReference<Object> liveRuns = new AtomicReference<>();
    Path file = dir.resolve("tasks.txt");

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      group.startSoon("seen-through-jmx", new Event()::await);
      until(() -> waiting(current(), 1));
      text.set((String) server.invoke(name, "text", null, null));
      json.set((String) server.invoke(name, "json", null, null));
      liveRuns.set(server.getAttribute(name, "LiveRuns"));
      server.invoke(name, "writeTo", new Object[] {file.toString()},
          new String[] {String.class.getName()});
      group.cancelScope().cancel();
    }));

    assertTrue(text.get().contains("task 'seen-through-jmx'"), text.get());
    assertTrue(json.get().contains("\"name\":\"seen-through-jmx\""), json.get());
    assertTrue((Integer) liveRuns.get() >= 1);
    assertTrue(Files.readString(file).contains("task 'seen-through-jmx'"));
  }

  /** The run of the calling task: the one whose tasks include it. */
  private static TaskDump.RunView current() {
    long me = TaskInfo.current().id();
    String myName = TaskInfo.current().name();
    List<TaskInfo> mine = TaskInfo.running();
    for (TaskDump.RunView run : TaskDump.capture().runs()) {
      if (run.tasks().size() >= mine.size() - 1
          && run.tasks().stream().anyMatch(t -> t.id() == me && t.name().equals(myName))
          && mine.stream().allMatch(i -> run.tasks().stream()
              .anyMatch(t -> t.id() == i.id() && t.name().equals(i.name())))) {
        return run;
      }
    }
    throw new AssertionError("the current run is not in the dump");
  }

  /** Whether at least {@code count} tasks of the run wait in Weft. */
  private static boolean waiting(TaskDump.RunView run, int count) {
    return run.tasks().stream().filter(t -> t.waits() != null).count() >= count;
  }

  private static TaskDump.TaskView task(TaskDump.RunView run, String name) {
    return run.tasks().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }
}
