package io.herald.bridge.transport;

import io.herald.bridge.BridgeRuntime;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.envelope.EncodedBatch;
import io.herald.bridge.envelope.EncodedEvent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.herald.bridge.address.Operation;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What every transport's connection shares: its subscriptions in the hub, its bounded queue, and
 * one idempotent teardown that releases all of it.
 */
public abstract class BaseConnection implements ClientConnection {

  protected final BridgeRuntime runtime;
  private final String id;
  private Identity identity;
  private long lastBeat = System.currentTimeMillis();
  private final Set<String> subscriptions = new LinkedHashSet<>();
  private OutboundQueue queue;
  private CloseReason closedBy;

  protected BaseConnection(BridgeRuntime runtime, Identity identity) {
    this.runtime = runtime;
    this.id = runtime.connections().newId();
    this.identity = identity;
  }

  /** Subclasses call this once, from their constructor, with the sink of their socket. */
  protected final void attach(FrameSink sink) {
    this.queue = new OutboundQueue(sink, runtime.options().getQueueSize(), () -> close(CloseReason.SLOW_CONSUMER));
    runtime.connections().add(this);
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
    identity = fresh;
    List<String> dropped = new ArrayList<>();
    for (String address : List.copyOf(subscriptions)) {
      if (!runtime.rules().permits(fresh, Operation.SUBSCRIBE, address)) {
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
  }

  /** Liveness checks of the transport; {@code heartbeat} is true once per heartbeat interval. */
  protected abstract void onTick(long now, boolean heartbeat);

  @Override
  public final Set<String> subscriptions() {
    return Collections.unmodifiableSet(subscriptions);
  }

  /** Completes when events of the address flow to this connection; a second subscribe is a no-op. */
  public Future<Void> subscribe(String address) {
    if (closedBy != null) {
      return Future.failedFuture("connection closed");
    }
    if (!subscriptions.add(address)) {
      return Future.succeededFuture();
    }
    return runtime.hub().subscribe(address, this);
  }

  /** @return whether the connection was subscribed */
  public boolean unsubscribe(String address) {
    if (!subscriptions.remove(address)) {
      return false;
    }
    runtime.hub().unsubscribe(address, this);
    return true;
  }

  @Override
  public final void deliver(EncodedEvent event) {
    if (closedBy == null) {
      queue.offer(wireForm(event));
    }
  }

  /** A batch goes out as one frame where the transport can carry it so, else event by event. */
  @Override
  public final void deliver(EncodedBatch batch) {
    if (closedBy != null) {
      return;
    }
    Buffer whole = wireForm(batch);
    if (whole != null) {
      queue.offer(whole);
      return;
    }
    for (EncodedEvent event : batch.events()) {
      if (!queue.offer(wireForm(event))) {
        return;
      }
    }
  }

  /** The whole batch as one frame, or {@code null} if this transport writes events one by one. */
  protected Buffer wireForm(EncodedBatch batch) {
    return null;
  }

  /** Queues a frame of this connection's own (an acknowledgement, a reply, a heartbeat). */
  protected final void send(Buffer frame) {
    if (closedBy == null) {
      queue.offer(frame);
    }
  }

  protected final boolean queueIdle() {
    return queue.idle();
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
    subscriptions.clear();
    queue.clear();
    runtime.connections().remove(this, reason);
    closeTransport(reason);
  }

  /** The form of the event this transport writes: the same buffer for all its connections. */
  protected abstract Buffer wireForm(EncodedEvent event);

  /** Tells the client why (when it can still hear it) and closes the socket. */
  protected abstract void closeTransport(CloseReason reason);
}
