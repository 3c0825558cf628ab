package io.herald.bridge;

import java.util.Map;

/**
 * A snapshot of one bridge.
 *
 * @param connections live connections
 * @param connectionsByTransport live connections per transport name
 * @param consumers event-bus consumers registered (one per subscribed address)
 * @param subscriptions (address, connection) pairs
 * @param delivered events handed to connections since start
 * @param slowConsumerCloses connections closed because their queue overflowed
 * @param idleTimeoutCloses connections closed because the client went silent
 * @param queued frames waiting in connections' queues for their sockets to drain
 */
public record BridgeStats(
    int connections,
    Map<String, Integer> connectionsByTransport,
    int consumers,
    int subscriptions,
    long delivered,
    long slowConsumerCloses,
    long idleTimeoutCloses,
    long queued) {}
