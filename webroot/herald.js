// herald.js: Herald's browser client. A dependency-free ES module: import { Herald } from "/herald.js".
// It picks a transport (WebSocket, then SSE, then SockJS, in a configurable order), reconnects with
// exponential backoff and jitter, resumes every address from its last position, refreshes the token
// before it expires, and tells the page what state it is in. Protocol: docs/PROTOCOL.md.

const POSITION = /^(.*)\.(\d+)$/;
/** How long a link must stay up before the reconnect backoff starts again from minDelay. */
const STEADY = 10000;

/** Whether event id `id` is at or before position `mine` of the same history (a duplicate). */
function seen(mine, id) {
  const a = POSITION.exec(mine || ""), b = POSITION.exec(id || "");
  return !!(a && b && a[1] === b[1] && Number(b[2]) <= Number(a[2]));
}

const PLAIN = /[A-Za-z0-9_:@-]/;

/**
 * The address of a user, as the node names it (docs/PROTOCOL.md, Targets): "user." and the sub as
 * one address part, its letters, digits and _ - : @ kept and every other character written as the
 * %XX escapes of its UTF-8 bytes: "auth0|42" is "user.auth0%7C42", "a.b@x.org" is "user.a%2Eb@x%2Eorg".
 */
function userAddress(sub) {
  let part = "";
  for (let i = 0; i < sub.length; i++) {
    if (PLAIN.test(sub[i])) {
      part += sub[i];
      continue;
    }
    const cp = sub.codePointAt(i);   // a lone surrogate is its own code unit, as on the node
    if (cp > 0xffff) i++;
    const bytes = cp < 0x80 ? [cp]
      : cp < 0x800 ? [0xc0 | cp >> 6, 0x80 | cp & 63]
      : cp < 0x10000 ? [0xe0 | cp >> 12, 0x80 | cp >> 6 & 63, 0x80 | cp & 63]
      : [0xf0 | cp >> 18, 0x80 | cp >> 12 & 63, 0x80 | cp >> 6 & 63, 0x80 | cp & 63];
    for (const b of bytes) part += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return "user." + part;
}

/** Seconds-since-epoch expiry of a JWT, or null: read only to schedule the refresh, never trusted. */
function expiryOf(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(part)).exp || null;
  } catch (e) {
    return null;
  }
}

/**
 * Calls a page's listener or handler. One that throws is the page's bug: it is reported as any
 * uncaught error would be, and neither keeps the others from running nor reaches the transport
 * that delivered the event (an SSE stream took it for its own end, and was dropped and reopened).
 */
function safely(fn, ...args) {
  try {
    fn(...args);
  } catch (e) {
    if (typeof reportError === "function") reportError(e);
    else setTimeout(() => { throw e; });
  }
}

export class Herald {
  /** The address of the user with this sub: what the node sends "to a user" on, and what resumes it. */
  static userAddress(sub) {
    return userAddress(sub);
  }

  /**
   * @param {string} url the node, e.g. "http://localhost:8080" (default: the page's origin)
   * @param {object} [options]
   *   token: a string, or a function returning a token or a promise of one (called again to refresh)
   *   transports: the order to try, default ["websocket", "sse", "sockjs"]
   *   minDelay, maxDelay: reconnect backoff bounds in ms (default 500, 30000)
   *   openTimeout: ms a transport may take to open before the next is tried (default 5000)
   *   refreshBefore: ms before expiry to fetch a new token (default 30000)
   *   sockjs: URL of sockjs-client, loaded only when SockJS is tried (default url + "/sockjs.min.js")
   *   sockjsOptions: options for the SockJS constructor, e.g. {transports: ["xhr-polling"]}
   *   pingInterval: ms between pings over SockJS (default 5000, as the stock Vert.x client)
   */
  constructor(url, options = {}) {
    this.url = (url || location.origin).replace(/\/$/, "");
    this.options = Object.assign({
      transports: ["websocket", "sse", "sockjs"], minDelay: 500, maxDelay: 30000,
      openTimeout: 5000, refreshBefore: 30000, sockjs: this.url + "/sockjs.min.js", pingInterval: 5000,
    }, options);
    this.state = "idle";
    this.connection = null;          // {connection, user, transport, node} once connected
    this.positions = {};             // address -> position of the last event given, for resume
    this.handlers = new Map();       // address -> Set of handlers
    this.listeners = {};             // state, connected, event, reset, error -> Set of listeners
    this.pending = new Map();        // frame id -> {resolve, reject}
    this.recent = new Set();        // "address id" of the last events given
    this.nextId = 1;
    this.attempt = 0;
    this.link = null;
    this.runs = 0;                   // close() counts; an open() from before the last close() is void
    this.pageEvents = null;          // pagehide and pageshow listeners, while the client is used
  }

