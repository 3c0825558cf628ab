package io.herald.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's DAMON threads ({@code kdamond.N}), whose CPU each measured step records.
 *
 * <p>Why: on this VM DAMON runs a proactive-reclaim scheme over all physical memory, with a time
 * quota of 50 ms a second. While the benchmark's processes hold their heaps, kdamond can spend
 * that quota in bursts of 50-60 ms, and the kernel runs {@code PREEMPT_NONE}, so nothing else
 * runs on its core meanwhile: the events of those milliseconds wait. A step's p99 under 20 ms
 * cannot be read without knowing how much of the step kdamond took (a {@code perf sched} trace of
 * W4: bench/results/kdamond-20261125-013417.md). A machine without DAMON records nothing.
 */
final class KernelReclaim {

  private final List<Long> pids;

  private KernelReclaim(List<Long> pids) {
    this.pids = pids;
  }

  /** The kdamond threads running now; none on a machine without DAMON. */
  static KernelReclaim find() {
    List<Long> found = new ArrayList<>();
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path proc : (Iterable<Path>) procs::iterator) {
        String name = proc.getFileName().toString();
        if (name.chars().allMatch(Character::isDigit) && comm(proc).startsWith("kdamond")) {
          found.add(Long.parseLong(name));
        }
      }
    } catch (IOException e) {
      // No /proc: nothing to record.
    }
    return new KernelReclaim(found);
  }

  private static String comm(Path proc) {
    try {
      return Files.readString(proc.resolve("comm")).trim();
    } catch (IOException e) {
      return "";
    }
  }

  boolean present() {
    return !pids.isEmpty();
  }

  /** CPU the kdamond threads have used since they started, in clock ticks. */
  long cpuTicks() {
    long sum = 0;
    for (long pid : pids) {
      sum += Procs.cpuTicks(pid);
    }
    return sum;
  }
}
