package dev.weft.stress;

import static dev.weft.testing.RandomCancels.cancelledSometimes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.cancel.CancelScope;
import dev.weft.spi.Backend;
import dev.weft.stream.ClosedResourceException;
import dev.weft.stream.EndOfStreamException;
import dev.weft.stream.MemoryReceiveStream;
import dev.weft.stream.MemorySendStream;
import dev.weft.stream.MemoryStream;
import dev.weft.task.TaskGroup;
import dev.weft.junit.WeftTest;
import dev.weft.junit.Runs;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Bounded stress of the exactly-once guarantee: producers and consumers on clones of one stream,
 * for buffers 0, 1, 16 and unbounded, with sends and receives cancelled at random moments (before
 * they start, or by another task while they run), one consumer that receives in a shield inside a
 * cancelled scope, and handles closed early by other tasks. Every item whose send returned must be
 * received exactly once, and no item whose send threw may be received; a lost wake-up hangs the run
 * (and fails on the hang guard).
 *
 * <p>It prints what it checked and its seed. {@code -Dweft.stress.items=N} sets the items per
 * producer (the default keeps CI quick); the long run of the docs is {@code
 * -Dweft.stress.items=1000000 -Djunit.jupiter.execution.timeout.default=2h}, about 12 million
 * handoffs per backend. {@code -Dweft.stress.seed=S} replays the random choices (not the threads'
 * timing).
 */
class StreamExactlyOnceStressTest {

  private static final int ITEMS = Integer.getInteger("weft.stress.items", 5_000);
  private static final int PRODUCERS = 3;
  private static final int CONSUMERS = 3;
  private static final int[] BUFFERS = {0, 1, 16, -1};

  @WeftTest
  void itemsWhoseSendReturned_areReceivedExactlyOnce_andNoOthers(Backend backend) {
    long seed = Long.getLong("weft.stress.seed", System.nanoTime());
    List<String> reports = new ArrayList<>();
    for (int buffer : BUFFERS) {
      reports.add(runOnce(backend, buffer, seed + buffer));
    }
    for (String r : reports) {
      System.out.printf("StreamExactlyOnceStressTest[%s]: seed=%d %s%n", backend.name(), seed, r);
    }
  }

  private static String runOnce(Backend backend, int buffer, long seed) {
    int total = PRODUCERS * ITEMS;
    AtomicIntegerArray sent = new AtomicIntegerArray(total);
    AtomicIntegerArray received = new AtomicIntegerArray(total);
    Counters counters = new Counters();
    MemoryStream<Integer> stream = buffer < 0 ? MemoryStream.unbounded() : MemoryStream.create(buffer);

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      try (MemorySendStream<Integer> tx = stream.sendStream();
          MemoryReceiveStream<Integer> rx = stream.receiveStream()) {
        for (int p = 0; p < PRODUCERS; p++) {
          int producer = p;
          MemorySendStream<Integer> mine = tx.clone();
          Random random = new Random(seed * 31 + p);
          group.startSoon("producer-" + p, () -> produce(mine, producer, random, sent, counters));
        }
        for (int c = 0; c < CONSUMERS; c++) {
          MemoryReceiveStream<Integer> mine = rx.clone();
          Random random = new Random(seed * 37 + c);
          if (c == 0) {
            group.startSoon("consumer-shielded", () -> consumeShielded(mine, received));
          } else {
            group.startSoon("consumer-" + c, () -> consume(mine, random, received, counters));
          }
        }
      }
    }));

    int delivered = 0;
    for (int id = 0; id < total; id++) {
      int expected = sent.get(id);
      assertEquals(expected, received.get(id),
          "item " + id + (expected == 1 ? " was sent" : " was not sent") + " but received "
              + received.get(id) + " times (buffer " + buffer + ", seed " + seed + ")");
      delivered += expected;
    }
    return String.format(
        "buffer=%s delivered=%d sendsCancelled=%d receivesCancelled=%d handlesClosedEarly=%d",
        buffer < 0 ? "unbounded" : buffer, delivered, counters.sendsCancelled.get(),
        counters.receivesCancelled.get(), counters.closedEarly.get());
  }

  private static void produce(
      MemorySendStream<Integer> mine, int producer, Random random, AtomicIntegerArray sent,
      Counters counters) {
    try (mine) {
      TaskGroup.run(cancellers -> {
        for (int i = 0; i < ITEMS; i++) {
          if (random.nextInt(2 * ITEMS) == 0) {
            counters.closedEarly.incrementAndGet();
            return; // this producer stops; its handle closes, the others keep the side open
          }
          int id = producer * ITEMS + i;
          CancelScope scope = cancelledSometimes(random, cancellers);
          scope.run(() -> {
            mine.send(id);
            sent.set(id, 1);
          });
          if (scope.cancelledCaught()) {
            counters.sendsCancelled.incrementAndGet();
          }
        }
      });
    }
  }

  private static void consume(
      MemoryReceiveStream<Integer> mine, Random random, AtomicIntegerArray received,
      Counters counters) {
    try (mine) {
      TaskGroup.run(helpers -> {
        if (random.nextInt(4) == 0) {
          helpers.startSoon(() -> { // closes this consumer's handle at some moment
            for (int i = random.nextInt(50); i > 0; i--) {
              dev.weft.Weft.checkpoint();
            }
            mine.close();
          });
        }
        while (true) {
          CancelScope scope = cancelledSometimes(random, helpers);
          try {
            scope.run(() -> received.incrementAndGet(mine.receive()));
          } catch (EndOfStreamException e) {
            return;
          } catch (ClosedResourceException e) {
            counters.closedEarly.incrementAndGet();
            return;
          }
          if (scope.cancelledCaught()) {
            counters.receivesCancelled.incrementAndGet();
          }
        }
      });
    }
  }

  private static void consumeShielded(MemoryReceiveStream<Integer> mine, AtomicIntegerArray received) {
    CancelScope outer = CancelScope.create();
    outer.run(() -> {
      outer.cancel();
      CancelScope.shielded().run(() -> {
        try (mine) {
          for (int id : mine) {
            received.incrementAndGet(id);
          }
        }
      });
    });
  }

  private static final class Counters {
    final AtomicInteger sendsCancelled = new AtomicInteger();
    final AtomicInteger receivesCancelled = new AtomicInteger();
    final AtomicInteger closedEarly = new AtomicInteger();
  }
}
