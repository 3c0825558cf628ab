package io.herald.bridge.node;

/** The bus addresses Herald's nodes talk on; all under {@code herald.}, which clients cannot name. */
public final class NodeAddresses {

  /** Requests for one node: deliver to, or join or leave a group for, one of its connections. */
  public static final String NODE_PREFIX = "herald.node.";
  /** Published to every node: an event for every connection. */
  public static final String EVERYONE = "herald.everyone";
  /** Any node answers: join or leave a group for a connection wherever it is. */
  public static final String GROUPS = "herald.groups";
  /** Published when a connection opens and when it closes. */
  public static final String CONNECTION_OPENED = "herald.connection.opened";
  public static final String CONNECTION_CLOSED = "herald.connection.closed";
  /** Any node that tracks presence answers: {@code {"address", "count": true?}}, who is at an address or how many. */
  public static final String PRESENCE = "herald.presence";
  /** Answered by the bridge itself: a frame client's own connection id, user and node. */
  public static final String WHOAMI = "herald.whoami";

  /** Header of a node request naming what to do. */
  public static final String HEADER_OP = "herald-op";
  public static final String HEADER_CONNECTION = "herald-connection";

  private NodeAddresses() {}

  public static String node(String nodeKey) {
    return NODE_PREFIX + nodeKey;
  }
}
