package io.herald.bridge.history;

/** One event as history keeps it: enough to deliver it again exactly as it went out live. */
public record StoredEvent(long seq, String type, long ts, String dataJson) {}
