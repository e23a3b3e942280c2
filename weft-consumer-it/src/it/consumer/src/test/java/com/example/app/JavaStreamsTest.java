package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.junit.WeftTest;
import dev.weft.stream.MemoryReceiveStream;
import dev.weft.stream.MemorySendStream;
import dev.weft.stream.MemoryStream;
import dev.weft.task.TaskGroup;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

/** A user's receive streams consumed as a java.util.stream.Stream and as a Flow.Publisher. */
class JavaStreamsTest {

  @WeftTest
  void aReceiveStream_isAJavaStream() {
    MemoryStream<Integer> numbers = MemoryStream.unbounded();
    try (MemorySendStream<Integer> tx = numbers.sendStream()) {
      for (int i = 1; i <= 4; i++) {
        tx.send(i);
      }
    }

    int sum;
    try (Stream<Integer> items = numbers.receiveStream().stream()) {
      sum = items.mapToInt(Integer::intValue).sum();
    }

    assertEquals(10, sum);
  }

  @WeftTest
  void aReceiveStream_isAFlowPublisher_thatRespectsDemand() {
    MemoryStream<String> words = MemoryStream.create(0);
    List<String> seen = new CopyOnWriteArrayList<>();

    TaskGroup.run(group -> {
      MemorySendStream<String> tx = words.sendStream();
      group.startSoon(() -> {
        try (tx) {
          tx.send("reactive");
          tx.send("streams");
        }
      });
      MemoryReceiveStream<String> rx = words.receiveStream();
      rx.publisher(group).subscribe(new Flow.Subscriber<>() {
        private Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription s) {
          subscription = s;
          s.request(1);
        }

        @Override
        public void onNext(String item) {
          seen.add(item);
          subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
          seen.add("error " + t);
        }

        @Override
        public void onComplete() {
          seen.add("done");
        }
      });
    });

    assertEquals(List.of("reactive", "streams", "done"), seen);
  }
}
