package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.junit.WeftTest;
import dev.weft.stream.MemoryReceiveStream;
import dev.weft.stream.MemorySendStream;
import dev.weft.stream.MemoryStream;
import dev.weft.stream.Select;
import dev.weft.stream.SelectClause;
import dev.weft.task.TaskGroup;
import java.util.ArrayList;
import java.util.List;

/** A user's merge of two streams with a select. */
class SelectTest {

  @WeftTest
  void aSelectMergesTwoStreams_untilBothEnd() {
    MemoryStream<String> orders = MemoryStream.<String>create(0).named("orders");
    MemoryStream<Integer> cancels = MemoryStream.<Integer>create(0).named("cancels");
    List<String> seen = new ArrayList<>();

    TaskGroup.run(group -> {
      MemorySendStream<String> orderTx = orders.sendStream();
      group.startSoon(() -> {
        try (orderTx) {
          orderTx.send("book");
          orderTx.send("pen");
        }
      });
      MemorySendStream<Integer> cancelTx = cancels.sendStream();
      group.startSoon(() -> {
        try (cancelTx) {
          cancelTx.send(7);
        }
      });
      try (MemoryReceiveStream<String> o = orders.receiveStream();
          MemoryReceiveStream<Integer> c = cancels.receiveStream()) {
        boolean ordersOpen = true;
        boolean cancelsOpen = true;
        while (ordersOpen || cancelsOpen) {
          List<SelectClause<String>> clauses = new ArrayList<>();
          if (ordersOpen) {
            clauses.add(o.onReceive(order -> "order " + order, () -> "orders ended"));
          }
          if (cancelsOpen) {
            clauses.add(c.onReceive(id -> "cancel " + id, () -> "cancels ended"));
          }
          String next = Select.select(clauses);
          ordersOpen &= !next.equals("orders ended");
          cancelsOpen &= !next.equals("cancels ended");
          seen.add(next);
        }
      }
    });

    seen.sort(null);
    assertEquals(List.of("cancel 7", "cancels ended", "order book", "order pen", "orders ended"),
        seen);
  }
}
