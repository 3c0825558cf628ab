package io.herald.bridge.transport.websocket;

import io.netty.channel.Channel;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;

/**
 * Frees the cross-thread write queue Vert.x gives every WebSocket connection.
 *
 * <p>Vert.x 5.0 builds each connection a queue for writes that come from other threads: a jctools
 * queue whose first chunk is a 1 024-slot array, about 4.7 KB. An HTTP server in strict thread mode
 * gives its HTTP connections a direct queue instead, but the connection an upgrade turns into a
 * WebSocket always gets the cross-thread one. Herald writes to a WebSocket only on its event loop,
 * and its frames go straight to the channel ({@link io.herald.bridge.transport.ChannelSink}), so that
 * queue is never used; on an idle connection it was a third of all the heap the connection held
 * (W2 in {@code bench/}). This puts Vert.x's own direct queue, the one strict mode uses, in its place.
 *
 * <p>Where Vert.x's internals are not as expected (another version), nothing is changed: the
 * connection works as Vert.x built it, only larger. Call it on the connection's event loop, right
 * after the upgrade, before anything is written through Vert.x.
 */
final class DirectWrites {

  private static final Logger LOG = System.getLogger(DirectWrites.class.getName());
  private static final String QUEUE_FIELD = "outboundMessageQueue";
  private static final String DIRECT_QUEUE = "io.vertx.core.net.impl.VertxConnection$DirectOutboundMessageQueue";
  // (connection) -> a direct queue for it, and (connection, queue) -> void; null when unavailable.
  private static final MethodHandle NEW_DIRECT;
  private static final MethodHandle SET_QUEUE;

  static {
    MethodHandle newDirect = null;
    MethodHandle setQueue = null;
    try {
      Field queue = VertxConnection.class.getDeclaredField(QUEUE_FIELD);
      queue.setAccessible(true);
      Constructor<?> direct = Class.forName(DIRECT_QUEUE).getDeclaredConstructor(VertxConnection.class);
      direct.setAccessible(true);
      if (queue.getType().isAssignableFrom(direct.getDeclaringClass())) {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        newDirect = lookup.unreflectConstructor(direct).asType(MethodType.methodType(Object.class, VertxConnection.class));
        setQueue = lookup.unreflectSetter(queue).asType(MethodType.methodType(void.class, VertxConnection.class, Object.class));
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(Level.DEBUG, "WebSocket connections keep Vert.x''s cross-thread write queue: {0}", e.toString());
    }
    NEW_DIRECT = newDirect;
    SET_QUEUE = setQueue;
  }

  private DirectWrites() {}

  /** Whether this Vert.x lets the queue be replaced. */
  static boolean available() {
    return NEW_DIRECT != null;
  }

  /**
   * The handler of the WebSocket connection Vert.x built on {@code channel} at the upgrade, when
   * called on the channel's event loop and the connection is built; {@code null} otherwise.
   */
  static VertxHandler<?> webSocketHandler(Channel channel) {
    if (!channel.eventLoop().inEventLoop()
        || !(channel.pipeline().get(VertxHandler.class) instanceof VertxHandler<?> handler)) {
      return null;
    }
    VertxConnection connection = handler.getConnection();
    return connection != null && connection.getClass().getSimpleName().equals("WebSocketConnectionImpl") ? handler : null;
  }

  /** @return whether the WebSocket connection on {@code channel} now writes directly */
  static boolean apply(Channel channel) {
    VertxHandler<?> handler = NEW_DIRECT == null ? null : webSocketHandler(channel);
    if (handler == null) {
      return false;
    }
    VertxConnection connection = handler.getConnection();
    try {
      SET_QUEUE.invokeExact(connection, NEW_DIRECT.invokeExact(connection));
      return true;
    } catch (Throwable e) {
      LOG.log(Level.DEBUG, "could not replace a WebSocket connection''s write queue: {0}", e.toString());
      return false;
    }
  }
}
