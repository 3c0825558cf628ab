package io.herald.verticles.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One {@code GET /metrics} answer, read as Prometheus reads it: samples by name and labels. */
final class Scrape {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");

  private record Sample(String name, String labels, double value) {}

  private final String text;
  private final List<Sample> samples = new ArrayList<>();

  Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("not a Prometheus sample line: " + line);
      }
      samples.add(new Sample(m.group(1), m.group(3) == null ? "" : m.group(3), Double.parseDouble(m.group(4))));
    }
  }

  /** The sum of the samples of that name whose labels include every {@code key="value"} given, 0 when there is none. */
  double value(String name, String... labels) {
    double sum = 0;
    for (Sample sample : samples) {
      if (sample.name().equals(name) && hasAll(sample.labels(), labels)) {
        sum += sample.value();
      }
    }
    return sum;
  }

  /** Whether any sample has that name. */
  boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  /** The change of a sample since an earlier scrape. */
  double delta(Scrape before, String name, String... labels) {
    return value(name, labels) - before.value(name, labels);
  }

  private static boolean hasAll(String sampleLabels, String... wanted) {
    for (int i = 0; i < wanted.length; i += 2) {
      if (!("," + sampleLabels + ",").contains("," + wanted[i] + "=\"" + wanted[i + 1] + "\",")) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return text;
  }
}
