package dev.weft.benchmarks;

import com.softwaremill.jox.Channel;
import dev.weft.Weft;
import dev.weft.spi.Backend;
import dev.weft.stream.MemoryReceiveStream;
import dev.weft.stream.MemorySendStream;
import dev.weft.stream.MemoryStream;
import dev.weft.stream.Select;
import dev.weft.task.TaskGroup;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * A two-stream select (semantics S13): two producers, each sending {@value #ITEMS_PER_PRODUCER}
 * items on its own stream, and one consumer that receives every item with a select over both.
 * Weft's {@code Select.select} against jox's {@code Select.select} over the same buffer size, on
 * virtual threads; the score is items per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SelectBenchmark {

  static final int ITEMS_PER_PRODUCER = 50_000;

  @Param({"0", "16"})
  public int buffer;

  @Benchmark
  @OperationsPerInvocation(2 * ITEMS_PER_PRODUCER)
  public void weft() {
    Weft.run(Backend.virtualThreads(), () -> {
      MemoryStream<Integer> a = MemoryStream.create(buffer);
      MemoryStream<Integer> b = MemoryStream.create(buffer);
      try (MemorySendStream<Integer> txA = a.sendStream();
          MemorySendStream<Integer> txB = b.sendStream();
          MemoryReceiveStream<Integer> rxA = a.receiveStream();
          MemoryReceiveStream<Integer> rxB = b.receiveStream()) {
        TaskGroup.run(group -> {
          group.startSoon(() -> produce(txA));
          group.startSoon(() -> produce(txB));
          group.startSoon(() -> {
            for (int i = 2 * ITEMS_PER_PRODUCER; i > 0; i--) {
              Select.select(rxA.onReceive(), rxB.onReceive());
            }
          });
        });
      }
    });
  }

  private static void produce(MemorySendStream<Integer> tx) {
    for (int i = ITEMS_PER_PRODUCER; i > 0; i--) {
      tx.send(ChannelWorkloads.ITEM);
    }
  }

  @Benchmark
  @OperationsPerInvocation(2 * ITEMS_PER_PRODUCER)
  public void jox() throws InterruptedException {
    Channel<Integer> a = buffer == 0 ? Channel.newRendezvousChannel() : Channel.newBufferedChannel(buffer);
    Channel<Integer> b = buffer == 0 ? Channel.newRendezvousChannel() : Channel.newBufferedChannel(buffer);
    Thread pa = Thread.ofVirtual().start(() -> produce(a));
    Thread pb = Thread.ofVirtual().start(() -> produce(b));
    Thread consumer = Thread.ofVirtual().start(() -> {
      try {
        for (int i = 2 * ITEMS_PER_PRODUCER; i > 0; i--) {
          com.softwaremill.jox.Select.select(a.receiveClause(), b.receiveClause());
        }
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    pa.join();
    pb.join();
    consumer.join();
  }

  private static void produce(Channel<Integer> ch) {
    try {
      for (int i = ITEMS_PER_PRODUCER; i > 0; i--) {
        ch.send(ChannelWorkloads.ITEM);
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
