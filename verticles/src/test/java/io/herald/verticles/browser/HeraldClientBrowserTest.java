package io.herald.verticles.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.support.Http;
import io.herald.bridge.target.Targets;
import io.herald.verticles.NodeDeployment;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * herald.js itself, on a page of the node's origin that holds nothing else: each test makes its own
 * clients ({@code window.Herald}) with development tokens ({@code tokenFor('sub=…')}) and drives them
 * against a real standalone node, so the node's connection count is the clients' sockets and streams.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class HeraldClientBrowserTest {

  private Browser browser;
  private Vertx vertx;
  private HttpClient http;
  private NodeDeployment node;

  @BeforeAll
  void start() {
    browser = Browser.start(1000, 760);
    vertx = Vertx.vertx();
    http = vertx.createHttpClient();
    node = Pages.developmentNode(vertx);
  }

  @AfterAll
  void stop() {
    Pages.close(browser, vertx);
  }

  /**
   * A page of the node's origin with herald.js loaded and no client: the test's clients, made with
   * {@code heraldClient(options)}, are the node's only ones. The previous test's clients are closed first:
   * Chromium keeps a page it navigates away from in its back/forward cache, sockets open.
   */
  @BeforeEach
  void blankPage() {
    browser.script("(window.clients || []).forEach(c => c.close());");
    browser.reset();
    browser.open(Pages.url(node, "/herald.js"));
    Object loaded = browser.asyncScript("import('/herald.js').then(m => {"
        + " window.Herald = m.Herald;"
        + " window.clients = [];"
        + " window.heraldClient = (options) => { const c = new Herald(location.origin, options); clients.push(c); return c; };"
        + " window.tokenFor = (query) => () => fetch('/dev/token?' + query).then(r => r.text());"
        + " done(true); }, e => done(String(e)));");
    assertEquals(true, loaded, "herald.js loaded");
    awaitConnections(0);
  }

  /**
   * A request the node refuses before it reaches the bus (here {@code forbidden}: the token has no
   * {@code publisher} role, which sending takes) is answered with an {@code err} frame addressed to
   * the service and carrying the frame's {@code ref}, not to the reply address: the promise must
   * reject with that code rather than wait forever.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"websocket", "sockjs"})
  void aRequestRefusedBeforeTheBusRejectsWithTheErrorCode(String transport) {
    Map<String, Object> outcome = browser.asyncScript("(async () => {"
        + " const client = heraldClient({token: tokenFor('sub=reader'), transports: [arguments[0]]});"
        + " await client.connect();"
        + " try { return {reply: await client.request('service.echo', {text: 'hi'})}; }"
        + " catch (e) { return {code: e.code, message: e.message}; }"
        + " finally { client.close(); }"
        + " })().then(done, e => done({error: String(e)}));", transport);
    assertEquals("forbidden", outcome.get("code"), () -> "the request's outcome: " + outcome);
  }

  /**
   * A stream the node refuses says why in its body, {@code {"error":{"code","message"}}}: the page
   * hears that code and message, not only the status.
   */
  @Test
  void aRefusedSseStreamReportsTheNodesErrorCodeAndMessage() {
    browser.script("window.busy = heraldClient({token: tokenFor('sub=refused'), transports: ['sse']});"
        + " window.errors = []; busy.on('error', e => errors.push(e));"
        + " busy.subscribe('secret.plans', () => {}); busy.connect();");
    Map<String, Object> error = browser.await("an error", "errors[0]");
    browser.script("busy.close();");
    assertEquals("sse", error.get("transport"), () -> "the error: " + error);
    assertEquals("forbidden", error.get("code"), () -> "the error: " + error);
    assertTrue(String.valueOf(error.get("message")).contains("secret.plans"), () -> "the error: " + error);
  }

  /**
   * A subscription the node refuses is not kept: subscribe() rejects with the code and the client
   * is left without the address. Kept, it came back with every later change: over SSE every stream
   * the client opened afterwards (a later subscribe, a token refresh, a reconnect) asked for it
   * again and was refused whole.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"websocket", "sse"})
  void aRefusedSubscriptionIsNotKept(String transport) {
    Map<String, Object> outcome = browser.asyncScript("(async () => {"
        + " const client = heraldClient({token: tokenFor('sub=curious'), transports: [arguments[0]]});"
        + " await client.connect();"
        + " const refused = await client.subscribe('secret.plans', () => {}).then(() => 'subscribed', e => e.code || String(e.message || e));"
        + " const later = await client.subscribe('public.news', () => {}).then(() => 'subscribed', e => e.code || String(e.message || e));"
        + " const addresses = client.addresses();"
        + " client.close();"
        + " return {refused, later, addresses};"
        + " })().then(done, e => done({error: String(e)}));", transport);
    assertEquals("forbidden", outcome.get("refused"), () -> "the outcome: " + outcome);
    assertEquals("subscribed", outcome.get("later"), () -> "the outcome: " + outcome);
    assertEquals(List.of("public.news"), outcome.get("addresses"), () -> "the outcome: " + outcome);
  }

  /**
   * Over SSE a subscribe opens a new stream; a close() meanwhile ends the client for good. The new
   * stream must not bring it back: it was linked once open, the client was "connected" again after
   * close(), and the stream stayed open with nothing left to close it.
   */
  @Test
  void aStreamOpenedForASubscribeDoesNotOutliveClose() {
    Map<String, Object> outcome = browser.asyncScript("(async () => {"
        + " const client = heraldClient({token: tokenFor('sub=leaving'), transports: ['sse']});"
        + " await client.connect();"
        + " const subscribing = client.subscribe('public.news', () => {});"
        + " client.close();"
        + " await subscribing.catch(() => {});"
        + " return {state: client.state, link: client.link !== null};"
        + " })().then(done, e => done({error: String(e)}));");
    assertEquals(Map.of("state", "closed", "link", false), outcome);
    awaitConnections(0);
  }

  /**
   * Two subscribes at once over SSE each opened a new stream from the old one, and the client took
   * whichever connected first: the other's address was lost (or, before streams that connect too
   * late were closed, the other was linked over it and the first never closed). Here the second
   * new stream answers only once the first is linked, the order that lost an address. Once both
   * subscribes are done the client receives both addresses over one stream, and after close() over none.
   */
  @Test
  void subscribesAtOnceOverSseLeaveOneStreamWithEveryAddress() {
    Map<String, Object> outcome = browser.asyncScript("(async () => {"
        + " const client = window.busy = heraldClient({token: tokenFor('sub=busy&roles=publisher'), transports: ['sse']});"
        + " let linked = 0, secondLinked;"
        + " const second = new Promise(r => secondLinked = r);"
        + " client.on('connected', () => { if (++linked === 2) secondLinked(); });"
        + " const real = window.fetch;"
        + " let streams = 0;"
        + " window.fetch = (url, init) => {"
        + "   if (!String(url).includes('/sse')) return real(url, init);"
        + "   const after = ++streams === 3 ? second : Promise.resolve();"
        + "   return real(url, init).then(r => after.then(() => r));"
        + " };"
        + " await client.connect();"
        + " window.received = [];"
        + " await Promise.all(['public.one', 'public.two'].map(a => client.subscribe(a, (data, e) => received.push(a + ' ' + data))));"
        + " const token = await client.token(false);"
        + " for (const address of ['public.one', 'public.two']) await fetch('/api/publish', {method: 'POST',"
        + "   body: JSON.stringify({address, data: 'after'}), headers: {Authorization: 'Bearer ' + token}});"
        + " return {streams};"
        + " })().then(done, e => done({error: String(e)}));");
    assertEquals(null, outcome.get("error"), () -> "the page: " + outcome);
    browser.await("an event on each address", "received.includes('public.one after') && received.includes('public.two after')");
    awaitConnections(1);
    browser.script("busy.close();");
    awaitConnections(0);
  }

  /**
   * A subscribe or unsubscribe made while the client is connecting (or reconnecting), after the
   * transport took the client's addresses but before it is usable, had no link to go over and was
   * never sent: the new address got nothing, the old one went on arriving. The page here holds the
   * handshake (the SSE response, or the WebSocket frames after the welcome) to make that moment.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"websocket", "sse"})
  void aSubscriptionChangedWhileConnectingIsSentOnceConnected(String transport) {
    Map<String, Object> outcome = browser.asyncScript("(async () => {"
        + " let release, started;"
        + " const held = new Promise(r => release = r), handshake = new Promise(r => started = r);"
        + " if (arguments[0] === 'sse') {"
        + "   const real = window.fetch;"
        + "   window.fetch = (url, init) => String(url).includes('/sse') ? (started(), real(url, init).then(r => held.then(() => r)))"
        + "     : real(url, init);"
        + " } else {"
        + "   window.WebSocket = class extends WebSocket {"
        + "     set onmessage(f) { let first = true;"
        + "       super.onmessage = (e) => { if (first) { first = false; f(e); started(); } else held.then(() => f(e)); }; }"
        + "   };"
        + " }"
        + " const token = await tokenFor('sub=changing&roles=publisher')();"
        + " const client = heraldClient({token, transports: [arguments[0]]});"
        + " const received = [];"
        + " client.on('event', e => received.push(e.address + ' ' + e.data));"
        + " await client.subscribe('public.old', () => {});"
        + " const connected = client.connect();"
        + " await handshake;"
        + " client.subscribe('public.new', () => {});"
        + " client.unsubscribe('public.old');"
        + " release();"
        + " await connected;"
        + " const publish = (address, data) => fetch('/api/publish', {method: 'POST', body: JSON.stringify({address, data}),"
        + "   headers: {Authorization: 'Bearer ' + token}});"
        + " const until = (test, bound) => new Promise(resolve => { const at = Date.now();"
        + "   const check = () => test() || Date.now() - at > bound ? resolve() : setTimeout(check, 50); check(); });"
        + " const got = (what) => () => received.includes(what);"
        + " for (let n = 1; !received.some(r => r.startsWith('public.new ')); n++) {"
        + "   await publish('public.new', String(n));"
        + "   await until(() => received.some(r => r.startsWith('public.new ')), 500);"
        + " }"
        + " await publish('public.old', 'after');"
        + " await publish('public.new', 'last');"
        + " await until(got('public.new last'), Infinity);"
        + " client.close();"
        + " return {old: received.filter(r => r.startsWith('public.old ')), transport: client.connection.transport};"
        + " })().then(done, e => done({error: String(e)}));", transport);
    assertEquals(Map.of("old", List.of(), "transport", transport), outcome);
  }

  /**
   * The token function is asked again when a token was refused or expired, typically just after a
   * network failure, when the token service may be out of reach too. Its failure ended that
   * connection attempt without scheduling another: the client stayed "reconnecting" for good. Here
   * it fails the first time it is asked: the client must retry and connect.
   */
  @Test
  void aFailingTokenFunctionIsRetriedLikeAFailedConnection() {
    Map<String, Object> outcome = browser.asyncScript("(async () => {"
        + " let asked = 0;"
        + " const token = () => ++asked === 1 ? Promise.reject(new Error('token service unreachable'))"
        + "   : fetch('/dev/token?sub=patient').then(r => r.text());"
        + " const client = heraldClient({token, transports: ['sse'], minDelay: 50});"
        + " const errors = [];"
        + " client.on('error', e => errors.push(e));"
        + " const info = await client.connect();"
        + " return {user: info.user, asked, errors};"
        + " })().then(done, e => done({error: String(e)}));");
    assertEquals("patient", outcome.get("user"), () -> "the outcome: " + outcome);
    assertEquals(2L, outcome.get("asked"), () -> "the outcome: " + outcome);
    assertEquals(List.of(Map.of("code", "token-failed", "message", "token service unreachable")), outcome.get("errors"),
        () -> "the outcome: " + outcome);
  }

  /**
   * A token given as a string is all the client has: once the node refuses it (401 unauthorized),
   * every retry is refused the same way. The client retried forever, "reconnecting"; it now ends,
   * "closed", with the node's code among its errors, and connect() rejects. (A token function is asked for a fresh one.)
   */
  @Test
  void aRefusedFixedTokenEndsTheClientInsteadOfRetryingForever() {
    browser.script("window.refused = heraldClient({token: 'not-a-jwt', transports: ['websocket', 'sse'], minDelay: 50, maxDelay: 100});"
        + " window.errors = []; refused.on('error', e => errors.push(e)); window.connecting = refused.connect().then(() => 'connected', e => e.code);");
    browser.await("the client closed", "refused.state === 'closed'");
    assertTrue(browser.<Boolean>script("return errors.some(e => e.transport === 'sse' && e.code === 'unauthorized');"),
        () -> "the errors: " + browser.script("return JSON.stringify(errors);"));
    assertEquals("closed", browser.asyncScript("connecting.then(done);"), "connect() rejects with code closed");
  }

  /**
   * close() then connect() while the first connect() is still opening: both rounds went on, both
   * linked, and the first link was left open beside the second, a socket nothing would close. The
   * round that close() overtook must stop.
   */
  @Test
  void connectAfterCloseWhileConnectingLeavesOneConnection() {
    Map<String, Object> outcome = browser.asyncScript("(async () => {"
        + " const client = window.again = heraldClient({token: tokenFor('sub=again'), transports: ['websocket']});"
        + " client.connect();"
        + " client.close();"
        + " const info = await client.connect();"
        + " return {user: info.user};"
        + " })().then(done, e => done({error: String(e && e.code || e)}));");
    assertEquals(Map.of("user", "again"), outcome);
    awaitConnections(1);
    browser.script("again.close();");
    awaitConnections(0);
  }

  /**
   * A page's handler that throws is the page's bug, not the connection's. Over SSE the exception
   * went up through the stream reader, which took the stream for ended: the client dropped it
   * (with whatever else the same read had brought) and reconnected, once per such event. Here the
   * first event's handler throws: the client stays connected on the same stream and the next event
   * arrives.
   */
  @Test
  void aHandlerThatThrowsDoesNotBreakTheSseStream() {
    browser.asyncScript("(async () => {"
        + " const client = window.thrower = heraldClient({token: tokenFor('sub=thrower&roles=publisher'), transports: ['sse']});"
        + " window.handled = []; window.states = []; window.pageErrors = [];"
        + " window.addEventListener('error', e => { pageErrors.push(String(e.message)); e.preventDefault(); });"
        + " client.on('state', s => states.push(s));"
        + " await client.subscribe('public.fragile', (data) => { handled.push(data); if (data === 'first') throw new Error('page bug'); });"
        + " await client.connect();"
        + " window.publish = (data) => client.token(false).then(token => fetch('/api/publish', {method: 'POST',"
        + "   body: JSON.stringify({address: 'public.fragile', data}), headers: {Authorization: 'Bearer ' + token}}));"
        + " await publish('first');"
        + " return true;"
        + " })().then(done, e => done(String(e)));");
    browser.await("the first event", "handled.includes('first')");
    browser.asyncScript("publish('second').then(() => done(true));");
    browser.await("the second event", "handled.includes('second')");
    assertEquals(List.of("connecting", "connected"), browser.script("return states;"), "never disconnected");
    List<String> pageErrors = browser.script("return pageErrors;");
    assertEquals(1, pageErrors.size(), () -> "the page's error is reported to the page, once: " + pageErrors);
  }

  /**
   * An unsubscribe while the register (over SSE: the new stream) is still on its way: the
   * register's ack (the stream's connected event), arriving after it, stored its position as the
   * address's cursor again. A later subscribe to the address then
   * resumed from that old cursor and replayed everything published while the page was not
   * subscribed (a component that mounts, unmounts and mounts again meets exactly this).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"websocket", "sockjs", "sse"})
  void aSubscribeAfterAnUnsubscribeStartsFromNowNotFromAnOldCursor(String transport) {
    Map<String, Object> outcome = browser.asyncScript("(async () => {"
        + " const client = heraldClient({token: tokenFor('sub=toggler&groups=toggle&roles=publisher'), transports: [arguments[0]]});"
        + " await client.connect();"
        + " const received = [];"
        + " const handler = (data) => received.push(data);"
        + " const first = client.subscribe('group.toggle', handler);"
        + " await client.unsubscribe('group.toggle', handler);"
        + " await first;"
        + " for (const n of [1, 2, 3]) await client.publish('group.toggle', 'while away ' + n);"
        + " await client.subscribe('group.toggle', handler);"
        + " await client.publish('group.toggle', 'after');"
        + " await new Promise(resolve => { const check = () => received.includes('after') ? resolve() : setTimeout(check, 50); check(); });"
        + " client.close();"
        + " return {received};"
        + " })().then(done, e => done({error: String(e && e.code || e)}));", transport);
    assertEquals(Map.of("received", List.of("after")), outcome);
  }

  /**
   * A user whose sub is not one plain address part (here an e-mail: its dots would split it) has the
   * user channel {@code user.a%2Eb@example%2Ecom} on the node. herald.js named it {@code "user." + sub},
   * kept no cursor for the channel it was really given, and after a dropped link the events published
   * to the user while it was away never came.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"websocket", "sockjs", "sse"})
  void theUserChannelOfASubWithDotsResumesAfterADrop(String transport) {
    Map<String, Object> outcome = browser.asyncScript("(async () => {"
        + " const sub = 'a.b-' + arguments[0] + '@example.com';"
        + " const token = tokenFor('sub=' + encodeURIComponent(sub) + '&roles=publisher');"
        + " const client = heraldClient({token, transports: [arguments[0]], minDelay: 1000, maxDelay: 1000});"
        + " const received = [];"
        + " client.on('event', (e) => { if (e.type === 'note') received.push(e.data); });"
        + " const until = (check) => new Promise(resolve => { const poll = () => check() ? resolve() : setTimeout(poll, 50); poll(); });"
        + " const publish = async (n) => {"
        + "   const response = await fetch('/api/publish', {method: 'POST', body: JSON.stringify({user: sub, type: 'note', data: n}),"
        + "     headers: {Authorization: 'Bearer ' + await token(), 'Content-Type': 'application/json'}});"
        + "   if (response.status !== 202) throw new Error('publish: ' + response.status);"
        + " };"
        + " await client.connect();"
        + " await publish(1);"
        + " await until(() => received.includes(1));"
        + " const dropped = client.link;"
        + " dropped.close();"
        + " await until(() => client.state === 'reconnecting');"
        + " await publish(2);"
        + " await until(() => client.state === 'connected' && client.link !== dropped);"
        + " await publish(3);"
        + " await until(() => received.includes(3));"
        + " const own = Herald.userAddress(sub);"
        + " client.close();"
        + " return {received, own, kept: own in client.positions};"
        + " })().then(done, e => done({error: String(e && e.code || e)}));", transport);
    String sub = "a.b-" + transport + "@example.com";
    assertEquals(Map.of("received", List.of(1L, 2L, 3L), "own", Targets.user(sub), "kept", true), outcome);
  }

  /** herald.js names a user's address exactly as the node does, whatever the sub holds. */
  @Test
  void theClientNamesAUsersAddressAsTheNodeDoes() {
    List<String> subs = List.of("alice", "auth0|5f7c", "a.b+tag@example.com", "Zoë Ångström 山田", "100%", "a,b=c",
        "\uD83D\uDE00 smile", "|".repeat(255));
    List<String> named = browser.script("return arguments[0].map((sub) => Herald.userAddress(sub));", subs);
    assertEquals(subs.stream().map(Targets::user).toList(), named);
  }

  /**
   * A frame over the node's {@code --max-frame-size} closes the connection with {@code too-large}
   * (1009), which PROTOCOL.md marks "do not reconnect": resending it would fail the same way. The
   * client checked for 1008, a code Herald never uses, so it reconnected. It must end, "closed",
   * with the node's code among its errors. Over SockJS the farewell is the only word of it (the
   * close is SockJS's own), and its session WebSocket used to drop it, with the connection reset.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"websocket", "sockjs"})
  void aCloseMarkedDoNotReconnectEndsTheClient(String transport) {
    browser.asyncScript("(async () => {"
        + " const client = window.big = heraldClient({token: tokenFor('sub=big&roles=publisher'), transports: [arguments[0]], minDelay: 50});"
        + " window.states = []; window.errors = [];"
        + " client.on('state', s => states.push(s)); client.on('error', e => errors.push(e));"
        + " await client.connect();"
        + " client.publish('public.big', 'x'.repeat(200000)).catch(() => {});"
        + " return true;"
        + " })().then(done, e => done(String(e)));", transport);
    browser.await("the connection ended", "states.includes('reconnecting') || states.includes('closed')");
    List<Object> states = browser.script("return states;");
    String errors = browser.script("return JSON.stringify(errors);");
    browser.script("big.close();");
    assertEquals(List.of("connecting", "connected", "closed"), states, () -> "the errors: " + errors);
    assertTrue(errors.contains("\"code\":\"too-large\""), () -> "the errors: " + errors);
    awaitConnections(0);
  }

  /**
   * A connection whose token expired is closed with {@code token-expired}: reconnect, with a fresh
   * token. Over SockJS the close's reason is SockJS's, not Herald's code, so the client kept its
   * expired token and wasted a round on it (refused, then asked for a fresh one). Here the token
   * lives 2 s and is never refreshed: the client must ask for a fresh token once and reconnect at the
   * first try.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"websocket", "sockjs", "sse"})
  void anExpiredTokenIsReplacedBeforeTheReconnect(String transport) {
    Map<String, Object> outcome = browser.asyncScript("(async () => {"
        + " let asked = 0;"
        + " const token = () => { asked++; return fetch('/dev/token?sub=expiring&ttl=2').then(r => r.text()); };"
        + " const client = heraldClient({token, transports: [arguments[0]], minDelay: 50, refreshBefore: -600000});"
        + " const states = [], errors = [];"
        + " client.on('state', s => states.push(s)); client.on('error', e => errors.push(e));"
        + " await client.connect();"
        + " await new Promise(resolve => client.on('connected', resolve));"
        + " client.close();"
        + " return {asked, failedAttempts: errors.filter(e => e.transport), states};"
        + " })().then(done, e => done({error: String(e)}));", transport);
    assertEquals(Map.of("asked", 2L, "failedAttempts", List.of(),
        "states", List.of("connecting", "connected", "reconnecting", "connected", "closed")), outcome);
  }

  /**
   * A close() while a token refresh waits for the page's token function: once the token came, the
   * refresh scheduled the next one, and the closed client went on calling the token function
   * before each expiry, for good. Here the tokens live 2 s, so a refresh is due 1 s after each, and
   * the page's timers of a second or more fire at once after close(): the token function must not be
   * called again.
   */
  @Test
  void aRefreshUnderWayWhenTheClientClosesSchedulesNoOther() {
    Map<String, Object> outcome = browser.asyncScript("(async () => {"
        + " let asked = 0, release, refreshing;"
        + " const held = new Promise(r => release = r), refreshAsked = new Promise(r => refreshing = r);"
        + " const token = () => { const n = ++asked; if (n === 2) refreshing();"
        + "   return fetch('/dev/token?sub=refresher&ttl=2').then(r => r.text()).then(t => n === 2 ? held.then(() => t) : t); };"
        + " const client = heraldClient({token, transports: ['websocket']});"
        + " await client.connect();"
        + " await refreshAsked;"
        + " client.close();"
        + " const real = window.setTimeout;"
        + " window.setTimeout = (f, ms, ...args) => real(f, ms >= 1000 ? 0 : ms, ...args);"
        + " release();"
        + " await new Promise(resolve => { const at = Date.now();"
        + "   const check = () => asked > 2 || Date.now() - at > 500 ? resolve() : real(check, 20); check(); });"
        + " window.setTimeout = real;"
        + " return {asked, state: client.state};"
        + " })().then(done, e => done({error: String(e)}));");
    assertEquals(Map.of("asked", 2L, "state", "closed"), outcome);
  }

  /**
   * A refreshed token that no longer allows an address: the node drops the subscription and says
   * so (an {@code err} frame without {@code ref}; over SSE, the new stream is refused with 403). The
   * client kept the address: over WebSocket and SockJS its handler stayed, waiting for nothing,
   * and came back with every reconnect; over SSE every later refresh and reconnect asked for it
   * again and was refused whole, so the client never got a stream with its new token. Here the
   * first token has group {@code a} and the refreshed ones none; tokens live 2 s, refreshed 1 s in.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"websocket", "sockjs", "sse"})
  void anAddressARefreshedTokenNoLongerAllowsIsDropped(String transport) {
    Map<String, Object> outcome = browser.asyncScript("(async () => {"
        + " let asked = 0;"
        + " const token = () => fetch('/dev/token?ttl=2&sub=demoted' + (++asked === 1 ? '&groups=a' : '')).then(r => r.text());"
        + " const client = heraldClient({token, transports: [arguments[0]]});"
        + " const errors = [];"
        + " client.on('error', e => errors.push(e.code + ' ' + e.address));"
        + " await client.subscribe('group.a', () => {});"
        + " await client.subscribe('public.kept', () => {});"
        + " await client.connect();"
        + " await new Promise(resolve => { const check = () => asked >= 3 ? resolve() : setTimeout(check, 50); check(); });"
        + " const outcome = {addresses: client.addresses(), errors, state: client.state};"
        + " client.close();"
        + " return outcome;"
        + " })().then(done, e => done({error: String(e)}));", transport);
    assertEquals(Map.of("addresses", List.of("public.kept"), "errors", List.of("forbidden group.a"), "state", "connected"), outcome);
  }

  /**
   * Chromium keeps a page the user navigates away from in its back/forward cache, frozen, with its
   * WebSocket or stream open: the node kept the connection, and presence counted a user who had
   * left, for as long as the page stayed cached. The client now ends its connection when the page
   * is hidden into the cache and resumes when it is shown again: nothing published meanwhile is lost.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"websocket", "sse"})
  void aPageInTheBackForwardCacheHoldsNoConnectionAndResumesWhenShown(String transport) {
    browser.asyncScript("(async () => {"
        + " const client = window.cached = heraldClient({token: tokenFor('sub=cached&groups=away'), transports: [arguments[0]]});"
        + " window.received = [];"
        + " await client.subscribe('group.away', (data) => received.push(data));"
        + " await client.connect();"
        + " return true;"
        + " })().then(done, e => done(String(e)));", transport);
    awaitConnections(1);
    browser.open(Pages.url(node, "/sockjs.min.js"));
    awaitConnections(0);
    Pages.publish(http, node.httpPort(), Pages.devToken(http, node.httpPort(), "sub=svc&roles=publisher"),
        new JsonObject().put("address", "group.away").put("data", "while away"));
    browser.back();
    assertEquals(true, browser.script("return window.cached !== undefined;"), "the page came back from the back/forward cache");
    browser.await("the event published while away", "received.includes('while away')");
    assertEquals("connected", browser.script("return cached.state;"));
    awaitConnections(1);
    browser.script("cached.close();");
  }

  /**
   * An attempt that times out while it registers the client's addresses (the node, or the network,
   * is slow to answer) is closed, but its registers stayed among the client's pending calls, never
   * answered: one more set with every such attempt, for the client's whole life. Here the frames
   * after the welcome never reach the client.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"websocket", "sockjs"})
  void anAttemptThatTimesOutWhileRegisteringLeavesNoPendingCall(String transport) {
    Map<String, Object> outcome = browser.asyncScript("(async () => {"
        + " const held = (Base) => class extends Base {"
        + "   set onmessage(f) { let first = true;"
        + "     super.onmessage = (e) => { if (first || !String(e.data).includes('\"ack\"')) { first = false; f(e); } }; }"
        + "   get onmessage() { return super.onmessage; }"
        + " };"
        + " if (arguments[0] === 'sockjs') await new Promise(r => { const s = document.createElement('script');"
        + "   s.src = '/sockjs.min.js'; s.onload = r; document.head.appendChild(s); });"
        + " window.WebSocket = held(window.WebSocket);"
        + " if (window.SockJS) window.SockJS = held(window.SockJS);"
        + " const client = window.slow = heraldClient({token: tokenFor('sub=slow'), transports: [arguments[0]], openTimeout: 1000, minDelay: 60000});"
        + " const failed = new Promise(resolve => client.on('error', resolve));"
        + " await client.subscribe('public.one', () => {});"
        + " await client.subscribe('public.two', () => {});"
        + " client.connect().catch(() => {});"
        + " const error = await failed;"
        + " const pending = client.pending.size;"
        + " client.close();"
        + " return {error: error.message, pending};"
        + " })().then(done, e => done({error: String(e)}));", transport);
    assertEquals(Map.of("error", "timed out", "pending", 0L), outcome);
  }

  /**
   * sockjs-client is loaded when SockJS is first tried. A script that failed to load was left in the
   * page and another appended at every attempt; one that never answers held the attempt, and the
   * client, "connecting" for good: the openTimeout did not cover it. Here the script's server
   * accepts and never answers: the client must give SockJS up after openTimeout and connect over
   * SSE, and a script that fails must not pile up.
   */
  @Test
  void aSockJsScriptThatDoesNotLoadIsTimedOutAndNotAppendedAgain() {
    io.vertx.core.http.HttpServer silent = vertx.createHttpServer().requestHandler(request -> { }).listen(0).await();
    try {
      Map<String, Object> hung = browser.asyncScript("(async () => {"
          + " const client = heraldClient({token: tokenFor('sub=scriptless'), transports: ['sockjs', 'sse'], openTimeout: 1000,"
          + "   sockjs: 'http://127.0.0.1:' + arguments[0] + '/sockjs.min.js'});"
          + " const info = await client.connect();"
          + " client.close();"
          + " return {transport: info.transport};"
          + " })().then(done, e => done({error: String(e)}));", silent.actualPort());
      assertEquals(Map.of("transport", "sse"), hung);
      Map<String, Object> missing = browser.asyncScript("(async () => {"
          + " const client = heraldClient({token: tokenFor('sub=scriptless'), transports: ['sockjs'], minDelay: 20, maxDelay: 40,"
          + "   sockjs: '/no-such-sockjs.js'});"
          + " let failures = 0;"
          + " const thrice = new Promise(resolve => client.on('error', () => ++failures === 3 && resolve()));"
          + " client.connect().catch(() => {});"
          + " await thrice;"
          + " client.close();"
          + " return {scripts: document.querySelectorAll('script[src*=\"no-such-sockjs\"]').length};"
          + " })().then(done, e => done({error: String(e)}));");
      assertEquals(Map.of("scripts", 0L), missing);
    } finally {
      silent.close().await();
    }
  }

  /**
   * The backoff started again from {@code minDelay} as soon as a link was up, so a node (or a
   * proxy) that accepts a connection and drops it at once got a reconnect every 250 to 500 ms from
   * every client, for good. It now grows until a link has stayed up a while. Here every socket is
   * closed right after its welcome: after three such drops the client is at the third step.
   */
  @Test
  void aLinkDroppedAtOnceKeepsTheBackoffGrowing() {
    Map<String, Object> outcome = browser.asyncScript("(async () => {"
        + " window.WebSocket = class extends WebSocket {"
        + "   set onmessage(f) { super.onmessage = (e) => { f(e); setTimeout(() => this.close()); }; }"
        + "   get onmessage() { return super.onmessage; }"
        + " };"
        + " const client = heraldClient({token: tokenFor('sub=bounced'), transports: ['websocket'], minDelay: 20, maxDelay: 1000});"
        + " let drops = 0;"
        + " const thrice = new Promise(resolve => client.on('state', s => s === 'reconnecting' && ++drops === 3 && resolve()));"
        + " client.connect();"
        + " await thrice;"
        + " const attempt = client.attempt;"
        + " client.close();"
        + " return {attempt};"
        + " })().then(done, e => done({error: String(e)}));");
    assertEquals(Map.of("attempt", 3L), outcome);
  }

  /** Waits until the node holds {@code expected} client connections (its {@code /api/cluster} entry, open in development mode). */
  private void awaitConnections(int expected) {
    long deadline = System.nanoTime() + Browser.WAIT.toNanos();
    int connections;
    while ((connections = connections()) != expected) {
      assertTrue(System.nanoTime() < deadline, "the node holds " + connections + " connections, not " + expected
          + "; the page: " + browser.describe());
      Browser.sleep(100);
    }
  }

  private int connections() {
    Http.Reply reply = Http.get(http, node.httpPort(), "/api/cluster");
    assertEquals(200, reply.status(), () -> "/api/cluster: " + reply.body());
    JsonArray members = reply.json().getJsonArray("members");
    return members.getJsonObject(0).getInteger("connections");
  }
}
