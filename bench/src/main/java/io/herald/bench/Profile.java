package io.herald.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Summarises a JFR recording's {@code jdk.ExecutionSample} events into the hottest methods: by
 * self time (the top frame of each sample) and by total time (any frame of the sample).
 * Usage: {@code java -cp herald-bench.jar io.herald.bench.Profile recording.jfr [top]}.
 */
public final class Profile {

  private Profile() {
  }

  public static void main(String[] args) throws Exception {
    System.out.print(summarise(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 25));
  }

  static String summarise(Path recording, int top) throws Exception {
    Process p = new ProcessBuilder("jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", recording.toString())
        .redirectErrorStream(true).start();
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> total = new HashMap<>();
    int samples = 0;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      boolean inStack = false;
      boolean first = false;
      Set<String> seen = new HashSet<>();
      while ((line = in.readLine()) != null) {
        String t = line.trim();
        if (t.startsWith("stackTrace = [")) {
          inStack = true;
          first = true;
          seen.clear();
          samples++;
          continue;
        }
        if (!inStack) {
          continue;
        }
        if (t.startsWith("]") || t.equals("...")) {
          inStack = t.equals("...");
          if (t.startsWith("]")) {
            inStack = false;
          }
          continue;
        }
        String method = t.replaceAll("\\s+line:.*$", "");
        if (first) {
          self.merge(method, 1, Integer::sum);
          first = false;
        }
        if (seen.add(method)) {
          total.merge(method, 1, Integer::sum);
        }
      }
    }
    p.waitFor();
    StringBuilder out = new StringBuilder();
    out.append("JFR execution samples: ").append(samples).append(" (").append(recording.getFileName()).append(")\n\n");
    out.append("Top methods by self samples (top frame):\n");
    append(out, self, samples, top);
    out.append("\nTop methods by total samples (anywhere on the stack):\n");
    append(out, total, samples, top);
    return out.toString();
  }

  private static void append(StringBuilder out, Map<String, Integer> counts, int samples, int top) {
    Map<String, Integer> sorted = counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    sorted.forEach((m, c) -> out.append(String.format("%6.1f%%  %6d  %s%n", 100.0 * c / Math.max(1, samples), c, m)));
  }
}
