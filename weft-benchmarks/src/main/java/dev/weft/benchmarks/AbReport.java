package dev.weft.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares two builds of weft-core on the same benchmarks, in interleaved batches (A, B, A, B, ...),
 * so that both see the same phases of a noisy machine. Each batch is one JMH run in a child JVM
 * whose class path has that build's weft-core instead of this one's; the report gives every fork's
 * mean and, per benchmark and build, the median of the fork means.
 *
 * <p>Used by {@code scripts/ab-bench}; arguments: {@code <weft-core A> <weft-core B> <batches per
 * build> <JMH arguments...>}. Why the forks and not the iterations: on a 2-core VM a fork settles
 * into one of a few modes (docs/benchmarks.md), so the fork is the unit of sampling.
 */
public final class AbReport {

  private static final Pattern BENCHMARK = Pattern.compile("^# Benchmark: (\\S+)");
  private static final Pattern PARAMS = Pattern.compile("^# Parameters: \\((.*)\\)");
  private static final Pattern ITERATION = Pattern.compile("^Iteration\\s+\\d+: ([0-9.]+) (\\S+)");

  private AbReport() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length < 4) {
      throw new IllegalArgumentException(
          "usage: AbReport <weft-core A> <weft-core B> <batches per build> <JMH arguments...>");
    }
    String[] builds = {args[0], args[1]};
    int batches = Integer.parseInt(args[2]);
    if (batches < 1) {
      throw new IllegalArgumentException("batches per build must be at least 1: " + batches);
    }
    List<String> jmhArgs = Arrays.asList(args).subList(3, args.length);
    String java = ProcessHandle.current().info().command().orElse("java");
    // results.get(benchmark).get(build) = fork means, in the order measured
    Map<String, List<List<Double>>> results = new LinkedHashMap<>();
    Map<String, String> units = new LinkedHashMap<>();
    for (int batch = 0; batch < batches; batch++) {
      for (int b = 0; b < 2; b++) {
        System.out.printf("batch %d of %d, build %s: %s%n", batch + 1, batches, b == 0 ? "A" : "B",
            builds[b]);
        List<String> command = new ArrayList<>(List.of(java, "-cp", classPathWith(builds[b]),
            "org.openjdk.jmh.Main"));
        command.addAll(jmhArgs);
        runBatch(command, b, results, units);
      }
    }
    System.out.println();
    System.out.println("| benchmark | A: median of fork means | B: median of fork means | B / A | A: forks | B: forks |");
    System.out.println("|---|---|---|---|---|---|");
    for (Map.Entry<String, List<List<Double>>> e : results.entrySet()) {
      List<Double> a = e.getValue().get(0);
      List<Double> b = e.getValue().get(1);
      double ma = median(a);
      double mb = median(b);
      System.out.printf("| %s (%s) | %s | %s | **%.2fx** | %s | %s |%n", e.getKey(),
          units.get(e.getKey()), format(ma), format(mb), mb / ma, list(a), list(b));
    }
  }

  /** This JVM's class path with its weft-core entry replaced by {@code build}. */
  private static String classPathWith(String build) {
    List<String> entries = new ArrayList<>();
    boolean replaced = false;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      boolean core = entry.replace('\\', '/').matches(".*/weft-core(/target/classes|-[^/]*\\.jar)");
      if (core) {
        replaced = true;
        entries.add(build);
      } else {
        entries.add(entry);
      }
    }
    if (!replaced) {
      throw new IllegalStateException("no weft-core entry in this class path to replace");
    }
    return String.join(File.pathSeparator, entries);
  }

  private static void runBatch(List<String> command, int build,
      Map<String, List<List<Double>>> results, Map<String, String> units)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String benchmark = null;
    List<Double> fork = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        Matcher m;
        if ((m = BENCHMARK.matcher(line)).find()) {
          record(benchmark, build, fork, results); // the last fork of the previous benchmark
          fork = new ArrayList<>();
          benchmark = m.group(1).replaceFirst("^dev\\.weft\\.benchmarks\\.", "");
        } else if ((m = PARAMS.matcher(line)).find() && benchmark != null) {
          benchmark = benchmark + " (" + m.group(1) + ")";
        } else if (line.startsWith("# Fork:") || line.startsWith("# Run complete")) {
          record(benchmark, build, fork, results);
          fork = new ArrayList<>();
        } else if ((m = ITERATION.matcher(line)).find()) { // measured only: warm-up lines differ
          fork.add(Double.parseDouble(m.group(1)));
          units.put(benchmark, m.group(2));
        }
      }
    }
    record(benchmark, build, fork, results);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("JMH failed (exit " + process.exitValue() + "): " + command);
    }
  }

  private static void record(String benchmark, int build, List<Double> fork,
      Map<String, List<List<Double>>> results) {
    if (benchmark == null || fork.isEmpty()) {
      return;
    }
    double mean = fork.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    results.computeIfAbsent(benchmark, k -> List.of(new ArrayList<>(), new ArrayList<>()))
        .get(build).add(mean);
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String list(List<Double> values) {
    List<String> parts = new ArrayList<>();
    for (double v : values) {
      parts.add(format(v));
    }
    return String.join(" ", parts);
  }

  private static String format(double v) {
    return Math.abs(v) >= 1e5 ? String.format("%.2fM", v / 1e6) : String.format("%.2f", v);
  }
}
