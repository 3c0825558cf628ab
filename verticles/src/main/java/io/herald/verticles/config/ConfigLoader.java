package io.herald.verticles.config;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.history.HistoryPolicy;
import io.herald.bridge.presence.PresencePolicy;
import io.herald.bridge.auth.JwtSettings;
import io.netty.util.NetUtil;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads settings from flags and environment variables. Anything it does not know fails the start
 * with a message naming it: a typo must not silently fall back to a default.
 */
public final class ConfigLoader {

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
  /** HTTP hosts that mean every interface: not an address another node could connect to. */
  private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0");
  /** A DNS name or an IPv4 address. */
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
  /** The shape of what Kubernetes sets in a pod for a Service named {@code herald}: no setting, yet refused like one. */
  private static final Pattern SERVICE_LINK = Pattern.compile("HERALD(_[A-Z0-9_]+)?_(SERVICE_HOST|SERVICE_PORT|PORT)(_[A-Z0-9_]+)?");
  private static final String SERVICE_LINK_HINT = ", as Kubernetes sets for a Service named herald"
      + " (set enableServiceLinks: false in the pod spec)";
  /** The smallest frame and body {@link BridgeOptions} take. */
  private static final int MIN_FRAME_SIZE = 256;
  private static final Set<String> TRANSPORTS = Set.of("websocket", "sse", "sockjs");
  private static final Pattern SIZE = Pattern.compile("(?i)(\\d+)\\s*(b|k|kb|kib|m|mb|mib)?");

  private ConfigLoader() {}

  /**
   * @param args command-line arguments: {@code --key value}, {@code --key=value}, or a bare switch
   * @param env the environment; only {@code HERALD_*} variables are read, and an unknown one is an error
   */
  public static HeraldConfig load(String[] args, Map<String, String> env) {
    RawSettings raw = new RawSettings();
    JsonObject inlineRules = read(args, env, raw);
    return parse(raw, inlineRules);
  }

  /**
   * The effective configuration as {@code --print-config} shows it: every setting's value and where
   * it came from, secrets masked.
   */
  public static JsonObject effective(String[] args, Map<String, String> env) {
    RawSettings raw = new RawSettings();
    JsonObject inlineRules = read(args, env, raw);
    parse(raw, inlineRules);
    JsonObject settings = new JsonObject();
    for (Setting setting : Setting.values()) {
      String value = raw.get(setting);
      settings.put(setting.key(), new JsonObject()
          .put("value", setting.isSecret() && !value.isEmpty() ? "****" : value)
          .put("from", raw.isDefault(setting) ? "default" : raw.origin(setting)));
    }
    return inlineRules == null ? settings : settings.put("rules", settings.getJsonObject("rules").put("inline", inlineRules));
  }

  /** The file first, then the environment, then flags: each overrides what came before. */
  private static JsonObject read(String[] args, Map<String, String> env, RawSettings raw) {
    RawSettings given = new RawSettings();
    readEnvironment(env, given);
    readFlags(args, given);
    String file = given.get(Setting.CONFIG).trim();
    JsonObject inlineRules = null;
    if (!file.isEmpty()) {
      Path path = Path.of(file);
      ConfigFile.Contents contents = ConfigFile.read(path);
      contents.settings().forEach((setting, value) ->
          raw.put(setting, value, ConfigFile.where(path) + ", key '" + setting.key() + "'"));
      inlineRules = contents.inlineRules();
    }
    for (Setting setting : Setting.values()) {
      if (!given.isDefault(setting)) {
        raw.put(setting, given.get(setting), given.origin(setting));
        if (setting == Setting.RULES) {
          inlineRules = null;
        }
      }
    }
    return inlineRules;
  }

