package io.herald.bridge.history;

/** An event on its way into history: what an append stores, before the store gives it a position. */
public record NewEvent(String type, long ts, String dataJson) {}
