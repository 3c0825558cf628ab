package io.herald.verticles.security;

import io.herald.bridge.address.AddressRules;
import io.herald.bridge.address.Operation;
import io.herald.bridge.auth.Identity;
import io.herald.verticles.config.ConfigException;
import io.herald.verticles.config.RulesSource;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node's address rules, read again when their file changes, without a restart. Every HTTP
 * verticle instance asks the current rules, so a change applies to the next subscribe, publish or
 * send on every connection (subscriptions made before it stay). A file that no longer parses is
 * logged and ignored: the rules in force stay until the file is fixed.
 */
public final class ReloadingRules implements AddressRules {

  private static final Logger LOG = System.getLogger(ReloadingRules.class.getName());
  /** How often the file's modification time is looked at: cheap, and quick enough for an operator. */
  static final long CHECK_PERIOD_MS = 1_000;

  private final RulesSource source;
  private final AtomicReference<AddressRules> current;
  private volatile FileTime seen;

  ReloadingRules(RulesSource source, AddressRules initial) {
    this.source = source;
    this.current = new AtomicReference<>(initial);
    this.seen = modified();
  }

  @Override
  public boolean permits(Identity identity, Operation operation, String address) {
    return current.get().permits(identity, operation, address);
  }

  /** Starts looking at the file (nothing to do for the defaults); stops with the Vert.x instance. */
  public void watch(Vertx vertx) {
    if (!source.isDefault()) {
      vertx.setPeriodic(CHECK_PERIOD_MS, t -> vertx.executeBlocking(this::check, false));
    }
  }

  /** Runs on a worker: reads the file if it changed since last seen. */
  private Void check() {
    FileTime now = modified();
    if (now == null || now.equals(seen)) {
      return null;
    }
    seen = now;
    try {
      var rules = source.reload();
      current.set(rules);
      LOG.log(Level.INFO, "address rules reloaded: {0} rules from {1}", rules.rules().size(), source.where());
    } catch (ConfigException e) {
      LOG.log(Level.WARNING, "address rules not reloaded, the previous rules stay in force: {0}", e.getMessage());
    }
    return null;
  }

  private FileTime modified() {
    try {
      return source.isDefault() ? null : Files.getLastModifiedTime(source.file());
    } catch (IOException e) {
      return null;
    }
  }
}
