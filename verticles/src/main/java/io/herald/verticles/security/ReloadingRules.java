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
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node's address rules, read again when their file changes, without a restart. Every HTTP
 * verticle instance asks the current rules, so a change applies to the next subscribe, publish or
 * send on every connection (subscriptions made before it stay). A file that no longer parses, or
 * is gone, is logged and ignored: the rules in force stay until the file is fixed.
 *
 * <p>A change is told by the file's content, not its modification time: a file read while half
 * written fails to parse, and the rest of the write may land within the same tick of the file
 * system's clock, which left the modification time as it was when the half was read.
 */
public final class ReloadingRules implements AddressRules {

  private static final Logger LOG = System.getLogger(ReloadingRules.class.getName());
  /** How often the file is read (a few kilobytes, on a worker): cheap, and quick enough for an operator. */
  static final long CHECK_PERIOD_MS = 1_000;

  private final RulesSource source;
  private final AtomicReference<AddressRules> current;
  // A check still running (a slow file system) makes the next ones skip rather than queue up.
  private final AtomicBoolean checking = new AtomicBoolean();
  // The file's content as last read (a few kilobytes), null while it cannot be read; written by one check at a time.
  private volatile byte[] seen;

  private ReloadingRules(RulesSource source, AddressRules initial, byte[] seen) {
    this.source = source;
    this.current = new AtomicReference<>(initial);
    this.seen = seen;
  }

  /**
   * The rules at start (call off the event loop). A rules file is read once, and the rules and the
   * content later checks compare with both come from that read: a second read could see another
   * content, or wait for good on a file that gives its content only once (a pipe).
   *
   * @throws ConfigException naming the file and the problem
   */
  public static ReloadingRules load(RulesSource source) {
    if (source.isDefault()) {
      return new ReloadingRules(source, source.load(), null);
    }
    byte[] content;
    try {
      content = Files.readAllBytes(source.file());
    } catch (IOException e) {
      throw new ConfigException(source.where() + ": cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    var rules = source.parse(content);
    LOG.log(Level.INFO, "address rules: {0} rules from {1}", rules.rules().size(), source.where());
    return new ReloadingRules(source, rules, content);
  }

  @Override
  public boolean permits(Identity identity, Operation operation, String address) {
    return current.get().permits(identity, operation, address);
  }

  /** Starts looking at the file (nothing to do for the defaults); stops with the Vert.x instance. */
  public void watch(Vertx vertx) {
    if (!source.isDefault()) {
      vertx.setPeriodic(CHECK_PERIOD_MS, t -> {
        if (checking.compareAndSet(false, true)) {
          vertx.executeBlocking(this::check, false).onComplete(done -> checking.set(false));
        }
      });
    }
  }

  /** Runs on a worker, one check at a time: reads the rules again if the file changed since last seen. */
  private Void check() {
    byte[] content = read();
    if (content == null) {
      if (seen != null) {
        seen = null;
        LOG.log(Level.WARNING, "address rules file cannot be read (gone?), the rules in force stay: {0}", source.where());
      }
      return null;
    }
    if (Arrays.equals(content, seen)) {
      return null;
    }
    seen = content;
    try {
      var rules = source.parse(content);
      current.set(rules);
      LOG.log(Level.INFO, "address rules reloaded: {0} rules from {1}", rules.rules().size(), source.where());
    } catch (ConfigException e) {
      LOG.log(Level.WARNING, "address rules not reloaded, the previous rules stay in force: {0}", e.getMessage());
    }
    return null;
  }

  /** The file's bytes, {@code null} when it cannot be read (deleted, say). */
  private byte[] read() {
    try {
      return Files.readAllBytes(source.file());
    } catch (IOException e) {
      return null;
    }
  }
}
