package io.herald.bridge.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where JWT verification keys come from and which claims are checked.
 *
 * @param hmacSecret the HS256 secret, or {@code null}
 * @param publicKeys PEM files of RSA (RS256) or EC P-256 (ES256) public keys
 * @param jwksFile a JSON Web Key Set file, or {@code null}
 * @param issuer required {@code iss}, or {@code null} to accept any
 * @param audience accepted {@code aud} values; empty to accept any
 * @param leeway clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}
 */
public record JwtSettings(String hmacSecret, List<Path> publicKeys, Path jwksFile, String issuer, List<String> audience, Duration leeway) {

  public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(5);
  public static final Duration MAX_LEEWAY = Duration.ofDays(1);

  public JwtSettings {
    publicKeys = List.copyOf(publicKeys);
    audience = List.copyOf(audience);
    if (leeway.isNegative() || leeway.compareTo(MAX_LEEWAY) > 0 || leeway.toNanos() % 1_000_000_000L != 0) {
      // Whole seconds, as tokens count time and the check at the door takes it: a live connection
      // then ends exactly when its token would be refused. Beyond a day, expiry means little.
      throw new IllegalArgumentException("leeway must be whole seconds from 0 to 24h");
    }
  }

  public static JwtSettings hmac(String secret) {
    return new JwtSettings(secret, List.of(), null, null, List.of(), DEFAULT_LEEWAY);
  }

  /** Whether any verification key is configured; without one a node runs in development mode. */
  public boolean hasKeys() {
    return hmacSecret != null || !publicKeys.isEmpty() || jwksFile != null;
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "JwtSettings[hmacSecret=" + (hmacSecret == null ? "none" : "****") + ", publicKeys=" + publicKeys
        + ", jwksFile=" + jwksFile + ", issuer=" + issuer + ", audience=" + audience + ", leeway=" + leeway + "]";
  }
}