  /** Listens to "state", "connected", "event" (every event), "reset" or "error". Returns a function that stops it. */
  on(kind, listener) {
    (this.listeners[kind] = this.listeners[kind] || new Set()).add(listener);
    return () => this.listeners[kind].delete(listener);
  }

  emit(kind, value) {
    (this.listeners[kind] || []).forEach((listener) => safely(listener, value));
  }

  setState(state) {
    if (this.state !== state) {
      this.state = state;
      this.emit("state", state);
    }
  }

  /**
   * Connects; resolves once connected over the first transport that works, rejects if the client
   * closes first (close(), or a token given as a string that the node refuses).
   */
  connect() {
    if (this.state === "idle" || this.state === "closed") {
      this.closing = false;
      this.setState("connecting");
      this.watchPage();
      this.open();
    }
    return this.state === "connected" ? Promise.resolve(this.connection) : new Promise((resolve, reject) => {
      const stops = [
        this.on("connected", (c) => { stops.forEach((stop) => stop()); resolve(c); }),
        this.on("state", (state) => {
          if (state !== "closed") return;
          stops.forEach((stop) => stop());
          reject({ code: "closed", message: "the client closed before it connected" });
        }),
      ];
    });
  }

  /** Ends the connection for good: no reconnect. */
  close() {
    this.end("closed");
    if (this.pageEvents) this.pageEvents.forEach(([kind, listener]) => removeEventListener(kind, listener));
    this.pageEvents = null;
  }

  /** A test of whether end() (close(), or the page going into the cache) has come since this call. */
  untilEnd() {
    const run = this.runs;
    return () => this.closing || run !== this.runs;
  }

  end(state) {
    this.closing = true;
    this.hidden = false;
    this.runs++;
    clearTimeout(this.retryTimer);
    clearTimeout(this.refreshTimer);
    clearTimeout(this.steadyTimer);
    if (this.link) this.link.close();
    this.link = null;
    this.failPending("closed");
    this.setState(state);
  }

  /**
   * A page the browser keeps in its back/forward cache is frozen with its sockets open: the node
   * would keep the connection, and presence the user, for as long as the page stays cached. So the
   * client ends its connection when the page goes into the cache ("reconnecting" meanwhile), and
   * reconnects, resuming every address, if it comes back. As web.dev advises: a page that holds a
   * connection is otherwise not cached at all (Firefox), or holds it while nobody looks (Chromium).
   */
  watchPage() {
    if (this.pageEvents || typeof addEventListener !== "function") return;
    this.pageEvents = [
      ["pagehide", (e) => {
        if (!e.persisted || this.closing || this.state === "idle" || this.state === "closed") return;
        this.end("reconnecting");
        this.hidden = true;
      }],
      ["pageshow", (e) => {
        if (!e.persisted || !this.hidden) return;
        this.hidden = false;
        this.closing = false;
        this.attempt = 0;
        this.open();
      }],
    ];
    this.pageEvents.forEach(([kind, listener]) => addEventListener(kind, listener));
  }

  async token(fresh) {
    const t = this.options.token;
    if (typeof t !== "function") return t || null;
    if (fresh || !this.currentToken) this.currentToken = await t();
    return this.currentToken;
  }

