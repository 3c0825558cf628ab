package io.herald.bridge.transport;

import io.herald.bridge.BridgeRuntime;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.envelope.EncodedBatch;
import io.herald.bridge.envelope.EncodedEvent;
import io.herald.bridge.history.Position;
import io.herald.bridge.metrics.DropReason;
import io.micrometer.core.instrument.Counter;
import io.herald.bridge.presence.ConnectionPresence;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.herald.bridge.address.Operation;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.target.Targets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What every transport's connection shares: its subscriptions in the hub, its bounded queue, its
 * position in each address with history, and one idempotent teardown that releases all of it.
 *
 * <p>Resuming an address: the connection subscribes (live events start to arrive), holds its
 * starting cursor, and runs a {@link CatchUp} that replays history after the cursor. Until the
 * catch-up is done, live events of that address are dropped here, since the catch-up reads them
 * from history; afterwards anything at or before the connection's position is a duplicate and is
 * dropped too. That is the seam with no gap and no duplicate.
 *
 * <p>On an address that keeps presence, the connection enters once its subscription is registered
 * and leaves when it unsubscribes or closes ({@link ConnectionPresence}). Entering is not waited
 * for: a subscription is acknowledged, and its events flow, exactly as on any other address; the
 * connection's own {@code presence.join} tells it when it is listed (on SSE, entering starts once
 * the {@code connected} event is out, so that event stays the stream's first).
 */
public abstract class BaseConnection implements ClientConnection {

  protected final BridgeRuntime runtime;
  private final String id;
  private Identity identity;
  // Heartbeats are spread over the interval (connections opened together would otherwise all beat
  // in the same tick, a burst of writes that delays events), and only quiet streams need them.
  private long lastBeat;
  private boolean deliveredSinceBeat;
  // Collections sized for the few addresses a connection has: their default tables (16 slots) were
  // about 250 bytes of every idle connection's heap.
  private final Set<String> subscriptions = new LinkedHashSet<>(4);
  // Addresses with history only: the position of the last event this client was given.
  private final Cursors positions = new Cursors();
  // Empty for nearly every connection nearly all the time, so only allocated while in use.
  private Set<String> catchingUp = Set.of();
  // Those of them subscribed without a cursor: their catch-up starts from the node's live position.
  private Set<String> fromNow = Set.of();
  // Group -> whether the server joined the connection to it. A group the client joined itself (its
  // token let it subscribe there) is re-checked on a token refresh like any subscription; one the
  // server joined it to is not: the server decided.
  private Map<String, Boolean> groups = Map.of();
  private Future<Void> userChannelReady = Future.succeededFuture();
  private final ConnectionPresence presence;
  // False until the client has been told who it is (SSE's connected event): presence waits for
  // that, so that a connection's own presence.join never comes before it.
  private boolean introduced = true;
  // Live events that came before that: on a clustered node a consumer hears local publishes before
  // its registration has completed. They follow the introduction, in order.
  private List<EncodedEvent> early = List.of();
  private OutboundQueue queue;
  // This transport's counter of events handed to connections, looked up once: one increment per event.
  private Counter delivered;
  private CloseReason closedBy;

  protected BaseConnection(BridgeRuntime runtime, Identity identity) {
    this.runtime = runtime;
    this.id = runtime.connections().newId();
    this.identity = identity;
    this.presence = runtime.node().presence().of(this);
    long interval = Math.max(1, runtime.options().getHeartbeatInterval().toMillis());
    this.lastBeat = System.currentTimeMillis() - ThreadLocalRandom.current().nextLong(interval);
  }

  /** Subclasses call this once, from their constructor, with the sink of their socket. */
  protected final void attach(FrameSink sink) {
    this.queue = new OutboundQueue(sink, runtime.options().getQueueSize(), discarded -> {
      runtime.node().metrics().dropped(DropReason.SLOW_CONSUMER, discarded);
      close(CloseReason.SLOW_CONSUMER);
    });
    this.delivered = runtime.node().metrics().delivered(transport());
    runtime.connections().add(this);
    runtime.node().connections().opened(this, runtime.vertx().getOrCreateContext());
  }