  private static void readEnvironment(Map<String, String> env, RawSettings raw) {
    for (Map.Entry<String, String> variable : env.entrySet()) {
      if (!variable.getKey().startsWith("HERALD_")) {
        continue;
      }
      Setting setting = Arrays.stream(Setting.values()).filter(s -> s.env().equals(variable.getKey())).findFirst()
          .orElseThrow(() -> new ConfigException("unknown environment variable " + variable.getKey()
              + (SERVICE_LINK.matcher(variable.getKey()).matches() ? SERVICE_LINK_HINT : "")
              + " (known: " + Arrays.stream(Setting.values()).map(Setting::env).toList() + ")"));
      raw.put(setting, variable.getValue(), variable.getKey());
    }
  }

  private static void readFlags(String[] args, RawSettings raw) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new ConfigException("unexpected argument '" + arg + "' (settings are flags such as --http-port 8081)");
      }
      String name = arg.substring(2);
      String value = null;
      int equals = name.indexOf('=');
      if (equals >= 0) {
        value = name.substring(equals + 1);
        name = name.substring(0, equals);
      }
      Setting setting = Setting.byKey(name);
      if (setting == null) {
        throw new ConfigException("unknown option --" + name + " (see --help)");
      }
      if (value == null) {
        boolean nextIsValue = i + 1 < args.length && !args[i + 1].startsWith("--");
        if (setting.isSwitch() && (!nextIsValue || !isBoolean(args[i + 1]))) {
          value = "true";
        } else if (nextIsValue) {
          value = args[++i];
        } else {
          throw new ConfigException(setting.flag() + " needs a value");
        }
      }
      raw.put(setting, value, setting.flag());
    }
  }

  private static HeraldConfig parse(RawSettings raw, JsonObject inlineRules) {
    // Each value is checked here against the bridge's own limits, so that a refusal names the setting
    // where the operator wrote it rather than the bridge's field.
    BridgeOptions bridge;
    try {
      bridge = new BridgeOptions()
          .setMaxFrameSize(size(raw, Setting.MAX_FRAME_SIZE, MIN_FRAME_SIZE))
          .setMaxBodySize(size(raw, Setting.MAX_BODY_SIZE, MIN_FRAME_SIZE))
          .setQueueSize(integer(raw, Setting.QUEUE_SIZE, 1, 1_000_000))
          .setMaxSubscriptions(integer(raw, Setting.MAX_SUBSCRIPTIONS, 1, 100_000))
          .setHeartbeatInterval(positive(raw, Setting.HEARTBEAT_INTERVAL))
          .setIdleTimeout(positive(raw, Setting.IDLE_TIMEOUT))
          .setReplyTimeout(positive(raw, Setting.REPLY_TIMEOUT))
          .setTransports(transports(raw));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    String host = raw.get(Setting.HTTP_HOST).trim();
    if (host.isEmpty()) {
      throw problem(Setting.HTTP_HOST, raw, "expected a host name or address");
    }
    boolean cluster = bool(raw, Setting.CLUSTER);
    return new HeraldConfig(
        host,
        integer(raw, Setting.HTTP_PORT, 0, 65535),
        integer(raw, Setting.HTTP_INSTANCES, 1, 1024),
        bridge,
        jwt(raw),
        rules(raw, inlineRules),
        bool(raw, Setting.ACCESS_LOG),
        logFormat(raw),
        raw.get(Setting.WEBROOT),
        bool(raw, Setting.TICKER),
        cluster,
        clusterConfig(raw, cluster),
        history(raw),
        presence(raw),
        advertisedHost(raw, host, cluster),
        positive(raw, Setting.SHUTDOWN_TIMEOUT),
        atLeast(raw, Setting.LIVENESS_TIMEOUT, Duration.ofSeconds(2)));
  }

  /**
   * The Hazelcast file. Only the default falls back to the jar's copy when absent: a file named on
   * purpose that is not there (a mistyped mount path) would start the node on the jar's loopback
   * discovery, a cluster of its own beside the one it was meant to join.
   */
  private static String clusterConfig(RawSettings raw, boolean cluster) {
    String file = raw.get(Setting.CLUSTER_CONFIG).trim();
    if (cluster && !raw.isDefault(Setting.CLUSTER_CONFIG) && !Files.isRegularFile(Path.of(file))) {
      throw problem(Setting.CLUSTER_CONFIG, raw, "expected a Hazelcast configuration file");
    }
    return file;
  }

  private static HistoryPolicy history(RawSettings raw) {
    try {
      return HistoryPolicy.parse(raw.get(Setting.HISTORY));
    } catch (IllegalArgumentException e) {
      throw problem(Setting.HISTORY, raw, e.getMessage());
    }
  }

  private static PresencePolicy presence(RawSettings raw) {
    try {
      return PresencePolicy.parse(raw.get(Setting.PRESENCE));
    } catch (IllegalArgumentException e) {
      throw problem(Setting.PRESENCE, raw, e.getMessage());
    }
  }

  /** The advertised host, or the HTTP host; a wildcard HTTP host names no host another node could reach. */
  private static String advertisedHost(RawSettings raw, String httpHost, boolean cluster) {
    String host = raw.get(Setting.ADVERTISED_HOST).trim();
    if (host.isEmpty()) {
      if (cluster && WILDCARDS.contains(httpHost)) {
        throw problem(Setting.ADVERTISED_HOST, raw, "a host the other nodes can reach, since --http-host "
            + httpHost + " means every interface");
      }
      return httpHost;
    }
    boolean bracketed = host.startsWith("[") && host.endsWith("]");
    String bare = bracketed ? host.substring(1, host.length() - 1) : host;
    boolean valid = bracketed || bare.indexOf(':') >= 0 ? NetUtil.isValidIpV6Address(bare) : HOST_NAME.matcher(bare).matches();
    if (!valid) {
      throw problem(Setting.ADVERTISED_HOST, raw, "expected a host name or address, without a port");
    }
    return bare;
  }

  private static JwtSettings jwt(RawSettings raw) {
    String secret = raw.get(Setting.JWT_SECRET);
    if (!secret.equals(secret.strip())) {
      // Refused rather than trimmed: the issuer may sign with the value as it is, whitespace and
      // all, or without it; only the operator knows. Usually a newline from the file the
      // environment variable or Kubernetes Secret was made from, which would verify no token.
      throw new ConfigException(raw.origin(Setting.JWT_SECRET)
          + ": the HS256 secret begins or ends with whitespace (a newline from the file it was made from?); remove it");
    }
    if (!secret.isEmpty() && secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
      // The value itself is never echoed: it is a secret.
      throw new ConfigException(raw.origin(Setting.JWT_SECRET) + ": the HS256 secret must be at least 32 bytes");
    }
    Duration leeway = duration(raw, Setting.JWT_LEEWAY);
    try {
      return new JwtSettings(
          secret.isEmpty() ? null : secret,
          list(raw, Setting.JWT_PUBLIC_KEYS).stream().map(Path::of).toList(),
          optionalPath(raw, Setting.JWT_JWKS),
          raw.get(Setting.JWT_ISSUER).isBlank() ? null : raw.get(Setting.JWT_ISSUER).trim(),
          list(raw, Setting.JWT_AUDIENCE),
          leeway);
    } catch (IllegalArgumentException e) {
      throw problem(Setting.JWT_LEEWAY, raw, "expected whole seconds from 0s to 24h");
    }
  }

  private static List<String> list(RawSettings raw, Setting setting) {
    return Arrays.stream(raw.get(setting).split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
  }

  private static Path optionalPath(RawSettings raw, Setting setting) {
    String value = raw.get(setting).trim();
    return value.isEmpty() ? null : Path.of(value);
  }

  private static int integer(RawSettings raw, Setting setting, int min, int max) {
    try {
      int value = Integer.parseInt(raw.get(setting).trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw problem(setting, raw, "expected a whole number from " + min + " to " + max);
  }

  private static int size(RawSettings raw, Setting setting, int min) {
    Matcher m = SIZE.matcher(raw.get(setting).trim());
    if (m.matches()) {
      String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
      long factor = unit.startsWith("k") ? 1024 : unit.startsWith("m") ? 1024 * 1024 : 1;
      long bytes;
      try {
        bytes = Math.multiplyExact(Long.parseLong(m.group(1)), factor);
      } catch (ArithmeticException | NumberFormatException e) {
        bytes = Long.MAX_VALUE;
      }
      if (bytes < min) {
        throw problem(setting, raw, "expected a size of at least " + min + " bytes");
      }
      if (bytes <= Integer.MAX_VALUE) {
        return (int) bytes;
      }
    }
    throw problem(setting, raw, "expected a size in bytes such as 65536, 64KiB or 1MiB");
  }

  private static Set<String> transports(RawSettings raw) {
    Set<String> transports = new LinkedHashSet<>(list(raw, Setting.TRANSPORTS));
    if (transports.isEmpty() || !TRANSPORTS.containsAll(transports)) {
      throw problem(Setting.TRANSPORTS, raw, "expected some of websocket, sse and sockjs, comma-separated");
    }
    return transports;
  }

  private static Duration duration(RawSettings raw, Setting setting) {
    Matcher m = DURATION.matcher(raw.get(setting).trim());
    if (m.matches()) {
      try {
        long amount = Long.parseLong(m.group(1));
        Duration value = switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };
        // Every duration is used in milliseconds: one too long for them is as wrong as a typo.
        value.toMillis();
        return value;
      } catch (NumberFormatException | ArithmeticException e) {
        // reported below
      }
    }
    throw problem(setting, raw, "expected a duration such as 500ms, 15s, 2m or 1h");
  }

  private static Duration positive(RawSettings raw, Setting setting) {
    Duration value = duration(raw, setting);
    if (value.isZero()) {
      throw problem(setting, raw, "expected a duration above zero");
    }
    return value;
  }

  private static Duration atLeast(RawSettings raw, Setting setting, Duration min) {
    Duration value = duration(raw, setting);
    if (value.compareTo(min) < 0) {
      throw problem(setting, raw, "expected at least " + min.toSeconds() + "s");
    }
    return value;
  }

  private static boolean bool(RawSettings raw, Setting setting) {
    String value = raw.get(setting).trim().toLowerCase(Locale.ROOT);
    if (isBoolean(value)) {
      return value.equals("true");
    }
    throw problem(setting, raw, "expected true or false");
  }

  private static boolean isBoolean(String value) {
    return value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
  }

  private static ConfigException problem(Setting setting, RawSettings raw, String expected) {
    String got = setting.isSecret() ? "****" : raw.get(setting);
    return new ConfigException(raw.origin(setting) + ": " + expected + ", got '" + got + "'");
  }

  private static boolean logFormat(RawSettings raw) {
    String format = raw.get(Setting.LOG_FORMAT).trim().toLowerCase(Locale.ROOT);
    if (!format.equals("text") && !format.equals("json")) {
      throw problem(Setting.LOG_FORMAT, raw, "expected text or json");
    }
    return format.equals("json");
  }

  /** The rules: written in the config file, in a rules file, or the defaults. */
  private static RulesSource rules(RawSettings raw, JsonObject inlineRules) {
    Path file = optionalPath(raw, Setting.RULES);
    if (inlineRules != null) {
      return RulesSource.inline(file, inlineRules);
    }
    return file == null ? RulesSource.DEFAULTS : RulesSource.file(file);
  }

  /** The settings table printed by {@code --help}. */
  public static String usage() {
    StringBuilder out = new StringBuilder("Usage: java -jar herald.jar [--setting value ...]\n\n");
    for (Setting setting : Setting.values()) {
      out.append(String.format("  %-24s %-28s default %s%n      %s%n", setting.flag(), setting.env(), setting.defaultValue(), setting.description()));
    }
    return out.toString();
  }
}