  /**
   * One round over the transports. A round that close() overtook stops, and closes what it opened,
   * even if connect() has started another since: two rounds would both link, and the first link
   * would be left open.
   */
  async open() {
    const ended = this.untilEnd();
    let token;
    try {
      token = await this.token(false);
    } catch (e) {
      if (ended()) return;
      // Asked after a refusal or a drop, when the token service may be out of reach too: retried
      // like a connection that failed, or the client would stay "reconnecting" for good.
      this.emit("error", { code: "token-failed", message: String(e && e.message || e) });
      this.retry();
      return;
    }
    let unauthorized = false;
    for (const name of this.options.transports) {
      if (ended()) return;
      try {
        const link = await TRANSPORTS[name](this, token);
        if (ended()) return link.close();
        this.linked(link);
        // Not at once: a node (or a proxy) that accepts and drops every connection would get one
        // from every client each minDelay, for good.
        clearTimeout(this.steadyTimer);
        this.steadyTimer = setTimeout(() => { this.attempt = 0; }, STEADY);
        this.scheduleRefresh(token);
        return;
      } catch (e) {
        unauthorized = unauthorized || (e && e.code) === "unauthorized";
        this.emit("error", Object.assign({ transport: name, message: String(e && e.message || e) }, e && e.code ? { code: e.code } : {}));
      }
    }
    if (ended()) return;
    if (unauthorized && typeof this.options.token !== "function") {
      // A token given as a string is all there is: the node would refuse every retry the same way.
      this.close();
      return;
    }
    this.currentToken = null;   // a refused token may have expired: the next round asks for a fresh one
    this.retry();
  }

  /** Called by a transport when its link ends. */
  dropped(link, why) {
    if (link !== this.link || this.closing) return;
    this.link = null;
    clearTimeout(this.steadyTimer);
    this.failPending("disconnected");
    if (why && why.reconnect === false) {
      this.emit("error", { code: why.code, message: "the server ended the connection" });
      this.setState("closed");
      return;
    }
    if (why && why.code === "token-expired") this.currentToken = null;
    this.retry();
  }

  retry() {
    if (this.closing) return;
    this.setState("reconnecting");
    const base = Math.min(this.options.maxDelay, this.options.minDelay * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => this.open(), base / 2 + Math.random() * base / 2);
  }

  /**
   * A refresh that close() overtook while it waited for the token or its acknowledgement ends
   * there: close() cleared the timer, and a new one would call the page's token function for good.
   */
  scheduleRefresh(token) {
    clearTimeout(this.refreshTimer);
    const exp = token && typeof this.options.token === "function" ? expiryOf(token) : null;
    if (!exp) return;
    const ended = this.untilEnd();
    const wait = Math.max(1000, exp * 1000 - Date.now() - this.options.refreshBefore);
    this.refreshTimer = setTimeout(async () => {
      try {
        const fresh = await this.token(true);
        if (this.link && !ended()) await this.link.refresh(fresh);
        if (!ended()) this.scheduleRefresh(fresh);
      } catch (e) {
        if (ended()) return;
        this.emit("error", { code: "refresh-failed", message: String(e && e.message || e) });
        this.refreshTimer = setTimeout(() => this.scheduleRefresh(this.currentToken), 5000);
      }
    }, wait);
  }

  /**
   * A transport is up and knows who it is: its cursors fill in the addresses the client has none
   * for, among those it wants (an address unsubscribed while the transport opened keeps none).
   */
  opened(info) {
    this.connection = info;
    for (const [address, position] of Object.entries(info.positions || {})) {
      if (!(address in this.positions) && this.wants(address)) this.positions[address] = position;
    }
  }

  /**
   * Whether the client keeps a cursor for `address`: one it subscribed to, or its user channel.
   * Not one unsubscribed while a register or a stream was on its way: a later subscribe would
   * resume from that old cursor and replay what was published while the page was away.
   */
  wants(address) {
    const user = this.connection && this.connection.user;
    return this.handlers.has(address) || (!!user && address === userAddress(user));
  }

  /**
   * The link is usable, every address registered: only now is the client "connected", so a page
   * that publishes as soon as connect() resolves (or on the "connected" event) has a link to do it on.
   */
  linked(link) {
    this.link = link;
    this.settle(link);
    this.setState("connected");
    this.emit("connected", this.connection);
  }

