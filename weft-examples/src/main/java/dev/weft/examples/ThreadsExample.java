package dev.weft.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.weft.BlockingPortal;
import dev.weft.Weft;
import dev.weft.Workers;
import dev.weft.cancel.CancelScope;
import dev.weft.stream.MemoryReceiveStream;
import dev.weft.stream.MemorySendStream;
import dev.weft.stream.MemoryStream;
import dev.weft.sync.CapacityLimiter;
import dev.weft.task.TaskGroup;
import dev.weft.task.TaskInfo;
import dev.weft.time.Timeouts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Part 4 of the demo: Weft meets threads it did not start. An HTTP server's handler threads (plain
 * platform threads, as in a servlet container) call into one Weft run through a {@link
 * BlockingPortal}, each request with its own deadline; and a CPU-bound map runs its calls on worker
 * threads under a limiter while the tasks that feed it stay cancellable.
 */
final class ThreadsExample {

  private ThreadsExample() {}

  static void run() throws IOException, InterruptedException {
    httpServerThroughAPortal();
    squaresOnWorkerThreads();
  }

  private static void httpServerThroughAPortal() throws IOException, InterruptedException {
    ExecutorService handlerThreads = Executors.newFixedThreadPool(4);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(handlerThreads);
    try (BlockingPortal portal = BlockingPortal.start();
        HttpClient client = HttpClient.newHttpClient()) {
      server.createContext("/", exchange -> {
        String path = exchange.getRequestURI().getPath();
        // The handler thread blocks here while the request runs as a task of the portal's run.
        String reply = portal.call(() -> handle(path));
        respond(exchange, reply);
      });
      server.start();
      for (String path : List.of("/hello", "/slow")) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + server.getAddress().getPort() + path)).build();
        String body = client.send(request, HttpResponse.BodyHandlers.ofString()).body();
        System.out.printf("[http] GET %-6s -> %s%n", path, body);
      }
      server.stop(0);
      portal.closeCancellingRunning(); // the server stopped: nothing of its requests runs on
    } finally {
      handlerThreads.shutdown();
    }
  }

  /** A request, as a Weft task: each gets a 100 ms deadline of its own. */
  private static String handle(String path) {
    String[] reply = new String[1];
    CancelScope deadline = Timeouts.moveOnAfter(Duration.ofMillis(100), () -> {
      if (path.equals("/slow")) {
        Weft.sleep(Duration.ofSeconds(10));
      }
      reply[0] = "hello from " + TaskInfo.current().name();
    });
    return deadline.cancelledCaught() ? "gave up at its 100 ms deadline" : reply[0];
  }

  private static void respond(HttpExchange exchange, String reply) throws IOException {
    byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Four tasks square the numbers of a stream on worker threads, at most two calls at once. */
  private static void squaresOnWorkerThreads() {
    CapacityLimiter twoAtOnce = CapacityLimiter.create(2);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicLong sum = new AtomicLong();
    Weft.run(() -> {
      MemoryStream<Integer> numbers = MemoryStream.create(16);
      TaskGroup.run(group -> {
        group.startSoon("producer", () -> {
          try (MemorySendStream<Integer> tx = numbers.sendStream()) {
            for (int n = 1; n <= 8; n++) {
              tx.send(n);
            }
          }
        });
        try (MemoryReceiveStream<Integer> rx = numbers.receiveStream()) {
          for (int i = 0; i < 4; i++) {
            MemoryReceiveStream<Integer> mine = rx.clone();
            group.startSoon("squarer-" + i, () -> {
              try (mine) {
                for (int n : mine) {
                  sum.addAndGet(Workers.run(twoAtOnce, () -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    Thread.sleep(20); // blocking work: fine on a worker thread
                    running.decrementAndGet();
                    return (long) n * n;
                  }));
                }
              }
            });
          }
        }
      });
      return null;
    });
    System.out.printf("[workers] squares of 1..8 on worker threads: sum %d, at most %d at once%n",
        sum.get(), most.get());
  }
}
