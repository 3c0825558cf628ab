package io.herald.bridge.presence;

import com.hazelcast.core.HazelcastInstance;
import io.herald.bridge.address.AddressSyntax;
import io.herald.bridge.envelope.BusEnvelopes;
import io.herald.bridge.envelope.EventIds;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.node.NodeAddresses;
import io.herald.bridge.presence.hazelcast.HazelcastPresenceStore;
import io.herald.bridge.presence.hazelcast.MemberDepartures;
import io.herald.bridge.transport.ClientConnection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.Supplier;

/**
 * A node's presence: who is subscribed, on any node, to the addresses its {@link PresencePolicy}
 * tracks. Connections enter and leave through their {@link ConnectionPresence}; each change is
 * stored, then announced to the address itself as a {@code presence.join} or {@code presence.leave}
 * event, live only (no position, not in history). Anyone may ask through {@link #list},
 * {@link #count}, the HTTP API ({@link PresenceApi}) or the {@code herald.presence} bus service.
 *
 * <p>In a Hazelcast cluster, when a member is gone without saying goodbye (a crash, a
 * {@code kill -9}), every surviving node that tracks presence removes that member's entries as soon
 * as Hazelcast reports the member removed, and announces their {@code presence.leave}; an entry is
 * removed, and announced, once however many nodes try (see docs/DESIGN.md for the bound).
 *
 * <p>Shared by every verticle instance of the node; thread-safe.
 */
public final class Presence {

  public static final String JOIN = "presence.join";
  public static final String LEAVE = "presence.leave";
  /** Event types publishers may not use: only the node announces presence. */
  public static final String RESERVED_TYPE_PREFIX = "presence.";

  private static final Logger LOG = System.getLogger(Presence.class.getName());
  private static final int SWEEP_ATTEMPTS = 3;
  private static final long SWEEP_RETRY_MS = 2_000;
  /** A put or remove that failed is tried again after this, then twice as long each time, up to {@link #RETRY_MAX_MS}. */
  private static final long RETRY_MS = 1_000;
  private static final long RETRY_MAX_MS = 30_000;

  private final Vertx vertx;
  private final PresencePolicy policy;
  private final PresenceStore store;
  private final String nodeKey;
  // this node's member UUID, read at each enter: a member that merges back after a split-brain has a new one
  private final Supplier<String> member;
  private final EventIds ids = new EventIds();
  private MessageConsumer<Object> service;
  private MemberDepartures departures;
  private volatile boolean closed;

  Presence(Vertx vertx, PresencePolicy policy, PresenceStore store, String nodeKey, Supplier<String> member) {
    this.vertx = vertx;
    this.policy = policy;
    this.store = store;
    this.nodeKey = nodeKey;
    this.member = member;
  }

  /**
   * The node's presence: in Hazelcast when the node is clustered on it, else in memory. With a
   * policy that tracks something it also answers the {@code herald.presence} bus service and, in a
   * cluster, watches for members that are gone.
   */
  public static Presence install(Vertx vertx, PresencePolicy policy, String nodeKey) {
    Presence presence;
    HazelcastInstance hazelcast = hazelcastOf(vertx);
    if (hazelcast != null) {
      presence = new Presence(vertx, policy, new HazelcastPresenceStore(vertx, hazelcast), nodeKey,
          () -> hazelcast.getCluster().getLocalMember().getUuid().toString());
    } else {
      presence = new Presence(vertx, policy, new LocalPresenceStore(), nodeKey, () -> null);
    }
    if (!policy.isEmpty()) {
      presence.service = vertx.eventBus().consumer(NodeAddresses.PRESENCE, presence::onRequest);
      if (hazelcast != null) {
        presence.departures = MemberDepartures.watch(hazelcast, presence::sweep, presence::renamed);
      }
    }
    return presence;
  }

  private static HazelcastInstance hazelcastOf(Vertx vertx) {
    return vertx instanceof VertxInternal internal && internal.clusterManager() instanceof HazelcastClusterManager manager
        ? manager.getHazelcastInstance()
        : null;
  }