  /**
   * A link registers the client's addresses of the moment it starts: those subscribed or
   * unsubscribed while it opened, when the client had no link to send them on, are sent on it now.
   */
  settle(link) {
    const wanted = this.addresses();
    for (const address of wanted.filter((a) => !link.addresses.includes(a))) {
      link.subscribe(address).catch((e) => { this.refused(address, e); this.emit("error", e); });
    }
    for (const address of link.addresses.filter((a) => !wanted.includes(a))) {
      link.unsubscribe(address).catch(() => {});
    }
  }

  /** An event from any transport, as the envelope: {id, address, type, ts, data}. */
  deliver(event) {
    const address = event.address;
    if (address in this.positions) {
      if (seen(this.positions[address], event.id)) return;
      if (POSITION.test(event.id)) this.positions[address] = event.id;
    }
    // Ids are the publisher's, the same on every node: an event met twice (two SSE streams overlap
    // while one replaces the other) is dropped the second time.
    if (this.recent.has(address + " " + event.id)) return;
    this.recent.add(address + " " + event.id);
    if (this.recent.size > 512) this.recent.delete(this.recent.values().next().value);
    this.emit("event", event);
    (this.handlers.get(address) || []).forEach((handler) => safely(handler, event.data, event));
  }

  reset(address, position) {
    if (!this.wants(address)) return;
    this.positions[address] = position;
    this.emit("reset", { address, position });
  }

  /**
   * Receives what is published to `address` from now on, and, after a reconnect, what was missed.
   * `handler(data, event)`. Returns a promise of a function that unsubscribes; rejects with the
   * node's {code, message} when it refuses the address, which is then not kept.
   */
  async subscribe(address, handler) {
    const first = !this.handlers.has(address);
    if (first) this.handlers.set(address, new Set());
    this.handlers.get(address).add(handler);
    if (first && this.link) {
      try {
        await this.link.subscribe(address);
      } catch (e) {
        this.refused(address, e);
        throw e;
      }
    }
    return () => this.unsubscribe(address, handler);
  }

  /**
   * An address the node refused (forbidden, bad-address, …: a 4xx) is not kept: every later stream
   * or connection would ask for it again, and an SSE stream is refused whole. One whose
   * registration was cut short (a disconnect, a node error) stays, for the next connection.
   */
  refused(address, error) {
    const status = error && (error.failureCode || error.status);
    if (status >= 400 && status < 500 && this.handlers.has(address)) {
      this.handlers.delete(address);
      delete this.positions[address];
      return true;
    }
    return false;
  }

  async unsubscribe(address, handler) {
    const set = this.handlers.get(address);
    if (!set) return;
    if (handler) set.delete(handler);
    if (!handler || set.size === 0) {
      this.handlers.delete(address);
      delete this.positions[address];
      if (this.link) await this.link.unsubscribe(address);
    }
  }

  /** Publishes; resolves with the event's id. */
  publish(address, data, type) {
    return this.ready().publish(address, data, type);
  }

  /** Sends to a service address and resolves with its reply (rejects with {code, message}). */
  request(address, body, timeout) {
    return this.ready().request(address, body, timeout);
  }

  /** Joins or leaves a server-managed group (WebSocket and SockJS; the rules must allow it). */
  join(group) {
    return this.ready().group("join", group);
  }

  leave(group) {
    return this.ready().group("leave", group);
  }

  ready() {
    if (!this.link) throw new Error("not connected");
    return this.link;
  }

  /** Rejects the calls waiting for an answer: all of them, or those made on `link`. */
  failPending(code, link) {
    this.pending.forEach((p, id) => {
      if (link && p.link !== link) return;
      this.pending.delete(id);
      p.reject({ code, message: "the connection ended first" });
    });
  }

  /** The SSE cursor of every address with a known position: "a=e.1,b=e.7". */
  cursor() {
    return Object.entries(this.positions).map(([a, p]) => a + "=" + p).join(",");
  }

  addresses() {
    return [...this.handlers.keys()];
  }
}

/** Rejects if `promise` does not settle within `ms`, running `onTimeout` to clean up. */
function within(ms, promise, onTimeout) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => {
    timer = setTimeout(() => { onTimeout(); reject(new Error("timed out")); }, ms);
  })]).finally(() => clearTimeout(timer));
}

/**
 * The frame protocol over a socket with send(text) and close(): raw WebSocket and SockJS. `start`
 * has learnt who the connection is (welcome frame or whoami); then every address is registered
 * again, from its position.
 */
