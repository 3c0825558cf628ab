package io.herald.bridge.history;

import io.herald.bridge.address.AddressQuery;
import io.herald.bridge.address.AddressRules;
import io.herald.bridge.auth.Authenticator;
import io.herald.bridge.envelope.Envelope;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.error.HttpErrors;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/history?address=A&since=P&limit=N}: an address's history over plain HTTP, for
 * clients that fetch rather than stream and for operators. Whoever may subscribe to an address may
 * read its history. Without {@code since} the page starts at the oldest event kept; with a
 * {@code since} that history cannot continue, it does too and says {@code "reset": true}.
 */
public final class HistoryApi implements Handler<RoutingContext> {

  public static final String PATH = "/api/history";
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private final History history;
  private final AddressRules rules;
  private final Authenticator authenticator;

  public HistoryApi(History history, AddressRules rules, Authenticator authenticator) {
    this.history = history;
    this.rules = rules;
    this.authenticator = authenticator;
  }

  @Override
  public void handle(RoutingContext rc) {
    authenticator.identify(rc.request())
        .compose(identity -> {
          String address = AddressQuery.subscribable(rc, identity, rules);
          if (!history.keeps(address)) {
            throw new HeraldException(ErrorCode.NOT_FOUND, "address " + address + " keeps no history");
          }
          return page(address, since(AddressQuery.one(rc, "since")), limit(AddressQuery.one(rc, "limit")));
        })
        .onSuccess(body -> rc.response().putHeader("content-type", "application/json").end(body.encode()))
        .onFailure(e -> HttpErrors.send(rc, HeraldException.of(e)));
  }

  private Future<JsonObject> page(String address, Position since, int limit) {
    Position from = since == null ? Position.NONE : since;
    return history.read(address, from.seq(), limit).compose(page -> {
      if (since == null || page.continues(since)) {
        return Future.succeededFuture(answer(address, page, false));
      }
      return history.read(address, 0, limit).map(all -> answer(address, all, true));
    });
  }

  private static JsonObject answer(String address, HistoryPage page, boolean reset) {
    JsonArray events = new JsonArray();
    Position next = null;
    for (StoredEvent stored : page.events()) {
      Envelope envelope = Envelope.replayed(address, page.epoch(), stored);
      events.add(new JsonObject(envelope.toJson()));
      next = envelope.position();
    }
    JsonObject answer = new JsonObject()
        .put("address", address)
        .put("epoch", page.epoch())
        .put("first", page.firstSeq())
        .put("last", page.lastSeq())
        .put("reset", reset)
        .put("events", events);
    if (next != null) {
      answer.put("next", next.toString());
    }
    return answer;
  }

  private static Position since(String text) {
    if (text == null) {
      return null;
    }
    Position position = Position.parse(text);
    if (position == null) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "since must be a position (an event id) such as 'Ab3dE9x2kQ.42'");
    }
    return position;
  }

  private static int limit(String text) {
    if (text == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new HeraldException(ErrorCode.BAD_REQUEST, "limit must be a number from 1 to " + MAX_LIMIT);
  }
}
