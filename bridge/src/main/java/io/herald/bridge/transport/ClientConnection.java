package io.herald.bridge.transport;

import io.herald.bridge.auth.Identity;
import io.herald.bridge.fanout.Subscriber;
import java.util.Set;

/** One client socket of any transport. */
public interface ClientConnection extends Subscriber {

  /** Unique across the cluster; names the node that holds the connection ({@code connection.<id>} routes by it). */
  String id();

  /** {@code sse}, {@code websocket} or {@code sockjs}. */
  String transport();

  Identity identity();

  /** The addresses this connection currently receives. */
  Set<String> subscriptions();

  /**
   * Joins a server-managed group: the connection receives {@code group.<g>} until it leaves or
   * closes. The server decides, so no rule is checked here; a client asking for itself is checked
   * by its transport.
   */
  io.vertx.core.Future<Void> joinGroup(String group);

  /** @return whether the connection was in the group */
  boolean leaveGroup(String group);

  /** The server-managed groups this connection is in. */
  Set<String> groups();

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

  /** Frames waiting for the socket to drain. */
  int queued();
}