class FrameLink {
  constructor(client, socket) {
    this.client = client;
    this.socket = socket;
    // Addresses being registered again from a cursor (resumed), until the server acknowledges it.
    this.resuming = new Set();
    this.addresses = [];   // the client's addresses when start registered them
  }

  frame(frame) {
    this.socket.send(JSON.stringify(frame));
  }

  /** Sends a frame with an id; resolves with its ack, rejects with its err. */
  call(frame) {
    const id = "h" + this.client.nextId++;
    return new Promise((resolve, reject) => {
      this.client.pending.set(id, { resolve, reject, link: this });
      this.frame(Object.assign(frame, { id }));
    });
  }

  onFrame(text) {
    const f = JSON.parse(text);
    const client = this.client;
    if (f.type === "rec") {
      const p = client.pending.get(f.address);
      if (p) {
        client.pending.delete(f.address);
        p.resolve(f.body);
      } else if (!this.resuming.has(f.address)) {
        client.deliver({ id: f.id, address: f.address, type: f.event, ts: f.ts, data: f.body });
      }
    } else if (f.type === "ack" || f.type === "err") {
      // Here, not where the call resolves: SockJS hands over a batch of frames in one go, and the
      // replay that follows the ack may be in the same batch.
      if (f.op === "register" || f.type === "err") this.resuming.delete(f.address);
      // The err that comes before the server closes the connection says why, and whether to come
      // back: over SockJS it is the only place that does (the close's code and reason are SockJS's).
      if (f.type === "err" && (f.failureType === "RECONNECT" || f.failureType === "CLOSED") && f.ref === undefined) {
        this.farewell = { code: f.code, reconnect: f.failureType === "RECONNECT" };
      }
      const key = f.ref !== undefined ? f.ref : f.address;
      const p = client.pending.get(key);
      if (p) {
        client.pending.delete(key);
        f.type === "ack" ? p.resolve(f) : p.reject(f);
      } else if (f.type === "err") {
        // An err of no frame of the client's naming one of its addresses: the node dropped that
        // subscription (a refreshed token no longer allows it), so the client drops it too.
        if (f.ref === undefined && f.address) client.refused(f.address, f);
        client.emit("error", f);
      }
    } else if (f.type === "reset") {
      client.reset(f.address, f.position);
    } else if (f.type === "welcome") {
      delete f.type;
      this.welcome(f);
    }
  }

  /** Every address again, each from its position: nothing missed, nothing twice. */
  async start(info) {
    const client = this.client;
    client.opened(info);
    const own = info.user ? userAddress(info.user) : null;
    if (own && own in client.positions && client.positions[own] !== info.positions[own]) {
      await this.subscribe(own);
    }
    // One address the rules refuse does not fail the connection: the page hears of it as an error.
    // A register cut short by the link's end is not the node's answer: the attempt's failure says it.
    this.addresses = client.addresses();
    await Promise.all(this.addresses.filter((a) => a !== own)
      .map((a) => this.subscribe(a).catch((e) => { client.refused(a, e); if (e && e.failureCode) client.emit("error", e); })));
  }

  /**
   * Registers `address`, from its position when the client has one. An address the connection
   * already receives (its user channel) restarts there: events after the position come again once
   * the server acknowledges, so those that arrive live before the ack are dropped. Taking them would
   * move the position past the events still to be replayed, and the replay would then be dropped as
   * already seen: the events published while the client was away would be lost.
   */
  async subscribe(address) {
    const since = this.client.positions[address];
    if (since) this.resuming.add(address);
    try {
      const ack = await this.call(since ? { type: "register", address, since } : { type: "register", address });
      const client = this.client;
      if (ack.position && client.wants(address) && !(address in client.positions)) client.positions[address] = ack.position;
    } finally {
      this.resuming.delete(address);
    }
  }

  unsubscribe(address) {
    return this.call({ type: "unregister", address });
  }

  publish(address, body, event) {
    return this.call({ type: "publish", address, body, event }).then((ack) => ack.eventId);
  }

