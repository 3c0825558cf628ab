package io.herald.verticles.ready;

/** What one readiness check says. */
public enum CheckState {
  UP,
  DOWN,
  /** The node is stopping on purpose: not ready, and it will not be again. */
  DRAINING
}
