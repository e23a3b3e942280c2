package dev.weft.stress;

import static dev.weft.testing.RandomCancels.cancelledSometimes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.cancel.CancelScope;
import dev.weft.junit.Runs;
import dev.weft.junit.WeftTest;
import dev.weft.spi.Backend;
import dev.weft.stream.EndOfStreamException;
import dev.weft.stream.MemoryReceiveStream;
import dev.weft.stream.MemorySendStream;
import dev.weft.stream.MemoryStream;
import dev.weft.stream.Select;
import dev.weft.task.TaskGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Bounded stress of select's exactly-once guarantee (S13): producers send each item with a plain
 * send to one of two streams or with a select over both, consumers receive with a select over both,
 * and sends and receives are cancelled at random moments (before they start, or by another task
 * while they wait). Every item whose send returned must be received exactly once, and no item whose
 * send threw may be received; a lost wake-up hangs the run (and fails on the hang guard). Selects
 * meet plain operations and other selects, on rendezvous, buffered and unbounded streams.
 *
 * <p>Shown to fail on every backend when a receiver takes a waiting sender's item without winning
 * that sender's CAS (items received twice).
 *
 * <p>It prints what it checked and its seed. {@code -Dweft.stress.select.items=N} sets the items
 * per producer; {@code -Dweft.stress.seed=S} replays the random choices (not the threads' timing).
 */
class SelectExactlyOnceStressTest {

  private static final int ITEMS = Integer.getInteger("weft.stress.select.items", 2_000);
  private static final int PRODUCERS = 3;
  private static final int CONSUMERS = 3;
  private static final int[][] BUFFERS = {{0, 0}, {0, 4}, {1, -1}};

  @WeftTest
  void selectsUnderRandomCancellations_moveEveryItemExactlyOnce(Backend backend) {
    long seed = Long.getLong("weft.stress.seed", System.nanoTime());
    List<String> reports = new ArrayList<>();
    for (int[] buffers : BUFFERS) {
      reports.add(runOnce(backend, buffers, seed + buffers[0] * 7 + buffers[1]));
    }
    for (String r : reports) {
      System.out.printf("SelectExactlyOnceStressTest[%s]: seed=%d %s%n", backend.name(), seed, r);
    }
  }

  private static String runOnce(Backend backend, int[] buffers, long seed) {
    int total = PRODUCERS * ITEMS;
    AtomicIntegerArray sent = new AtomicIntegerArray(total);
    AtomicIntegerArray received = new AtomicIntegerArray(total);
    Counters counters = new Counters();
    MemoryStream<Integer> a = stream(buffers[0]);
    MemoryStream<Integer> b = stream(buffers[1]);

    Runs.exec(backend, () -> TaskGroup.run(group -> {
      try (MemorySendStream<Integer> txA = a.sendStream();
          MemorySendStream<Integer> txB = b.sendStream();
          MemoryReceiveStream<Integer> rxA = a.receiveStream();
          MemoryReceiveStream<Integer> rxB = b.receiveStream()) {
        for (int p = 0; p < PRODUCERS; p++) {
          int producer = p;
          MemorySendStream<Integer> toA = txA.clone();
          MemorySendStream<Integer> toB = txB.clone();
          Random random = new Random(seed * 31 + p);
          group.startSoon("producer-" + p,
              () -> produce(toA, toB, producer, random, sent, counters));
        }
        for (int c = 0; c < CONSUMERS; c++) {
          MemoryReceiveStream<Integer> fromA = rxA.clone();
          MemoryReceiveStream<Integer> fromB = rxB.clone();
          Random random = new Random(seed * 37 + c);
          group.startSoon("consumer-" + c,
              () -> consume(fromA, fromB, random, received, counters));
        }
      }
    }));

    int delivered = 0;
    for (int id = 0; id < total; id++) {
      int expected = sent.get(id);
      assertEquals(expected, received.get(id),
          "item " + id + (expected == 1 ? " was sent" : " was not sent") + " but received "
              + received.get(id) + " times (buffers " + buffers[0] + "/" + buffers[1] + ", seed "
              + seed + ")");
      delivered += expected;
    }
    return String.format(
        "buffers=%d/%d delivered=%d selectSends=%d sendsCancelled=%d selectReceives=%d"
            + " receivesCancelled=%d",
        buffers[0], buffers[1], delivered, counters.selectSends.get(),
        counters.sendsCancelled.get(), counters.selectReceives.get(),
        counters.receivesCancelled.get());
  }

  private static MemoryStream<Integer> stream(int buffer) {
    return buffer < 0 ? MemoryStream.unbounded() : MemoryStream.create(buffer);
  }

  private static void produce(MemorySendStream<Integer> toA, MemorySendStream<Integer> toB,
      int producer, Random random, AtomicIntegerArray sent, Counters counters) {
    try (toA; toB) {
      TaskGroup.run(cancellers -> {
        for (int i = 0; i < ITEMS; i++) {
          int id = producer * ITEMS + i;
          int how = random.nextInt(3);
          CancelScope scope = cancelledSometimes(random, cancellers);
          scope.run(() -> {
            switch (how) {
              case 0 -> toA.send(id);
              case 1 -> toB.send(id);
              default -> {
                Select.select(toA.onSend(id), toB.onSend(id));
                counters.selectSends.incrementAndGet();
              }
            }
            sent.set(id, 1);
          });
          if (scope.cancelledCaught()) {
            counters.sendsCancelled.incrementAndGet();
          }
        }
      });
    }
  }

  private static void consume(MemoryReceiveStream<Integer> fromA,
      MemoryReceiveStream<Integer> fromB, Random random, AtomicIntegerArray received,
      Counters counters) {
    try (fromA; fromB) {
      TaskGroup.run(helpers -> {
        while (true) {
          CancelScope scope = cancelledSometimes(random, helpers);
          try {
            scope.run(() -> {
              received.incrementAndGet(Select.select(fromA.onReceive(), fromB.onReceive()));
              counters.selectReceives.incrementAndGet();
            });
          } catch (EndOfStreamException e) {
            // One stream ended (every producer closed it): drain both to their ends.
            for (int id : fromA) {
              received.incrementAndGet(id);
            }
            for (int id : fromB) {
              received.incrementAndGet(id);
            }
            return;
          }
          if (scope.cancelledCaught()) {
            counters.receivesCancelled.incrementAndGet();
          }
        }
      });
    }
  }

  private static final class Counters {
    final AtomicInteger selectSends = new AtomicInteger();
    final AtomicInteger sendsCancelled = new AtomicInteger();
    final AtomicInteger selectReceives = new AtomicInteger();
    final AtomicInteger receivesCancelled = new AtomicInteger();
  }
}
