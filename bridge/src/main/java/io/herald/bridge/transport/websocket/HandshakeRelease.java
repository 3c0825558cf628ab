package io.herald.bridge.transport.websocket;

import io.netty.channel.Channel;
import io.vertx.core.net.impl.VertxHandler;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;

/**
 * Lets go of the upgrade request Vert.x keeps for a WebSocket's whole life.
 *
 * <p>Vert.x 5.0 builds a WebSocket connection in the channel handler it puts in the pipeline at the
 * upgrade, from a function that captures the whole handshake: the upgrade request with its
 * parameters and response, the HTTP connection it came on and Netty's handshaker. The handler
 * calls that function once, when it is added, and keeps it. On an idle socket what it held alone
 * was about 2.2 KB, a third of the heap the connection held (W2 in {@code bench/}). This clears
 * the field once the connection is built.
 *
 * <p>Like {@link DirectWrites}: where Vert.x's internals are not as expected, nothing is changed
 * and the socket works as Vert.x built it, only larger. Call it on the connection's event loop,
 * after the upgrade.
 */
final class HandshakeRelease {

  private static final Logger LOG = System.getLogger(HandshakeRelease.class.getName());
  private static final String FACTORY_FIELD = "connectionFactory";
  // VertxHandler's connection factory, writable; null when unavailable.
  private static final Field FACTORY;

  static {
    Field factory = null;
    try {
      factory = VertxHandler.class.getDeclaredField(FACTORY_FIELD);
      factory.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(Level.DEBUG, "WebSocket connections keep their upgrade request: {0}", e.toString());
      factory = null;
    }
    FACTORY = factory;
  }

  private HandshakeRelease() {}

  /** @return whether the handler of the WebSocket connection on {@code channel} no longer holds its handshake */
  static boolean apply(Channel channel) {
    VertxHandler<?> handler = FACTORY == null ? null : DirectWrites.webSocketHandler(channel);
    if (handler == null) {
      return false;
    }
    try {
      FACTORY.set(handler, null);
      return true;
    } catch (IllegalAccessException | RuntimeException e) {
      LOG.log(Level.DEBUG, "could not release a WebSocket''s upgrade request: {0}", e.toString());
      return false;
    }
  }
}