  /**
   * The reply comes to the reply address; the frame's id is that address too, since a send the node
   * refuses before it reaches the bus (forbidden, too-many-requests, …) is an err frame addressed to
   * the service, and only its ref says which request it ends.
   */
  request(address, body, timeout) {
    const replyAddress = "reply." + this.client.nextId++ + "." + Math.random().toString(36).slice(2);
    return new Promise((resolve, reject) => {
      this.client.pending.set(replyAddress, { resolve, reject, link: this });
      this.frame({ type: "send", address, body, replyAddress, timeout, id: replyAddress });
    });
  }

  group(op, group) {
    return this.call({ type: op, group });
  }

  refresh(token) {
    return this.call({ type: "auth", token });
  }

  close() {
    this.socket.close();
  }
}

function webSocketUrl(client, path, token) {
  return client.url.replace(/^http/, "ws") + path + (token ? "?access_token=" + encodeURIComponent(token) : "");
}

/** Each transport opens a link, resolves once it is usable, and calls client.dropped when it ends. */
const TRANSPORTS = {
  websocket(client, token) {
    const socket = new WebSocket(webSocketUrl(client, "/ws", token));
    const link = new FrameLink(client, socket);
    return within(client.options.openTimeout, new Promise((resolve, reject) => {
      link.welcome = (info) => link.start(info).then(() => resolve(link), reject);
      socket.onmessage = (e) => link.onFrame(e.data);
      socket.onclose = (e) => {
        reject(new Error("websocket closed: " + e.code));
        // Its calls are answered on no other link: one that never became the client's (an
        // attempt that timed out) would otherwise leave them waiting for good.
        client.failPending("disconnected", link);
        // The reason is Herald's code; of PROTOCOL.md's close codes only 1009 (too-large) says not
        // to come back, since the same message would be refused again.
        client.dropped(link, link.farewell || { code: e.reason, reconnect: e.code !== 1009 });
      };
    }), () => { socket.close(); client.failPending("timed-out", link); });
  },

  async sockjs(client, token) {
    if (!window.SockJS) {
      // Within openTimeout, as the rest of the attempt: a script that never arrives would hold the
      // client for good. One that failed, or timed out, is removed, so attempts do not pile them up.
      const script = Object.assign(document.createElement("script"), { src: client.options.sockjs });
      await within(client.options.openTimeout, new Promise((resolve, reject) => {
        script.onload = resolve;
        script.onerror = () => reject(new Error("sockjs-client did not load from " + script.src));
        document.head.appendChild(script);
      }), () => {}).catch((e) => { script.remove(); throw e; });
    }
    const socket = new window.SockJS(client.url + "/eventbus" + (token ? "?access_token=" + encodeURIComponent(token) : ""),
      null, client.options.sockjsOptions);
    const link = new FrameLink(client, socket);
    let pinger = null;
    return within(client.options.openTimeout, new Promise((resolve, reject) => {
      socket.onopen = () => {
        // The server closes a session it hears nothing from for its idle timeout, and SockJS's own
        // heartbeats only go the other way: a quiet page pings, as the stock client does.
        pinger = setInterval(() => link.frame({ type: "ping" }), client.options.pingInterval);
        link.request("herald.whoami", {}).then((info) => link.start(info)).then(() => resolve(link), reject);
      };
      socket.onmessage = (e) => link.onFrame(e.data);
      socket.onclose = (e) => {
        clearInterval(pinger);
        reject(new Error("sockjs closed: " + e.code));
        client.failPending("disconnected", link);
        client.dropped(link, link.farewell);
      };
    }), () => { socket.close(); client.failPending("timed-out", link); });
  },

  sse(client, token) {
    return new SseLink(client, token).open();
  },
};

function sameAddresses(a, b) {
  return a.length === b.length && a.every((address) => b.includes(address));
}

/** Why the node refused an HTTP request: its {"error": {code, message}} (or, from a proxy, the status alone). */
async function refusal(response) {
  const error = (await response.json().catch(() => null) || {}).error || {};
  return Object.assign({ code: error.code || "http-" + response.status, message: error.message || "HTTP " + response.status, status: response.status },
    error.address ? { address: error.address } : {});
}

