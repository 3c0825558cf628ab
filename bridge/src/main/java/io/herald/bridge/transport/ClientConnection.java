package io.herald.bridge.transport;

import io.herald.bridge.auth.Identity;
import io.herald.bridge.fanout.Subscriber;
import java.util.Set;

/** One client socket of any transport. */
public interface ClientConnection extends Subscriber {

  /** Unique among this node's connections. */
  String id();

  /** {@code sse}, {@code websocket} or {@code sockjs}. */
  String transport();

  Identity identity();

  /** The addresses this connection currently receives. */
  Set<String> subscriptions();

  /**
   * Called every second by the bridge's one timer: enforce token expiry and the idle timeout, send
   * keep-alives once per heartbeat interval.
   */
  void tick(long now);

  /**
   * Ends the connection and releases everything it holds (subscriptions, queue, registration).
   * Idempotent: the first reason wins.
   */
  void close(CloseReason reason);

  boolean isClosed();
}
