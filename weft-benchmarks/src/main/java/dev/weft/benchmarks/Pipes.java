package dev.weft.benchmarks;

import com.softwaremill.jox.Channel;
import dev.weft.stream.MemoryReceiveStream;
import dev.weft.stream.MemorySendStream;
import dev.weft.stream.MemoryStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;

/**
 * One channel under test, seen through the two operations every workload needs. Buffer -1 means
 * unbounded; 0 means rendezvous.
 */
interface Pipes {

  void put(Integer item) throws InterruptedException;

  Integer take() throws InterruptedException;

  /**
   * Releases the channel once the workload is done. Weft's handles must be closed: an unclosed
   * one is reported when it is collected (S10), and that report's logging lands in later
   * iterations.
   */
  default void close() {}

  /** The JDK queue a Java developer would pick for this buffer size. */
  static Pipes jdkQueue(int buffer) {
    BlockingQueue<Integer> q = buffer == 0 ? new SynchronousQueue<>()
        : buffer < 0 ? new LinkedBlockingQueue<>() : new ArrayBlockingQueue<>(buffer);
    return of(q);
  }

  /** LinkedTransferQueue: {@code transfer} for a rendezvous, {@code put} otherwise (unbounded). */
  static Pipes linkedTransferQueue(int buffer) {
    LinkedTransferQueue<Integer> q = new LinkedTransferQueue<>();
    if (buffer == 0) {
      return new Pipes() {
        public void put(Integer item) throws InterruptedException {
          q.transfer(item);
        }

        public Integer take() throws InterruptedException {
          return q.take();
        }
      };
    }
    return of(q);
  }

  static Pipes of(BlockingQueue<Integer> q) {
    return new Pipes() {
      public void put(Integer item) throws InterruptedException {
        q.put(item);
      }

      public Integer take() throws InterruptedException {
        return q.take();
      }
    };
  }

  static Pipes jox(int buffer) {
    Channel<Integer> ch = buffer == 0 ? Channel.newRendezvousChannel()
        : buffer < 0 ? Channel.newUnlimitedChannel() : Channel.newBufferedChannel(buffer);
    return new Pipes() {
      public void put(Integer item) throws InterruptedException {
        ch.send(item);
      }

      public Integer take() throws InterruptedException {
        return ch.receive();
      }
    };
  }

  static Pipes weft(int buffer) {
    MemoryStream<Integer> s = buffer < 0 ? MemoryStream.unbounded() : MemoryStream.create(buffer);
    MemorySendStream<Integer> tx = s.sendStream();
    MemoryReceiveStream<Integer> rx = s.receiveStream();
    return new Pipes() {
      public void put(Integer item) {
        tx.send(item);
      }

      public Integer take() {
        return rx.receive();
      }

      @Override
      public void close() {
        tx.close();
        rx.close();
      }
    };
  }
}
