package io.herald.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** Signs Herald tokens (HS256) with the secret the server under test was started with. */
final class Tokens {

  private final JWTAuth signer;

  Tokens(Vertx vertx, String secret) {
    this.signer = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
  }

  String subscriber(String sub) {
    return signer.generateToken(new JsonObject().put("sub", sub),
        new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(6 * 3600));
  }

  String publisher() {
    return signer.generateToken(new JsonObject().put("sub", "bench-publisher").put("roles", new JsonArray().add("publisher")),
        new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(6 * 3600));
  }
}
