package dev.weft.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks in one JMH run and prints, for each workload, Weft's score as a ratio of the
 * best baseline measured in the same run; writes the table to {@code
 * weft-benchmarks/target/benchmarks.md} and a chart to {@code docs/benchmarks-chart.svg}.
 *
 * <p>Argument: {@code short} (one fork, 2 warm-up and 3 measured iterations of 1 s: the CI-sized
 * run, under 10 minutes on 2 cores) or {@code long} (3 forks, 5 and 5 iterations of 2 s, with
 * JMH's GC profiler, so that the table also gives the bytes allocated per item).
 * A second argument, a regular expression, runs only the matching benchmarks.
 */
public final class BenchmarkReport {

  /** A channel workload: Weft's benchmark against its baselines, higher is better. */
  private record Channel(String workload, String weft, List<String> baselines, String target,
      double targetRatio) {}

  /** A runtime cost in ns/op; with a baseline, the ratio is baseline time over Weft time. */
  private record Cost(String workload, String weft, String baseline, String target,
      double targetNanos) {}

  private static final List<Channel> CHANNELS = List.of(
      new Channel("1P/1C rendezvous (buffer 0)", "OneToOneBenchmark.weft:0",
          List.of("OneToOneBenchmark.jdkQueue:0", "OneToOneBenchmark.jox:0",
              "OneToOneBenchmark.linkedTransferQueue:0"),
          ">= 1.2x the better of SynchronousQueue and jox", 1.2),
      new Channel("AnyIO 4.4.0 workload: rendezvous, receive in a shield",
          "ShieldedReceiverBenchmark.weft", List.of("OneToOneBenchmark.jox:0"),
          "(reference: jox without shields)", 0),
      new Channel("1P/1C buffer 1", "OneToOneBenchmark.weft:1",
          List.of("OneToOneBenchmark.jdkQueue:1", "OneToOneBenchmark.jox:1"), ">= 1.0x", 1.0),
      new Channel("1P/1C buffer 16", "OneToOneBenchmark.weft:16",
          List.of("OneToOneBenchmark.jdkQueue:16", "OneToOneBenchmark.jox:16"),
          ">= 1.0x ArrayBlockingQueue, ahead of jox", 1.0),
      new Channel("1P/1C buffer 1024", "OneToOneBenchmark.weft:1024",
          List.of("OneToOneBenchmark.jdkQueue:1024", "OneToOneBenchmark.jox:1024"),
          ">= 1.0x ArrayBlockingQueue, ahead of jox", 1.0),
      new Channel("1P/1C unbounded", "OneToOneBenchmark.weft:-1",
          List.of("OneToOneBenchmark.jdkQueue:-1", "OneToOneBenchmark.jox:-1",
              "OneToOneBenchmark.linkedTransferQueue:-1"), "(none)", 0),
      new Channel("4P/4C rendezvous (buffer 0)", "ManyToManyBenchmark.weft:0",
          List.of("ManyToManyBenchmark.jdkQueue:0", "ManyToManyBenchmark.jox:0"),
          ">= 1.0x jox", 1.0),
      new Channel("4P/4C buffer 16", "ManyToManyBenchmark.weft:16",
          List.of("ManyToManyBenchmark.jdkQueue:16", "ManyToManyBenchmark.jox:16"),
          ">= 1.0x ArrayBlockingQueue, ahead of jox", 1.0),
      new Channel("4P/4C buffer 1024", "ManyToManyBenchmark.weft:1024",
          List.of("ManyToManyBenchmark.jdkQueue:1024", "ManyToManyBenchmark.jox:1024"),
          ">= 1.0x ArrayBlockingQueue, ahead of jox", 1.0),
      new Channel("select over 2 rendezvous streams, 2P/1C", "SelectBenchmark.weft:0",
          List.of("SelectBenchmark.jox:0"), ">= 1.0x jox's select (issue 14)", 1.0),
      new Channel("select over 2 streams of buffer 16, 2P/1C", "SelectBenchmark.weft:16",
          List.of("SelectBenchmark.jox:16"), ">= 1.0x jox's select (issue 14)", 1.0),
      new Channel("pipeline, 4 stages of buffer 16", "PipelineBenchmark.weft",
          List.of("PipelineBenchmark.jdkQueue", "PipelineBenchmark.jox"), "(none)", 0),
      new Channel("1P/1C buffer 16, platform threads", "PlatformThreadsBenchmark.weft",
          List.of("PlatformThreadsBenchmark.jdkQueue"), "(reference)", 0),
      new Channel("lock, 4 tasks contending, vs fair", "SyncBenchmark.weftLock",
          List.of("SyncBenchmark.fairReentrantLock"), "(none)", 0),
      new Channel("lock, 4 tasks contending, vs unfair", "SyncBenchmark.weftLock",
          List.of("SyncBenchmark.reentrantLock"), "(none; Weft's lock is fair)", 0),
      new Channel("worker call round trip (Workers.run)", "BridgeBenchmark.workerCallFromATask",
          List.of("BridgeBenchmark.fixedPoolFromAVirtualThread"),
          ">= 0.8x ExecutorService.submit().get()", 0.8),
      new Channel("portal call from a platform thread", "BridgeBenchmark.portalCallFromAPlatformThread",
          List.of("BridgeBenchmark.supplyAsyncOnVirtualThreads"),
          ">= 0.8x supplyAsync(virtual threads).get()", 0.8),
      new Channel("semaphore(2), 4 tasks, vs fair", "SyncBenchmark.weftSemaphore",
          List.of("SyncBenchmark.fairJdkSemaphore"), "(none)", 0),
      new Channel("semaphore(2), 4 tasks, vs unfair", "SyncBenchmark.weftSemaphore",
          List.of("SyncBenchmark.jdkSemaphore"), "(none; Weft's semaphore is fair)", 0));

  /** A workload run on one carrier and on two: the second should make it faster. */
  private record Scaling(String workload, String oneCarrier, String twoCarriers) {}

  private static final List<Scaling> SCALING = List.of(
      new Scaling("cancel scope enter+exit, 2 tasks", "ScalingBenchmark.scopes1Carrier",
          "ScalingBenchmark.scopes2Carriers"),
      new Scaling("deadline scope enter+exit, 2 tasks", "ScalingBenchmark.deadlineScopes1Carrier",
          "ScalingBenchmark.deadlineScopes2Carriers"),
      new Scaling("spawn+join of 100 children, 2 spawners", "ScalingBenchmark.spawnJoin1Carrier",
          "ScalingBenchmark.spawnJoin2Carriers"),
      new Scaling("(baseline) raw virtual threads, start+join, 2 spawners",
          "ScalingBenchmark.rawSpawnJoin1Carrier", "ScalingBenchmark.rawSpawnJoin2Carriers"));

  private static final List<Cost> COSTS = List.of(
      new Cost("checkpoint(), not cancelled", "RuntimeBenchmark.checkpoint", null, "<= 10 ns", 10),
      new Cost("cancel scope enter+exit", "RuntimeBenchmark.cancelScopeEnterExit", null,
          "<= 100 ns", 100),
      new Cost("cancel scope with deadline enter+exit",
          "RuntimeBenchmark.cancelScopeWithDeadlineEnterExit", null, "<= 300 ns", 300),
      new Cost("moveOnAfter that does not fire", "RuntimeBenchmark.moveOnAfterThatDoesNotFire",
          null, "<= 300 ns", 300),
      new Cost("task group spawn+join, per child", "RuntimeBenchmark.taskGroupSpawnAndJoin",
          "RuntimeBenchmark.rawVirtualThreadsStartAndJoinFromAVirtualThread",
          "<= 1.5x raw virtual thread", 0),
      new Cost("(same, against raw threads started from a platform thread)",
          "RuntimeBenchmark.taskGroupSpawnAndJoin", "RuntimeBenchmark.rawVirtualThreadsStartAndJoin",
          "<= 1.5x raw virtual thread", 0));

  private BenchmarkReport() {}

  public static void main(String[] args) throws RunnerException, IOException {
    String profile = args.length > 0 ? args[0] : "short";
    String include = args.length > 1 ? args[1] : "dev\\.weft\\.benchmarks\\..*Benchmark.*";
    ChainedOptionsBuilder options = new OptionsBuilder().include(include).shouldFailOnError(true);
    if (profile.equals("long")) {
      options.forks(3).warmupIterations(5).warmupTime(TimeValue.seconds(2))
          .measurementIterations(5).measurementTime(TimeValue.seconds(2))
          .addProfiler(GCProfiler.class);
    } else {
      options.forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(1))
          .measurementIterations(3).measurementTime(TimeValue.seconds(1));
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    Map<String, double[]> scores = new LinkedHashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark().replaceFirst(".*\\.(\\w+\\.\\w+)$", "$1");
      String buffer = r.getParams().getParam("buffer");
      String key = buffer == null ? name : name + ":" + buffer;
      scores.put(key,
          new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
      var parks = r.getSecondaryResults().get("parks");
      if (parks != null) {
        scores.put(key + "#parks", new double[] {parks.getScore(), parks.getScoreError()});
      }
      var alloc = r.getSecondaryResults().get("gc.alloc.rate.norm"); // bytes per op (item)
      if (alloc != null) {
        scores.put(key + "#alloc", new double[] {alloc.getScore(), alloc.getScoreError()});
      }
    }
    String table = table(profile, scores);
    System.out.println();
    System.out.println(table);
    Path out = Path.of("target", "benchmarks.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
    Path chart = Path.of("..", "docs", "benchmarks-chart.svg");
    if (Files.isDirectory(chart.getParent())) {
      Files.writeString(chart, chart(scores));
      System.out.println("chart written to " + chart.toAbsolutePath().normalize());
    }
  }

  private static String table(String profile, Map<String, double[]> scores) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Profile %s; JDK %s; %d processors; %s %s%n%n", profile,
        Runtime.version(), Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"), System.getProperty("os.arch")));
    sb.append("| workload | Weft (M ops/s) | best baseline (M ops/s) | Weft / best |"
        + " every baseline (M ops/s) | Weft parks per item | bytes per item: Weft; best baseline |"
        + " target |\n"
        + "|---|---|---|---|---|---|---|---|\n");
    for (Channel c : CHANNELS) {
      double[] weft = scores.get(c.weft());
      if (weft == null) {
        continue;
      }
      String best = null;
      List<String> all = new ArrayList<>();
      for (String b : c.baselines()) {
        double[] s = scores.get(b);
        if (s != null) {
          all.add(String.format(Locale.ROOT, "%s %.2f", label(b), s[0] / 1e6));
          if (best == null || s[0] > scores.get(best)[0]) {
            best = b;
          }
        }
      }
      double ratio = best == null ? Double.NaN : weft[0] / scores.get(best)[0];
      double[] parks = scores.get(c.weft() + "#parks");
      double[] weftAlloc = scores.get(c.weft() + "#alloc");
      double[] bestAlloc = best == null ? null : scores.get(best + "#alloc");
      String alloc = weftAlloc == null ? "-" : String.format(Locale.ROOT, "%.1f; %s", weftAlloc[0],
          bestAlloc == null ? "-" : String.format(Locale.ROOT, "%.1f", bestAlloc[0]));
      sb.append(String.format(Locale.ROOT,
          "| %s | %.2f ± %.2f | %s %.2f | **%.2fx** | %s | %s | %s | %s |%n",
          c.workload(), weft[0] / 1e6, weft[1] / 1e6, best == null ? "-" : label(best),
          best == null ? Double.NaN : scores.get(best)[0] / 1e6, ratio, String.join(", ", all),
          parks == null ? "-" : String.format(Locale.ROOT, "%.3f", parks[0] / weft[0]), alloc,
          c.target()));
    }
    sb.append("\n| scaling (M ops/s) | 1 carrier | 2 carriers | 2 / 1 | target |\n"
        + "|---|---|---|---|---|\n");
    for (Scaling c : SCALING) {
      double[] one = scores.get(c.oneCarrier());
      double[] two = scores.get(c.twoCarriers());
      if (one == null || two == null) {
        continue;
      }
      sb.append(String.format(Locale.ROOT, "| %s | %.2f ± %.2f | %.2f ± %.2f | **%.2fx** | %s |%n",
          c.workload(), one[0] / 1e6, one[1] / 1e6, two[0] / 1e6, two[1] / 1e6, two[0] / one[0],
          c.workload().startsWith("(baseline)") ? "-" : ">= 1.6x"));
    }
    sb.append("\n| runtime cost | Weft (ns/op) | baseline (ns/op) | baseline / Weft | target |\n"
        + "|---|---|---|---|---|\n");
    for (Cost c : COSTS) {
      double[] weft = scores.get(c.weft());
      if (weft == null) {
        continue;
      }
      double[] base = c.baseline() == null ? null : scores.get(c.baseline());
      sb.append(String.format(Locale.ROOT, "| %s | %.1f ± %.1f | %s | %s | %s |%n", c.workload(),
          weft[0], weft[1],
          base == null ? "-" : String.format(Locale.ROOT, "%s %.1f", label(c.baseline()), base[0]),
          base == null ? "-" : String.format(Locale.ROOT, "**%.2fx**", base[0] / weft[0]),
          c.target()));
    }
    return sb.toString();
  }

  private static String label(String benchmark) {
    String method = benchmark.replaceFirst("^\\w+\\.", "").replaceFirst(":.*", "");
    String buffer = benchmark.contains(":") ? benchmark.replaceFirst(".*:", "") : "16";
    return switch (method) {
      case "jdkQueue" -> buffer.equals("0") ? "SynchronousQueue"
          : buffer.equals("-1") ? "LinkedBlockingQueue" : "ArrayBlockingQueue";
      case "linkedTransferQueue" -> buffer.equals("0") ? "LinkedTransferQueue.transfer"
          : "LinkedTransferQueue";
      case "jox" -> "jox";
      case "rawVirtualThreadsStartAndJoin" -> "virtual thread";
      case "reentrantLock" -> "ReentrantLock";
      case "fairReentrantLock" -> "fair ReentrantLock";
      case "jdkSemaphore" -> "j.u.c.Semaphore";
      case "fairJdkSemaphore" -> "fair j.u.c.Semaphore";
      default -> method;
    };
  }

  /** A bar per channel workload: Weft's throughput over the best baseline's. */
  private static String chart(Map<String, double[]> scores) {
    List<String[]> bars = new ArrayList<>();
    for (Channel c : CHANNELS) {
      double[] weft = scores.get(c.weft());
      double best = 0;
      for (String b : c.baselines()) {
        double[] s = scores.get(b);
        if (s != null) {
          best = Math.max(best, s[0]);
        }
      }
      if (weft != null && best > 0) {
        bars.add(new String[] {c.workload(), Double.toString(weft[0] / best)});
      }
    }
    int rowHeight = 28;
    int left = 260;
    int width = 760;
    double max = 2.0;
    for (String[] b : bars) {
      max = Math.max(max, Double.parseDouble(b[1]) * 1.1);
    }
    int height = 60 + rowHeight * bars.size();
    double scale = (width - left - 40) / max;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
        + " height=\"%d\" font-family=\"sans-serif\" font-size=\"13\">%n", width, height));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-weight=\"bold\">Weft"
        + " throughput / best baseline in the same JMH run (higher is better)</text>%n", 10));
    double one = left + scale;
    svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"30\" x2=\"%.1f\" y2=\"%d\""
        + " stroke=\"#444\" stroke-dasharray=\"4,3\"/>%n", one, one, height - 10));
    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#444\">1.0x</text>%n",
        one + 3, height - 12));
    int y = 40;
    for (String[] b : bars) {
      double ratio = Double.parseDouble(b[1]);
      String color = ratio >= 1.0 ? "#2e7d32" : "#c62828";
      svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>%n", y + 15,
          b[0]));
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"18\""
          + " fill=\"%s\"/>%n", left, y + 2, ratio * scale, color));
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.2fx</text>%n",
          left + ratio * scale + 5, y + 15, ratio));
      y += rowHeight;
    }
    return svg.append("</svg>\n").toString();
  }
}
