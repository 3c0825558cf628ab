package io.herald.bridge.metrics;

/** Why an event did not reach a connection that was subscribed to its address. */
public enum DropReason {
  /** A bus message the hub could not read as an event (a foreign publisher's bad headers). */
  UNDECODABLE("undecodable"),
  /** A position the address's gate had already let through (a re-sent publish around a member change). */
  DUPLICATE("duplicate"),
  /** Missing positions that neither the bus nor history could supply in time: the gate went on without them. */
  GAP("gap"),
  /** A position beyond history's head: a publisher set the position header itself. */
  BEYOND_HEAD("beyond-head"),
  /** A position of an epoch that is not history's: published late from a history that was lost, or re-published by a service. */
  STALE_EPOCH("stale-epoch"),
  /** Frames waiting for a client that could not keep up, discarded when its queue overflowed (it resumes on reconnect). */
  SLOW_CONSUMER("slow-consumer");

  private final String code;

  DropReason(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