  /**
   * Transports call this once the socket's handlers are set, before the connection subscribes to
   * anything. A connection set up after its bridge began to drain (its request passed any gate
   * before, its handshake ended after) is closed here with {@link CloseReason#SHUTDOWN}, the
   * farewell every other connection got, and so holds no consumer, presence entry or timer slot.
   *
   * @return whether the connection is closed, by the drain or before (its client left meanwhile)
   */
  public final boolean refuseIfDraining() {
    if (closedBy == null && runtime.connections().draining()) {
      close(CloseReason.SHUTDOWN);
    }
    return closedBy != null;
  }

  /** A transport whose first event introduces the connection calls this from its constructor; see {@link #introduced}. */
  protected final void introduceLater() {
    introduced = false;
  }

  /** The client has been told who it is: the addresses subscribed until now enter presence. */
  protected final void introduced() {
    if (!introduced) {
      introduced = true;
      subscriptions.forEach(presence::enter);
      List<EncodedEvent> held = early;
      early = List.of();
      held.forEach(this::deliver);
    }
  }

  /**
   * The user's own address ({@code user.<sub>}), which every connection of an authenticated user
   * receives when the bridge has {@link io.herald.bridge.BridgeOptions#isUserChannel() user channels}:
   * what makes "send to this user" reach every device. {@code null} when there is none.
   */
  public final String userChannel() {
    return identity.anonymous() || !runtime.options().isUserChannel() ? null : Targets.user(identity.subject());
  }

  /**
   * Frame transports call this once the socket is open: a connection authenticated at the handshake
   * receives its user's address from now (a client resumes it by registering it with {@code since}).
   * SSE puts the user's address among the stream's addresses instead, so the stream's cursor covers it.
   */
  public final Future<Void> openUserChannel() {
    String own = userChannel();
    if (own != null) {
      userChannelReady = subscribe(own).onSuccess(v -> catchUp(own));
    }
    return userChannelReady;
  }

  /** Completes once the user channel (if any) receives events: what the client is told before it is welcomed or authenticated. */
  public final Future<Void> userChannelReady() {
    return userChannelReady;
  }

