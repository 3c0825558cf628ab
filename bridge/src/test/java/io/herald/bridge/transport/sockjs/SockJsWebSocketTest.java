package io.herald.bridge.transport.sockjs;

import io.herald.bridge.support.FrameClient;
import io.herald.bridge.transport.frames.FrameProtocolContractTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The frame protocol over SockJS's websocket transport, {@code /eventbus/<server>/<session>/websocket}. */
class SockJsWebSocketTest extends FrameProtocolContractTest {

  @Override
  protected Future<FrameClient> connect(Vertx vertx, int port) {
    return FrameClient.sockJsWebSocket(vertx, port);
  }
}
