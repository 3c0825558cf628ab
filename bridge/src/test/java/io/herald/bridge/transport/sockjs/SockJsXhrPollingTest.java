package io.herald.bridge.transport.sockjs;

import io.herald.bridge.support.FrameClient;
import io.herald.bridge.transport.frames.FrameProtocolContractTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The frame protocol over SockJS xhr-polling: one HTTP request per poll and per send. */
class SockJsXhrPollingTest extends FrameProtocolContractTest {

  @Override
  protected Future<FrameClient> connect(Vertx vertx, int port) {
    return FrameClient.sockJsXhrPolling(vertx, port);
  }
}
