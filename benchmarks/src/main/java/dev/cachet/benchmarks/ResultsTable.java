package dev.cachet.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns JMH's JSON results ({@code -rf json}) into Markdown: one table per benchmark and parameter
 * set, one row per contender, with the median and the mean ± 99.9% error of the iterations, the
 * allocation per operation when {@code -prof gc} ran, and each contender's standing against
 * Cachet's memory and file stores.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.cachet.benchmarks.ResultsTable results.json [more.md
 * ...]}; Markdown files named after the JSON are appended as they are.
 */
public final class ResultsTable {
  /** The GC profiler's allocation per operation; older JMH versions prefix it with "·". */
  private static final List<String> ALLOC = List.of("gc.alloc.rate.norm", "·gc.alloc.rate.norm");

  private ResultsTable() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: ResultsTable results.json... [appendix.md ...]");
      System.exit(2);
    }
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> runs = new ArrayList<>();
    List<Path> appendices = new ArrayList<>();
    for (String arg : args) {
      Path file = Path.of(arg);
      if (arg.endsWith(".json")) {
        json.readTree(file.toFile()).forEach(runs::add);
      } else {
        appendices.add(file);
      }
    }
    StringBuilder md = new StringBuilder(render(runs));
    for (Path appendix : appendices) {
      md.append('\n').append(Files.readString(appendix));
    }
    System.out.print(md);
  }

  /** One result row. */
  record Row(
      String contender,
      double median,
      double mean,
      double error,
      String unit,
      boolean higherIsBetter,
      double allocPerOp) {}

  static String render(List<JsonNode> runs) {
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    for (JsonNode run : runs) {
      String benchmark = run.path("benchmark").asText();
      String shortName =
          benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
      Map<String, String> params = new TreeMap<>();
      String contender = "(none)";
      Iterator<Map.Entry<String, JsonNode>> it = run.path("params").properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("contender")) {
          contender = e.getValue().asText();
        } else {
          params.put(e.getKey(), e.getValue().asText());
        }
      }
      String mode = run.path("mode").asText();
      String heading = shortName;
      if (contender.equals("(none)")) {
        // No contenders (Cachet alone): one table per class, one row per method.
        contender = shortName.substring(shortName.indexOf('.') + 1);
        heading = shortName.substring(0, shortName.indexOf('.'));
      }
      String title =
          heading
              + " ("
              + mode
              + ", "
              + run.path("threads").asInt()
              + (run.path("threads").asInt() == 1 ? " thread" : " threads")
              + (params.isEmpty() ? "" : ", " + params.toString().replaceAll("[{}]", ""))
              + ")";
      JsonNode metric = run.path("primaryMetric");
      JsonNode alloc = MissingNode.getInstance();
      for (String name : ALLOC) {
        if (run.path("secondaryMetrics").has(name)) {
          alloc = run.path("secondaryMetrics").path(name);
        }
      }
      groups
          .computeIfAbsent(title, t -> new ArrayList<>())
          .add(
              new Row(
                  contender,
                  number(metric.path("scorePercentiles").path("50.0")),
                  number(metric.path("score")),
                  number(metric.path("scoreError")),
                  metric.path("scoreUnit").asText(),
                  mode.equals("thrpt"),
                  alloc.isMissingNode() ? Double.NaN : number(alloc.path("score"))));
    }
    StringBuilder md = new StringBuilder();
    groups.forEach((title, rows) -> md.append(table(title, rows)).append('\n'));
    return md.toString();
  }

  private static String table(String title, List<Row> rows) {
    rows.sort(Comparator.comparingInt(r -> order(r.contender())));
    Row memory = find(rows, Contenders.CACHET_MEMORY);
    Row file = find(rows, Contenders.CACHET_FILE);
    boolean alloc = rows.stream().anyMatch(r -> !Double.isNaN(r.allocPerOp()));
    StringBuilder md = new StringBuilder();
    md.append("#### ").append(title).append("\n\n");
    md.append("| contender | median | mean ± error (99.9%) | unit |");
    if (alloc) {
      md.append(" alloc B/op |");
    }
    boolean compare = memory != null || file != null;
    if (compare) {
      md.append(" cachet-memory is × faster | cachet-file is × faster |");
    }
    md.append("\n|---|---:|---:|---|");
    if (alloc) {
      md.append("---:|");
    }
    md.append(compare ? "---:|---:|\n" : "\n");
    for (Row r : rows) {
      md.append("| ")
          .append(r.contender())
          .append(" | ")
          .append(figure(r.median()))
          .append(" | ")
          .append(figure(r.mean()))
          .append(" ± ")
          .append(figure(r.error()))
          .append(" | ")
          .append(r.unit())
          .append(" |");
      if (alloc) {
        md.append(' ').append(figure(r.allocPerOp())).append(" |");
      }
      if (compare) {
        md.append(' ').append(advantage(memory, r)).append(" | ");
        md.append(advantage(file, r)).append(" |");
      }
      md.append('\n');
    }
    return md.toString();
  }

  /** How many times faster Cachet's row is than {@code r}: above 1, Cachet wins. */
  private static String advantage(Row cachet, Row r) {
    if (cachet == null || cachet == r) {
      return "–";
    }
    double ratio =
        cachet.higherIsBetter() ? cachet.median() / r.median() : r.median() / cachet.median();
    return Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2f", ratio) : "–";
  }

  private static Row find(List<Row> rows, String contender) {
    return rows.stream().filter(r -> r.contender().equals(contender)).findFirst().orElse(null);
  }

  private static int order(String contender) {
    int i = Contenders.ALL.indexOf(contender);
    return i < 0 ? Integer.MAX_VALUE : i;
  }

  private static double number(JsonNode n) {
    if (n.isNumber()) {
      return n.asDouble();
    }
    try {
      return Double.parseDouble(n.asText());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static String figure(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
