package io.herald.bridge;

import io.vertx.core.net.HostAndPort;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/** Limits and timings of a {@link HeraldBridge}. Setters validate, so a bad value fails where it is set. */
public final class BridgeOptions {

  public static final int DEFAULT_MAX_FRAME_SIZE = 64 * 1024;
  public static final int DEFAULT_MAX_BODY_SIZE = 1024 * 1024;
  public static final int DEFAULT_QUEUE_SIZE = 1024;
  public static final int DEFAULT_MAX_SUBSCRIPTIONS = 64;
  public static final int DEFAULT_MAX_EVENTS_PER_PUBLISH = 1000;
  public static final int DEFAULT_MAX_PENDING_REPLIES = 32;
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(15);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_SSE_RETRY = Duration.ofSeconds(2);

  private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
  private int maxBodySize = DEFAULT_MAX_BODY_SIZE;
  private int queueSize = DEFAULT_QUEUE_SIZE;
  private int maxSubscriptions = DEFAULT_MAX_SUBSCRIPTIONS;
  private int maxEventsPerPublish = DEFAULT_MAX_EVENTS_PER_PUBLISH;
  private int maxPendingReplies = DEFAULT_MAX_PENDING_REPLIES;
  private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
  private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
  private Duration replyTimeout = DEFAULT_REPLY_TIMEOUT;
  private Duration sseRetry = DEFAULT_SSE_RETRY;
  private String nodeAddress;
  private boolean userChannel = true;
  private Set<String> transports = ALL_TRANSPORTS;

  /** The transports a bridge can serve. */
  public static final Set<String> ALL_TRANSPORTS = Set.of("websocket", "sse", "sockjs");

  public BridgeOptions() {}

  public BridgeOptions(BridgeOptions other) {
    this.maxFrameSize = other.maxFrameSize;
    this.maxBodySize = other.maxBodySize;
    this.queueSize = other.queueSize;
    this.maxSubscriptions = other.maxSubscriptions;
    this.maxEventsPerPublish = other.maxEventsPerPublish;
    this.maxPendingReplies = other.maxPendingReplies;
    this.heartbeatInterval = other.heartbeatInterval;
    this.idleTimeout = other.idleTimeout;
    this.replyTimeout = other.replyTimeout;
    this.sseRetry = other.sseRetry;
    this.nodeAddress = other.nodeAddress;
    this.userChannel = other.userChannel;
    this.transports = other.transports;
  }

  /**
   * The transports served ({@code websocket}, {@code sse}, {@code sockjs}); all by default. Without
   * {@code websocket} every WebSocket upgrade is refused, raw and SockJS's, as a proxy that breaks
   * WebSockets would: SockJS clients then take its HTTP fallbacks.
   */
  public Set<String> getTransports() {
    return transports;
  }

  public BridgeOptions setTransports(Set<String> transports) {
    if (transports.isEmpty() || !ALL_TRANSPORTS.containsAll(transports)) {
      throw new IllegalArgumentException("transports must be some of websocket, sse and sockjs, was " + transports);
    }
    this.transports = Set.copyOf(transports);
    return this;
  }

  /**
   * Whether every connection of an authenticated user receives the user's address,
   * {@code user.<sub>}, without asking: what "send to a user" relies on (on by default, as in
   * SignalR). Off, a client receives its user address only if it subscribes to it.
   */
  public boolean isUserChannel() {
    return userChannel;
  }

  public BridgeOptions setUserChannel(boolean userChannel) {
    this.userChannel = userChannel;
    return this;
  }

  /** Largest WebSocket or SockJS frame a client may send, in bytes. */
  public int getMaxFrameSize() {
    return maxFrameSize;
  }

  public BridgeOptions setMaxFrameSize(int maxFrameSize) {
    this.maxFrameSize = atLeast("maxFrameSize", maxFrameSize, 256);
    return this;
  }

