package io.herald.bridge.transport.websocket;

import io.herald.bridge.support.FrameClient;
import io.herald.bridge.transport.frames.FrameProtocolContractTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The frame protocol over a raw WebSocket at {@code /ws}. */
class WebSocketTransportTest extends FrameProtocolContractTest {

  @Override
  protected Future<FrameClient> connect(Vertx vertx, int port) {
    return FrameClient.webSocket(vertx, port);
  }
}
