package io.herald.bridge;

import io.herald.bridge.address.AddressRules;
import io.herald.bridge.auth.Authenticator;
import io.herald.bridge.fanout.SubscriptionHub;
import io.herald.bridge.history.History;
import io.herald.bridge.publish.Publisher;
import io.herald.bridge.transport.ConnectionRegistry;
import io.vertx.core.Vertx;

/** The parts of one bridge that its transports share. All of them are confined to the bridge's event loop. */
public record BridgeRuntime(
    Vertx vertx,
    BridgeOptions options,
    AddressRules rules,
    Authenticator authenticator,
    SubscriptionHub hub,
    ConnectionRegistry connections,
    Publisher publisher,
    History history,
    HeraldNode node) {}