  public PresencePolicy policy() {
    return policy;
  }

  /** Whether the address keeps presence. */
  public boolean tracks(String address) {
    return policy.tracks(address);
  }

  /** A connection's own presence, confined to its event loop. */
  public ConnectionPresence of(ClientConnection connection) {
    return new ConnectionPresence(this, connection);
  }

  /**
   * Who is at the address, on every node, oldest first.
   *
   * @return fails with {@code not-found} when the address keeps no presence
   */
  public Future<List<PresenceEntry>> list(String address) {
    return tracked(address).compose(store::list);
  }

  /** How many connections are at the address, without listing them (a cheap aggregate in a cluster). */
  public Future<Long> count(String address) {
    return tracked(address).compose(store::count);
  }

  /**
   * The answer of the HTTP API and the bus service: {@code {"address","count"}}, and unless
   * {@code countOnly} also {@code "members":[{user, connection, node, transport, since}]}.
   */
  public Future<JsonObject> describe(String address, boolean countOnly) {
    if (countOnly) {
      return count(address).map(n -> new JsonObject().put("address", address).put("count", n));
    }
    return list(address).map(entries -> {
      JsonArray members = new JsonArray();
      entries.forEach(entry -> members.add(entry.describe()));
      return new JsonObject().put("address", address).put("count", entries.size()).put("members", members);
    });
  }

  private Future<String> tracked(String address) {
    if (!policy.tracks(address)) {
      return Future.failedFuture(new HeraldException(ErrorCode.NOT_FOUND, "presence is off for address " + address));
    }
    return Future.succeededFuture(address);
  }

  // ---- entering and leaving, through ConnectionPresence ----

  /**
   * Stores the entry and announces the join.
   *
   * @param lastWait how long the connection waited before this attempt, 0 for the first
   * @return whether the entry is stored (never fails); a connection whose put failed tries again
   *     after {@link #retryAfter}, in its own order of enters and leaves
   */
  Future<Boolean> enter(ClientConnection connection, String address, long lastWait) {
    PresenceEntry entry = new PresenceEntry(address, connection.identity().subject(), connection.id(), nodeKey, member.get(),
        connection.transport(), System.currentTimeMillis());
    return store.put(entry)
        .map(v -> {
          if (lastWait > 0) {
            LOG.log(Level.INFO, "presence of {0} at {1} was recorded after all", connection.id(), address);
          }
          announce(JOIN, entry);
          return true;
        })
        .recover(e -> {
          if (lastWait == 0) {
            LOG.log(Level.WARNING, "presence of {0} at {1} was not recorded, trying again: {2}", connection.id(), address, e.getMessage());
          }
          return Future.succeededFuture(false);
        });
  }

  /**
   * How long to wait before trying a failed put or remove again: 1 s, then twice as long each time
   * up to 30 s; -1 once the node is closing, when nothing is tried again.
   */
  long retryAfter(long lastWait) {
    return closed ? -1 : lastWait == 0 ? RETRY_MS : Math.min(lastWait * 2, RETRY_MAX_MS);
  }

  Vertx vertx() {
    return vertx;
  }

  /**
   * Removes the entry and announces the leave. A remove that fails is tried again, later and later,
   * until it succeeds or the node closes: the node is alive, so no sweep of departed members would
   * ever remove the entry, and the user would be listed forever. Completes once the entry is gone
   * (never fails), so the connection's next enter at the address waits for it.
   */
  Future<Void> leave(ClientConnection connection, String address) {
    Promise<Void> left = Promise.promise();
    remove(connection.id(), address, 0, left);
    return left.future();
  }

