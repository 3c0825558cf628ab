package io.herald.bridge.publish;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.BridgeRuntime;
import io.herald.bridge.auth.Authenticator;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.target.Targets;
import io.herald.bridge.error.HttpErrors;
import io.herald.bridge.envelope.EventNames;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/publish} with {@code {"address","type","data"}} or an array of those: answers 202
 * (instead of {@code address}, a target: {@code user}, {@code group}, {@code connection} or
 * {@code "everyone": true}; see {@link Targets})
 * with the ids assigned, in order. A batch is checked whole before any of it is published, so a bad
 * item publishes nothing.
 */
public final class PublishApi implements Handler<RoutingContext> {

  public static final String PATH = "/api/publish";
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private final Publisher publisher;
  private final BridgeOptions options;
  private final Authenticator authenticator;

  public PublishApi(BridgeRuntime runtime) {
    this.publisher = runtime.publisher();
    this.options = runtime.options();
    this.authenticator = runtime.authenticator();
  }

  @Override
  public void handle(RoutingContext rc) {
    authenticator.identify(rc.request())
        .map(identity -> check(identity, parse(rc.body().buffer())))
        .onSuccess(events -> publish(rc, events))
        .onFailure(e -> HttpErrors.send(rc, HeraldException.of(e)));
  }

  /** Issued in order, so events of one address keep the order they had in the request. */
  private void publish(RoutingContext rc, List<Publisher.Checked> events) {
    if (events.size() == 1) {
      publisher.publish(events.get(0))
          .onSuccess(id -> accepted(rc, List.of(id)))
          .onFailure(e -> HttpErrors.send(rc, HeraldException.of(e)));
      return;
    }
    List<Future<String>> ids = new ArrayList<>(events.size());
    for (Publisher.Checked event : events) {
      ids.add(publisher.publish(event));
    }
    Future.all(ids)
        .onSuccess(all -> accepted(rc, all.list()))
        .onFailure(e -> HttpErrors.send(rc, HeraldException.of(e)));
  }

  /** {@code 202 {"ids":[…]}}, written as text: an id is a token ({@link EventNames}) that needs no escaping. */
  private static void accepted(RoutingContext rc, List<String> ids) {
    StringBuilder body = new StringBuilder(16 + ids.size() * 24).append("{\"ids\":[");
    for (int i = 0; i < ids.size(); i++) {
      body.append(i == 0 ? "\"" : ",\"").append(ids.get(i)).append('"');
    }
    rc.response()
        .setStatusCode(202)
        .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
        .end(body.append("]}").toString());
  }

  private static Object parse(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new HeraldException(ErrorCode.BAD_JSON, "the body must be a JSON object or array");
    }
    try {
      return Json.decodeValue(body);
    } catch (RuntimeException e) {
      throw new HeraldException(ErrorCode.BAD_JSON, "the body is not valid JSON");
    }
  }

  private List<Publisher.Checked> check(Identity identity, Object parsed) {
    JsonArray items;
    if (parsed instanceof JsonObject single) {
      items = new JsonArray().add(single);
    } else if (parsed instanceof JsonArray batch) {
      if (batch.isEmpty()) {
        throw new HeraldException(ErrorCode.BAD_JSON, "the array holds no event");
      }
      if (batch.size() > options.getMaxEventsPerPublish()) {
        throw new HeraldException(ErrorCode.TOO_MANY_EVENTS, "at most " + options.getMaxEventsPerPublish() + " events per request");
      }
      items = batch;
    } else {
      throw new HeraldException(ErrorCode.BAD_JSON, "the body must be a JSON object or array");
    }
    List<Publisher.Checked> checked = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      if (!(items.getValue(i) instanceof JsonObject event)) {
        throw new HeraldException(ErrorCode.BAD_JSON, where(i, items.size()) + "an event must be a JSON object");
      }
      try {
        checked.add(publisher.check(identity, Targets.addressOf(event), event.getValue("type"), event.getValue("data")));
      } catch (HeraldException e) {
        throw new HeraldException(e.code(), where(i, items.size()) + e.getMessage());
      }
    }
    return checked;
  }

  private static String where(int index, int size) {
    return size == 1 ? "" : "event " + index + ": ";
  }
}