  /**
   * What the client is told first: its connection id, its user, its transport, its node, and its
   * cursor in each address with history it receives (its user channel among them), so a client
   * can resume every one of them, on any transport.
   */
  public final JsonObject whoami() {
    JsonObject info = runtime.node().connections().describe(this);
    info.remove("ts");
    JsonObject cursors = new JsonObject();
    positions.asPositions().forEach((address, position) -> cursors.put(address, position.toString()));
    return info.put("positions", cursors);
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final Identity identity() {
    return identity;
  }

  /**
   * Takes a fresh credential for the same user (a token refresh) and drops the subscriptions it no
   * longer allows.
   *
   * @return the addresses dropped
   * @throws HeraldException {@code forbidden} if the new identity is another user: a connection
   *     never changes hands
   */
  public final List<String> reauthenticate(Identity fresh) {
    if (!identity.anonymous() && !identity.subject().equals(fresh.subject())) {
      throw new HeraldException(ErrorCode.FORBIDDEN, "a connection cannot change its user");
    }
    boolean first = identity.anonymous() && !fresh.anonymous();
    identity = fresh;
    String own = userChannel();
    if (first) {
      presence.renew();
      openUserChannel();
    }
    List<String> dropped = new ArrayList<>();
    for (String address : List.copyOf(subscriptions)) {
      if (!address.equals(own) && !isServerGroupAddress(address) && !runtime.rules().permits(fresh, Operation.SUBSCRIBE, address)) {
        unsubscribe(address);
        dropped.add(address);
      }
    }
    return dropped;
  }

  /**
   * Runs every second on the bridge's one timer: ends the connection when its token has expired,
   * otherwise lets the transport check liveness and, once per heartbeat interval, send a keep-alive.
   */
  @Override
  public final void tick(long now) {
    if (identity.expiredAt(now)) {
      close(CloseReason.TOKEN_EXPIRED);
      return;
    }
    boolean beat = now - lastBeat >= runtime.options().getHeartbeatInterval().toMillis();
    if (beat) {
      lastBeat = now;
    }
    onTick(now, beat);
    if (beat) {
      deliveredSinceBeat = false;
    }
  }

  /** Whether events went to the client since the last heartbeat: bytes on the wire keep proxies from timing the stream out just as well. */
  protected final boolean deliveredSinceLastBeat() {
    return deliveredSinceBeat;
  }

  /** Liveness checks of the transport; {@code heartbeat} is true once per heartbeat interval. */
  protected abstract void onTick(long now, boolean heartbeat);

  @Override
  public final Set<String> subscriptions() {
    return Collections.unmodifiableSet(subscriptions);
  }

  /** Completes when events of the address flow to this connection; a second subscribe is a no-op. */
  public Future<Void> subscribe(String address) {
    return subscribe(address, null);
  }

  /**
   * Subscribes from a cursor: on an address with history, {@link #catchUp} then replays what came
   * after {@code since} ({@code null}: from now). Until then live events of the address are held
   * back. The future completes when the subscription is registered; the cursor is
   * {@link #position} from then on.
   *
   * <p>Subscribing again with a cursor restarts the address from that cursor (events after it come
   * again, in order): how a client resumes an address the server subscribed it to, such as its
   * user channel. That holds during a catch-up too (the user channel's first one runs while the
   * client is welcomed, and the client resumes at once): the running catch-up sees the cursor moved
   * and gives way to the one the caller starts from {@code since}.
   */
  public Future<Void> subscribe(String address, Position since) {
    if (closedBy != null) {
      return Future.failedFuture("connection closed");
    }
    if (!subscriptions.add(address)) {
      // Completes with the registration, which may still be under way (a user channel opened at
      // the handshake): only then has the address a cursor to move.
      return runtime.hub().subscribe(address, this).map(v -> {
        if (since != null && subscriptions.contains(address) && positions.has(address)) {
          positions.moveTo(address, since);
          startCatchUp(address);
          fromNow = without(fromNow, address);
        }
        return null;
      });
    }
    boolean history = runtime.history().keeps(address);
    if (history) {
      startCatchUp(address);
      if (since == null) {
        if (fromNow.isEmpty()) {
          fromNow = new HashSet<>(4);
        }
        fromNow.add(address);
      }
    }
    Future<Void> registration = runtime.hub().subscribe(address, this);
    // Joined a stream the node already had: its position may be in an epoch history has dropped since.
    boolean joinedRunning = registration.isComplete();
    return registration.transform(done -> {
      Future<Void> current = runtime.hub().registration(address);
      if (current != null && current != registration) {
        // Unsubscribed and subscribed again while this registration was under way, and the consumer
        // it joined is gone: the later subscription counts, and sets the cursor once its own
        // consumer is registered (the head this one would read is not that consumer's).
        return current;
      }
      if (done.failed()) {
        // Not registered (the cluster unreachable): nothing stays behind, neither a subscription that
        // counts toward the limit nor a catch-up that would hold the address's events back if the
        // client registers it again.
        if (subscriptions.remove(address)) {
          positions.remove(address);
          caughtUp(address);
        }
        return Future.failedFuture(done.cause());
      }
      if (!subscriptions.contains(address)) {
        // unsubscribed (or closed) while the registration was under way
        return Future.succeededFuture();
      }
      Future<Void> started = Future.succeededFuture();
      if (history) {
        Position now = runtime.hub().position(address);
        Position start = since != null ? since : now == null ? Position.NONE : now;
        positions.moveTo(address, start);
        if (since == null && joinedRunning && !start.epoch().isEmpty()) {
          started = startWhereHistoryContinues(address, start);
        }
      }
      return started.map(v -> {
        if (introduced && subscriptions.contains(address)) {
          presence.enter(address);
        }
        return null;
      });
    });
  }

  /**
   * A subscription without cursor starts where the node's stream of the address stands. Where that
   * is in an epoch history no longer has (dropped after a day idle, or lost, while this node kept a
   * subscriber), it starts at the beginning of history's epoch instead, whose events the node's
   * stream has not handed out yet. Decided before the client is told its starting cursor (SSE's
   * {@code connected}, the register ack): a client that comes back with it before any event must
   * get no reset, having missed nothing. One head read, only when joining a stream the node already
   * had (a new one's position was just read from history); if it fails, the catch-up tells.
   */
  private Future<Void> startWhereHistoryContinues(String address, Position start) {
    return runtime.history().read(address, Long.MAX_VALUE, 0)
        .map(head -> {
          Position instead = head.startInsteadOf(start);
          if (instead != null && subscriptions.contains(address) && start.equals(positions.position(address))) {
            positions.moveTo(address, instead);
          }
          return (Void) null;
        })
        .otherwise((Void) null);
  }

  /** Replays what the address's history holds after this connection's cursor, then lets live events through. */
  public Future<Void> catchUp(String address) {
    if (!catchingUp.contains(address) || !positions.has(address)) {
      return Future.succeededFuture();
    }
    return CatchUp.run(this, address);
  }

  /** The cursor of an address with history: the last event given (or the start); {@code null} for other addresses. */
  public final Position position(String address) {
    return positions.position(address);
  }

  /** Every address with history and its cursor, in subscription order. */
  protected final Map<String, Position> positions() {
    return positions.asPositions();
  }

  @Override
  public final Future<Void> joinGroup(String group) {
    return joinGroup(group, true);
  }

  /**
   * The client joining a group itself, once its transport has checked that the rules let it
   * subscribe to {@code group.<g>}: a member like one the server joined, except that a token
   * refresh that no longer allows the address ends it.
   */
  public final Future<Void> joinGroupByClient(String group) {
    return joinGroup(group, false);
  }

  private Future<Void> joinGroup(String group, boolean byServer) {
    String address = Targets.group(group);
    if (closedBy != null) {
      return Future.failedFuture(new HeraldException(ErrorCode.NO_CONNECTION, "the connection has closed"));
    }
    int max = runtime.options().getMaxSubscriptions();
    if (!subscriptions.contains(address) && subscriptions.size() >= max) {
      return Future.failedFuture(new HeraldException(ErrorCode.TOO_MANY_SUBSCRIPTIONS, "at most " + max + " subscriptions per connection"));
    }
    if (groups.isEmpty()) {
      groups = new LinkedHashMap<>(4);
    }
    // A server's join outranks the client's own, whichever came first.
    groups.merge(group, byServer, Boolean::logicalOr);
    return subscribe(address).onSuccess(v -> catchUp(address));
  }

  @Override
  public final boolean leaveGroup(String group) {
    if (!removeGroup(group)) {
      return false;
    }
    unsubscribe(Targets.group(group));
    return true;
  }

  @Override
  public final Set<String> groups() {
    return Collections.unmodifiableSet(groups.keySet());
  }

  private boolean isServerGroupAddress(String address) {
    return address.startsWith(Targets.GROUP_PREFIX) && Boolean.TRUE.equals(groups.get(address.substring(Targets.GROUP_PREFIX.length())));
  }

  /** @return whether the connection was subscribed */
  public boolean unsubscribe(String address) {
    if (!subscriptions.remove(address)) {
      return false;
    }
    if (address.startsWith(Targets.GROUP_PREFIX)) {
      removeGroup(address.substring(Targets.GROUP_PREFIX.length()));
    }
    positions.remove(address);
    caughtUp(address);
    runtime.hub().unsubscribe(address, this);
    presence.leave(address);
    return true;
  }

  @Override
  public final void deliver(EncodedEvent event) {
    if (!introduced) {
      holdUntilIntroduced(event);
      return;
    }
    if (closedBy == null && admit(event) && queue.offer(wireForm(event))) {
      delivered.increment();
      deliveredSinceBeat = true;
    }
  }

  /** Admitted once the client is introduced, as if it came then; more than a queue's worth is a slow consumer. */
  private void holdUntilIntroduced(EncodedEvent event) {
    if (closedBy != null) {
      return;
    }
    if (early.size() >= runtime.options().getQueueSize()) {
      runtime.node().metrics().dropped(DropReason.SLOW_CONSUMER, early.size() + 1);
      close(CloseReason.SLOW_CONSUMER);
      return;
    }
    if (early.isEmpty()) {
      early = new ArrayList<>();
    }
    early.add(event);
  }

  /** Whether a live event goes to this client; moves the cursor when it does. */
  private boolean admit(EncodedEvent event) {
    Position p = event.envelope().position();
    if (p == null) {
      return true;
    }
    String address = event.envelope().address();
    // Checked for emptiness first: with thousands of connections, each event's lookup in a
    // connection's own set is a cache miss, and almost no connection is ever catching up.
    if (!catchingUp.isEmpty() && catchingUp.contains(address)) {
      return false;
    }
    Cursors.Cursor mine = positions.cursor(address);
    if (mine != null && !mine.epoch().isEmpty() && !mine.epoch().equals(p.epoch())) {
      // The address's history was lost and begun again: what this client missed cannot be told.
      sendReset(address, new Position(p.epoch(), p.seq() - 1));
    } else if (mine != null && p.seq() <= mine.seq()) {
      return false;
    } else if (mine != null && p.seq() > mine.seq() + 1) {
      // Events between were lost (the hub's gate passed over what neither the bus nor history had
      // any more): the client is told, as for a cursor history cannot continue. A cursor without an
      // epoch stands at 0 of the address's first history, so the same holds for it.
      sendReset(address, new Position(p.epoch(), p.seq() - 1));
    }
    positions.moveTo(address, mine, p);
    return true;
  }

  /** Whether a batch (consecutive events of one address) goes whole; moves the cursor to its end when it does. */
  private boolean admitWhole(EncodedBatch batch) {
    List<EncodedEvent> events = batch.events();
    Position first = events.get(0).envelope().position();
    if (first == null) {
      return true;
    }
    String address = events.get(0).envelope().address();
    Cursors.Cursor mine = positions.cursor(address);
    // Whole only if it continues the cursor: a batch that does not (a duplicate, a gap, another
    // epoch) goes event by event, where each is dropped, or follows a reset. The hub never puts a
    // gap or a change of epoch inside a batch.
    if (!catchingUp.isEmpty() && catchingUp.contains(address)
        || mine != null && !(mine.epoch().isEmpty() ? first.seq() == 1 : mine.epoch().equals(first.epoch()) && first.seq() == mine.seq() + 1)) {
      return false;
    }
    positions.moveTo(address, mine, events.get(events.size() - 1).envelope().position());
    return true;
  }

  /** An event read from history by the catch-up: given whatever the live path is doing. */
  final void replay(EncodedEvent event) {
    if (closedBy == null) {
      positions.moveTo(event.envelope().address(), event.envelope().position());
      queue.offer(wireForm(event));
    }
  }

  /** Whether the address's catch-up starts from the node's live position rather than a cursor the client gave. */
  final boolean startedFromNow(String address) {
    return !fromNow.isEmpty() && fromNow.contains(address);
  }

  /** Moves the cursor without telling the client: for a catch-up that found a better start for it. */
  final void restartAt(String address, Position start) {
    positions.moveTo(address, start);
  }

  /** Tells the client its cursor could not be continued and moves it to {@code head}. */
  final void sendReset(String address, Position head) {
    runtime.node().metrics().reset();
    positions.moveTo(address, head);
    send(resetFrame(address, head));
  }

  /** The catch-up has replayed everything: live events of the address flow from here. */
  final void caughtUp(String address) {
    catchingUp = without(catchingUp, address);
    fromNow = without(fromNow, address);
  }

  /** {@code set} without {@code address}: the shared empty set once nothing is left, as these sets are nearly always. */
  private static Set<String> without(Set<String> set, String address) {
    return !set.isEmpty() && set.remove(address) && set.isEmpty() ? Set.of() : set;
  }

  private void startCatchUp(String address) {
    if (catchingUp.isEmpty()) {
      catchingUp = new HashSet<>(4);
    }
    catchingUp.add(address);
  }

  private boolean removeGroup(String group) {
    if (groups.isEmpty() || groups.remove(group) == null) {
      return false;
    }
    if (groups.isEmpty()) {
      groups = Map.of();
    }
    return true;
  }

  final Future<Void> drained() {
    return queue.drained();
  }

  /** A batch goes out as one frame where the transport can carry it so, else event by event. */
  @Override
  public final void deliver(EncodedBatch batch) {
    if (closedBy != null) {
      return;
    }
    if (!introduced || !admitWhole(batch)) {
      for (EncodedEvent event : batch.events()) {
        deliver(event);
      }
      return;
    }
    Buffer whole = wireForm(batch);
    if (whole != null) {
      if (queue.offer(whole)) {
        delivered.increment(batch.events().size());
        deliveredSinceBeat = true;
      }
      return;
    }
    for (EncodedEvent event : batch.events()) {
      if (!queue.offer(wireForm(event))) {
        return;
      }
      delivered.increment();
    }
  }

  /** The whole batch as one frame, or {@code null} if this transport writes events one by one. */
  protected Buffer wireForm(EncodedBatch batch) {
    return null;
  }

  /** Queues a frame of this connection's own (an acknowledgement, a reply, a heartbeat). */
  protected final void send(Buffer frame) {
    if (closedBy == null) {
      queue.offer(controlForm(frame));
    }
  }

  /** How a frame of the connection's own goes onto its socket; as it is, unless the transport frames its writes itself. */
  protected Buffer controlForm(Buffer frame) {
    return frame;
  }

  protected final boolean queueIdle() {
    return queue.idle();
  }

  @Override
  public final int queued() {
    return queue == null ? 0 : queue.size();
  }

  @Override
  public final boolean isClosed() {
    return closedBy != null;
  }

  /**
   * Releases subscriptions first, so no event is queued for a closing socket, then the queue and the
   * registry entry, and only then touches the socket, whose close handler calls back here and finds
   * the connection already closed.
   */
  @Override
  public final void close(CloseReason reason) {
    if (closedBy != null) {
      return;
    }
    closedBy = reason;
    for (String address : subscriptions) {
      runtime.hub().unsubscribe(address, this);
    }
    presence.leaveAll();
    subscriptions.clear();
    positions.clear();
    catchingUp = Set.of();
    fromNow = Set.of();
    early = List.of();
    groups = Map.of();
    queue.close();
    runtime.connections().remove(this, reason);
    runtime.node().connections().closed(this, reason);
    runtime.node().metrics().closed(reason);
    closeTransport(reason);
  }

  /** The form of the event this transport writes: the same buffer for all its connections. */
  protected abstract Buffer wireForm(EncodedEvent event);

  /**
   * Tells the client that its cursor of the address could not be continued (it is older than the
   * history, or from a history that was lost): events may have been missed, and the cursor is now
   * {@code head}. Sent before any event that follows it.
   */
  protected abstract Buffer resetFrame(String address, Position head);

  /** Tells the client why (when it can still hear it) and closes the socket. */
  protected abstract void closeTransport(CloseReason reason);
}
