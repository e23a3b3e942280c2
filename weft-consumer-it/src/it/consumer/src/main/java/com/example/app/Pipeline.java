package com.example.app;

import dev.weft.stream.MemoryReceiveStream;
import dev.weft.stream.MemorySendStream;
import dev.weft.stream.MemoryStream;
import dev.weft.task.TaskGroup;
import java.util.concurrent.atomic.AtomicLong;

/** A producer and a consumer over a rendezvous stream, in one task group. */
public final class Pipeline {

  private Pipeline() {}

  /** Sends 1..n from one task to another; returns the sum the receiver saw. */
  public static long sumThroughAStream(int n) {
    MemoryStream<Integer> stream = MemoryStream.create(0);
    AtomicLong sum = new AtomicLong();
    TaskGroup.run(group -> {
      group.startSoon("producer", () -> {
        try (MemorySendStream<Integer> tx = stream.sendStream()) {
          for (int i = 1; i <= n; i++) {
            tx.send(i);
          }
        }
      });
      group.startSoon("consumer", () -> {
        try (MemoryReceiveStream<Integer> rx = stream.receiveStream()) {
          for (Integer item : rx) {
            sum.addAndGet(item);
          }
        }
      });
    });
    return sum.get();
  }
}
