package io.herald.verticles.node;

import io.herald.verticles.cluster.Membership;
import io.herald.verticles.config.HeraldConfig;
import io.herald.verticles.ready.EventLoops;
import io.herald.verticles.ready.Readiness;
import io.herald.verticles.security.NodeSecurity;

/**
 * What the HTTP verticle instances of one node share. Each part is immutable or thread-safe: the
 * instances run on different event loops and share no mutable state of their own.
 *
 * @param listenPort the port the instances listen on: the configured one, or for port 0 a negative
 *     number of this node's own, which Vert.x turns into one free port shared by the servers asking
 *     for that same number (servers asking for 0 would each get a port of their own)
 * @param readiness {@code GET /ready}
 * @param eventLoops the heartbeats of the HTTP verticles' event loops
 * @param liveness {@code GET /health}, which reads them
 */
public record NodeServices(
    int listenPort,
    HeraldConfig config,
    NodeSecurity security,
    NodeState state,
    Membership membership,
    Readiness readiness,
    EventLoops eventLoops,
    Readiness liveness) {}
