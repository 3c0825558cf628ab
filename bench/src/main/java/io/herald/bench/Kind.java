package io.herald.bench;

/** A server and transport a subscriber connects with. */
enum Kind {
  HERALD_SSE("herald-sse", true),
  HERALD_WS("herald-ws", true),
  HERALD_SOCKJS("herald-sockjs", true),
  NCHAN_SSE("nchan-sse", false),
  NCHAN_WS("nchan-ws", false);

  final String label;
  final boolean herald;

  Kind(String label, boolean herald) {
    this.label = label;
    this.herald = herald;
  }

  static Kind of(String label) {
    for (Kind k : values()) {
      if (k.label.equals(label)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown kind " + label + " (herald-sse, herald-ws, herald-sockjs, nchan-sse, nchan-ws)");
  }

  boolean sse() {
    return this == HERALD_SSE || this == NCHAN_SSE;
  }

  /** What the stream says once the subscription is in place; {@code null}: subscribed once connected. */
  byte[] readyMarker() {
    return switch (this) {
      case HERALD_SSE -> EventScanner.bytes("event: connected");
      case HERALD_WS, HERALD_SOCKJS -> EventScanner.bytes("\"op\":\"register\"");
      default -> null;
    };
  }
}