  /** Largest HTTP request body (publish API, SockJS sends), in bytes. */
  public int getMaxBodySize() {
    return maxBodySize;
  }

  public BridgeOptions setMaxBodySize(int maxBodySize) {
    this.maxBodySize = atLeast("maxBodySize", maxBodySize, 256);
    return this;
  }

  /** Frames a connection may have waiting while its socket is full; past it the client is closed as slow. */
  public int getQueueSize() {
    return queueSize;
  }

  public BridgeOptions setQueueSize(int queueSize) {
    this.queueSize = atLeast("queueSize", queueSize, 1);
    return this;
  }

  /** Addresses one connection may subscribe to at once (SSE addresses included). */
  public int getMaxSubscriptions() {
    return maxSubscriptions;
  }

  public BridgeOptions setMaxSubscriptions(int maxSubscriptions) {
    this.maxSubscriptions = atLeast("maxSubscriptions", maxSubscriptions, 1);
    return this;
  }

  /** Events one publish API request may carry. */
  public int getMaxEventsPerPublish() {
    return maxEventsPerPublish;
  }

  public BridgeOptions setMaxEventsPerPublish(int maxEventsPerPublish) {
    this.maxEventsPerPublish = atLeast("maxEventsPerPublish", maxEventsPerPublish, 1);
    return this;
  }

  /** Requests one connection may have waiting for a reply. */
  public int getMaxPendingReplies() {
    return maxPendingReplies;
  }

  public BridgeOptions setMaxPendingReplies(int maxPendingReplies) {
    this.maxPendingReplies = atLeast("maxPendingReplies", maxPendingReplies, 1);
    return this;
  }

  /** SSE comment heartbeats and WebSocket pings are sent this often, by one timer per bridge. */
  public Duration getHeartbeatInterval() {
    return heartbeatInterval;
  }

  public BridgeOptions setHeartbeatInterval(Duration heartbeatInterval) {
    this.heartbeatInterval = positive("heartbeatInterval", heartbeatInterval);
    return this;
  }

  /** A WebSocket or SockJS client that sends nothing (not even a pong or ping) for this long is closed. */
  public Duration getIdleTimeout() {
    return idleTimeout;
  }

  public BridgeOptions setIdleTimeout(Duration idleTimeout) {
    this.idleTimeout = positive("idleTimeout", idleTimeout);
    return this;
  }

  /** Longest wait for a service's reply to a client's send; clients may ask for less. */
  public Duration getReplyTimeout() {
    return replyTimeout;
  }

  public BridgeOptions setReplyTimeout(Duration replyTimeout) {
    this.replyTimeout = positive("replyTimeout", replyTimeout);
    return this;
  }

  /** The reconnect delay suggested to SSE clients in the stream's {@code retry:} field. */
  public Duration getSseRetry() {
    return sseRetry;
  }

  public BridgeOptions setSseRetry(Duration sseRetry) {
    this.sseRetry = positive("sseRetry", sseRetry);
    return this;
  }

  /**
   * The address ({@code host:port}) at which the other nodes of the cluster reach this node's HTTP
   * server, or {@code null} (the default). When set, a SockJS session can be used from any node: a
   * request for a session that another node holds is forwarded to it. When not set, every SockJS
   * request is answered here, as by a single node.
   */
  public String getNodeAddress() {
    return nodeAddress;
  }

  public BridgeOptions setNodeAddress(String nodeAddress) {
    if (nodeAddress != null) {
      HostAndPort parsed = HostAndPort.parseAuthority(nodeAddress, -1);
      if (parsed == null || parsed.host().isEmpty() || parsed.port() < 1 || parsed.port() > 65535) {
        throw new IllegalArgumentException("nodeAddress must be host:port with a port from 1 to 65535, was '" + nodeAddress + "'");
      }
    }
    this.nodeAddress = nodeAddress;
    return this;
  }

  private static int atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
    }
    return value;
  }

  private static Duration positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
    return value;
  }
}