  private void remove(String connection, String address, long lastWait, Promise<Void> left) {
    if (closed) {
      left.complete();
      return;
    }
    store.remove(address, connection).onComplete(result -> {
      if (result.succeeded()) {
        if (lastWait > 0) {
          LOG.log(Level.INFO, "presence of {0} at {1} was removed after all", connection, address);
        }
        if (result.result() != null) {
          announce(LEAVE, result.result());
        }
        left.complete();
        return;
      }
      long next = retryAfter(lastWait);
      if (next < 0) {
        left.complete();
        return;
      }
      if (lastWait == 0) {
        LOG.log(Level.WARNING, "presence of {0} at {1} was not removed, trying again: {2}", connection, address, result.cause().getMessage());
      }
      vertx.setTimer(next, t -> remove(connection, address, next, left));
    });
  }

  /**
   * A live event to the address's subscribers on every node: it carries no position and is not
   * recorded, even where the address keeps history ({@link BusEnvelopes#live}).
   */
  private void announce(String type, PresenceEntry entry) {
    String id;
    synchronized (ids) {
      id = ids.next();
    }
    vertx.eventBus().publish(entry.address(), entry.event(), BusEnvelopes.live(id, type, System.currentTimeMillis()));
  }

  // ---- members gone ----

  /** Removes the entries of a member that is gone, and announces their leaves; retried a few times if the cluster is busy. */
  private void sweep(String gone) {
    sweep(gone, 1);
  }

  private void sweep(String gone, int attempt) {
    store.removeMembers(List.of(gone)).onComplete(result -> {
      if (result.succeeded()) {
        if (!result.result().isEmpty()) {
          LOG.log(Level.INFO, "removed {0} presence entries of member {1}, which is gone", result.result().size(), gone);
        }
        result.result().forEach(entry -> announce(LEAVE, entry));
      } else if (attempt < SWEEP_ATTEMPTS) {
        vertx.setTimer(SWEEP_RETRY_MS, t -> sweep(gone, attempt + 1));
      } else {
        LOG.log(Level.WARNING, "presence entries of member {0}, which is gone, were not removed: {1}", gone, result.cause().getMessage());
      }
    });
  }

  /**
   * This member merged back into the cluster under a new UUID: its entries, those it entered before
   * (the merge brings back what its side of the split held) and those entered while it merged, take
   * the new one, or a later crash of this member would leave them listed for good. Retried a few
   * times if the cluster is busy.
   */
  private void renamed(String before, String now) {
    renamed(before, now, 1);
  }

  private void renamed(String before, String now, int attempt) {
    store.renameMember(before, now).onComplete(result -> {
      if (result.succeeded()) {
        LOG.log(Level.INFO, "this member merged back as {0}: {1} presence entries moved from {2}", now, result.result(), before);
      } else if (attempt < SWEEP_ATTEMPTS && !closed) {
        vertx.setTimer(SWEEP_RETRY_MS, t -> renamed(before, now, attempt + 1));
      } else {
        LOG.log(Level.WARNING, "presence entries of this member were not moved from {0} to {1}: {2}", before, now, result.cause().getMessage());
      }
    });
  }

  // ---- the bus service ----

  /** {@code {"address", "count": true?}} from any member; the reply is {@link #describe}'s. */
  private void onRequest(Message<Object> message) {
    if (!(message.body() instanceof JsonObject body) || body.getValue("count") != null && !(body.getValue("count") instanceof Boolean)) {
      fail(message, ErrorCode.BAD_REQUEST);
      return;
    }
    Object address = body.getValue("address");
    if (AddressSyntax.problem(address) != null) {
      fail(message, ErrorCode.BAD_ADDRESS);
      return;
    }
    describe((String) address, Boolean.TRUE.equals(body.getValue("count")))
        .onSuccess(message::reply)
        .onFailure(e -> fail(message, HeraldException.of(e).code()));
  }

  private static void fail(Message<?> message, ErrorCode code) {
    message.fail(code.httpStatus(), code.code());
  }

  /** Stops answering and watching; the node is closing. */
  public Future<Void> close() {
    closed = true;
    if (departures != null) {
      departures.stop();
    }
    return service == null ? Future.succeededFuture() : service.unregister();
  }
}