/**
 * SSE read with fetch rather than EventSource: it can send the token in a header and Last-Event-ID
 * itself, and it receives every event type without knowing them in advance. Publish, send and
 * requests go over the HTTP API. A change of addresses or token reopens the stream from the cursor.
 */
class SseLink {
  constructor(client, token) {
    this.client = client;
    this.token = token;
    this.abort = new AbortController();
    this.addresses = client.addresses();   // what the stream asks for; the node adds the user channel
  }

  open() {
    const client = this.client;
    const query = this.addresses.map((a) => "address=" + encodeURIComponent(a)).join("&");
    const headers = { Accept: "text/event-stream" };
    if (this.token) headers.Authorization = "Bearer " + this.token;
    const cursor = client.cursor();
    if (cursor) headers["Last-Event-ID"] = cursor;
    return within(client.options.openTimeout, new Promise((resolve, reject) => {
      this.connected = (info) => { client.opened(info); resolve(this); };
      fetch(client.url + "/sse" + (query ? "?" + query : ""), { headers, signal: this.abort.signal, cache: "no-store" })
        .then(async (response) => {
          if (!response.ok) {
            // A stream refused for one address (a refreshed token, or rules changed while the
            // client was away): the client drops it, or every later stream would be refused too.
            const e = await refusal(response);
            e.dropped = !!e.address && client.refused(e.address, e);
            throw e;
          }
          return this.read(response.body.getReader());
        })
        .catch((e) => reject(e))
        .finally(() => client.dropped(this, this.farewell));
    }), () => this.abort.abort());
  }

  async read(reader) {
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        this.onBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  onBlock(block) {
    let type = "message", data = "";
    for (const line of block.split("\n")) {
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + (line[colon + 1] === " " ? 2 : 1));
      if (field === "event") type = value;
      else if (field === "data") data += (data ? "\n" : "") + value;
    }
    if (!data) return;
    const body = JSON.parse(data);
    if (type === "connected") this.connected(Object.assign(body, { transport: "sse" }));
    else if (type === "reset") this.client.reset(body.address, body.position);
    else if (body.code && body.reconnect !== undefined && body.address === undefined) this.farewell = body;
    else this.client.deliver(body);
  }

  /**
   * The stream's addresses and token are fixed: a change opens a new stream with the client's
   * addresses, from the cursor, and this one ends once that one is connected. One new stream at a
   * time: changes made while it opens share its outcome and are taken up by one more stream once
   * it is connected (two opened side by side could be linked in either order, and the one not
   * linked was never closed). A new stream that connects when this one is no longer the client's
   * (close(), or a drop with a reconnect under way) is closed at once: the client is done, or its
   * next link carries the change.
   */
  reopen(token) {
    if (token) this.token = token;
    if (!this.replacing) this.replacing = this.replace().finally(() => { this.replacing = null; });
    return this.replacing;
  }

  async replace() {
    const client = this.client;
    const next = new SseLink(client, this.token);
    await next.open();
    if (client.link !== this) return next.close();
    client.linked(next);
    this.close();
    if (next.token !== this.token || !sameAddresses(next.addresses, client.addresses())) await next.reopen(this.token);
  }

  subscribe() {
    return this.reopen();
  }

  unsubscribe() {
    return this.reopen();
  }

  /** A stream refused for an address the new token no longer allows left it dropped: the next goes without it. */
  async refresh(token) {
    for (;;) {
      try {
        return await this.reopen(token);
      } catch (e) {
        if (!(e && e.dropped)) throw e;
        this.client.emit("error", e);
      }
    }
  }

  async api(path, body) {
    const headers = { "Content-Type": "application/json" };
    if (this.token) headers.Authorization = "Bearer " + this.token;
    const response = await fetch(this.client.url + path, { method: "POST", headers, body: JSON.stringify(body) });
    if (!response.ok) throw await refusal(response);
    return response.json();
  }

  publish(address, data, type) {
    return this.api("/api/publish", { address, data, type }).then((r) => r.ids[0]);
  }

  request(address, body, timeout) {
    return this.api("/api/send", { address, body, timeout, reply: true }).then((r) => r.body);
  }

  group() {
    return Promise.reject({ code: "unsupported", message: "joining a group takes WebSocket or SockJS" });
  }

  close() {
    this.abort.abort();
  }
}
