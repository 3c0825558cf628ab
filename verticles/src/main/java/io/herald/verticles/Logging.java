package io.herald.verticles;

/** One-line log records through java.util.logging, which Vert.x, Hazelcast and Herald all write to. */
final class Logging {

  private Logging() {}

  /** Every record as one JSON object per line, for log shippers: from now on, on every handler of the root logger. */
  static void useJson() {
    java.util.logging.Logger root = java.util.logging.LogManager.getLogManager().getLogger("");
    for (java.util.logging.Handler handler : root.getHandlers()) {
      handler.setFormatter(new JsonLogFormatter());
    }
  }

  /** Call before anything logs: the log manager is chosen once, when java.util.logging first starts. */
  static void configure() {
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", ShutdownLogManager.class.getName());
    }
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
    }
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "jdk");
    }
  }
}
