package io.herald.verticles;

import java.util.logging.LogManager;

/**
 * The JVM's log manager, except that it keeps its handlers during the JVM's shutdown until Herald's
 * own shutdown hook is done. java.util.logging closes its handlers in a shutdown hook of its own,
 * which runs alongside Herald's: without this, the lines that say how the drain went would be lost.
 * Installed by {@link Logging#configure()} through {@code java.util.logging.manager}.
 */
public final class ShutdownLogManager extends LogManager {

  private volatile boolean holding;

  /** From now on a reset (the JVM's shutdown hook) waits for {@link #release()}. */
  static void hold() {
    if (LogManager.getLogManager() instanceof ShutdownLogManager manager) {
      manager.holding = true;
    }
  }

  /** Flushes and closes the handlers, as the reset that was held back would have. */
  static void release() {
    if (LogManager.getLogManager() instanceof ShutdownLogManager manager) {
      manager.holding = false;
      manager.reset();
    }
  }

  @Override
  public void reset() {
    if (!holding) {
      super.reset();
    }
  }
}
