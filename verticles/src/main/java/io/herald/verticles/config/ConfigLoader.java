package io.herald.verticles.config;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.history.HistoryPolicy;
import io.herald.bridge.auth.JwtSettings;
import io.netty.util.NetUtil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
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
  private static final Pattern SIZE = Pattern.compile("(?i)(\\d+)\\s*(b|k|kb|kib|m|mb|mib)?");

  private ConfigLoader() {}

  /**
   * @param args command-line arguments: {@code --key value}, {@code --key=value}, or a bare switch
   * @param env the environment; only {@code HERALD_*} variables are read, and an unknown one is an error
   */
  public static HeraldConfig load(String[] args, Map<String, String> env) {
    Map<Setting, String> raw = new EnumMap<>(Setting.class);
    for (Setting setting : Setting.values()) {
      raw.put(setting, setting.defaultValue());
    }
    readEnvironment(env, raw);
    readFlags(args, raw);
    return parse(raw);
  }

  private static void readEnvironment(Map<String, String> env, Map<Setting, String> raw) {
    for (Map.Entry<String, String> variable : env.entrySet()) {
      if (!variable.getKey().startsWith("HERALD_")) {
        continue;
      }
      Setting setting = Arrays.stream(Setting.values()).filter(s -> s.env().equals(variable.getKey())).findFirst()
          .orElseThrow(() -> new ConfigException("unknown environment variable " + variable.getKey()
              + " (known: " + Arrays.stream(Setting.values()).map(Setting::env).toList() + ")"));
      raw.put(setting, variable.getValue());
    }
  }

  private static void readFlags(String[] args, Map<Setting, String> raw) {
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
      raw.put(setting, value);
    }
  }

  private static HeraldConfig parse(Map<Setting, String> raw) {
    BridgeOptions bridge;
    try {
      bridge = new BridgeOptions()
          .setMaxFrameSize(size(raw, Setting.MAX_FRAME_SIZE))
          .setMaxBodySize(size(raw, Setting.MAX_BODY_SIZE))
          .setQueueSize(integer(raw, Setting.QUEUE_SIZE, 1, 1_000_000))
          .setMaxSubscriptions(integer(raw, Setting.MAX_SUBSCRIPTIONS, 1, 100_000))
          .setHeartbeatInterval(duration(raw, Setting.HEARTBEAT_INTERVAL))
          .setIdleTimeout(duration(raw, Setting.IDLE_TIMEOUT))
          .setReplyTimeout(duration(raw, Setting.REPLY_TIMEOUT))
          .setTransports(new LinkedHashSet<>(Arrays.stream(raw.get(Setting.TRANSPORTS).split(","))
              .map(String::trim).filter(t -> !t.isEmpty()).toList()));
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
        optionalPath(raw, Setting.RULES),
        bool(raw, Setting.ACCESS_LOG),
        raw.get(Setting.WEBROOT),
        bool(raw, Setting.TICKER),
        cluster,
        raw.get(Setting.CLUSTER_CONFIG),
        history(raw),
        advertisedHost(raw, host, cluster),
        positive(raw, Setting.SHUTDOWN_TIMEOUT),
        atLeast(raw, Setting.LIVENESS_TIMEOUT, Duration.ofSeconds(2)));
  }

  private static HistoryPolicy history(Map<Setting, String> raw) {
    try {
      return HistoryPolicy.parse(raw.get(Setting.HISTORY));
    } catch (IllegalArgumentException e) {
      throw problem(Setting.HISTORY, raw, e.getMessage());
    }
  }

  /** The advertised host, or the HTTP host; a wildcard HTTP host names no host another node could reach. */
  private static String advertisedHost(Map<Setting, String> raw, String httpHost, boolean cluster) {
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

  private static JwtSettings jwt(Map<Setting, String> raw) {
    String secret = raw.get(Setting.JWT_SECRET);
    if (!secret.isEmpty() && secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
      // The value itself is never echoed: it is a secret.
      throw new ConfigException(Setting.JWT_SECRET.flag() + " / " + Setting.JWT_SECRET.env() + ": the HS256 secret must be at least 32 bytes");
    }
    return new JwtSettings(
        secret.isEmpty() ? null : secret,
        list(raw, Setting.JWT_PUBLIC_KEYS).stream().map(Path::of).toList(),
        optionalPath(raw, Setting.JWT_JWKS),
        raw.get(Setting.JWT_ISSUER).isBlank() ? null : raw.get(Setting.JWT_ISSUER).trim(),
        list(raw, Setting.JWT_AUDIENCE),
        duration(raw, Setting.JWT_LEEWAY));
  }

  private static List<String> list(Map<Setting, String> raw, Setting setting) {
    return Arrays.stream(raw.get(setting).split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
  }

  private static Path optionalPath(Map<Setting, String> raw, Setting setting) {
    String value = raw.get(setting).trim();
    return value.isEmpty() ? null : Path.of(value);
  }

  private static int integer(Map<Setting, String> raw, Setting setting, int min, int max) {
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

  private static int size(Map<Setting, String> raw, Setting setting) {
    Matcher m = SIZE.matcher(raw.get(setting).trim());
    if (m.matches()) {
      String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
      long factor = unit.startsWith("k") ? 1024 : unit.startsWith("m") ? 1024 * 1024 : 1;
      try {
        long bytes = Math.multiplyExact(Long.parseLong(m.group(1)), factor);
        if (bytes <= Integer.MAX_VALUE) {
          return (int) bytes;
        }
      } catch (ArithmeticException | NumberFormatException e) {
        // reported below
      }
    }
    throw problem(setting, raw, "expected a size in bytes such as 65536, 64KiB or 1MiB");
  }

  private static Duration duration(Map<Setting, String> raw, Setting setting) {
    Matcher m = DURATION.matcher(raw.get(setting).trim());
    if (m.matches()) {
      try {
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw problem(setting, raw, "expected a duration such as 500ms, 15s, 2m or 1h");
  }

  private static Duration positive(Map<Setting, String> raw, Setting setting) {
    Duration value = duration(raw, setting);
    if (value.isZero()) {
      throw problem(setting, raw, "expected a duration above zero");
    }
    return value;
  }

  private static Duration atLeast(Map<Setting, String> raw, Setting setting, Duration min) {
    Duration value = duration(raw, setting);
    if (value.compareTo(min) < 0) {
      throw problem(setting, raw, "expected at least " + min.toSeconds() + "s");
    }
    return value;
  }

  private static boolean bool(Map<Setting, String> raw, Setting setting) {
    String value = raw.get(setting).trim().toLowerCase(Locale.ROOT);
    if (isBoolean(value)) {
      return value.equals("true");
    }
    throw problem(setting, raw, "expected true or false");
  }

  private static boolean isBoolean(String value) {
    return value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
  }

  private static ConfigException problem(Setting setting, Map<Setting, String> raw, String expected) {
    String got = setting == Setting.JWT_SECRET ? "****" : raw.get(setting);
    return new ConfigException(setting.flag() + " / " + setting.env() + ": " + expected + ", got '" + got + "'");
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
