package io.herald.bridge.transport.sockjs;

import io.herald.bridge.support.FrameClient;
import io.herald.bridge.transport.frames.FrameProtocolContractTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The frame protocol over SockJS's raw WebSocket endpoint, {@code /eventbus/websocket}. */
class SockJsRawWebSocketTest extends FrameProtocolContractTest {

  @Override
  protected Future<FrameClient> connect(Vertx vertx, int port) {
    return FrameClient.sockJsRawWebSocket(vertx, port);
  }
}
