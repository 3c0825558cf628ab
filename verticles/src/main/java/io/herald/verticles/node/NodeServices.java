package io.herald.verticles.node;

import io.herald.verticles.cluster.Membership;
import io.herald.verticles.config.HeraldConfig;
import io.herald.verticles.ready.Readiness;
import io.herald.verticles.security.NodeSecurity;

/**
 * What the HTTP verticle instances of one node share. Each part is immutable or thread-safe: the
 * instances run on different event loops and share no mutable state of their own.
 */
public record NodeServices(
    HeraldConfig config,
    NodeSecurity security,
    NodeState state,
    Membership membership,
    Readiness readiness) {}
