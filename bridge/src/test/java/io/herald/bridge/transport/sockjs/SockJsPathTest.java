package io.herald.bridge.transport.sockjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

class SockJsPathTest {

  @Test
  void sessionPathsAreRecognised() {
    SockJsPath path = SockJsPath.of("/eventbus/123/abc/xhr");
    assertEquals(new SockJsPath("123", "abc", "xhr"), path);
    assertTrue(path.receives(HttpMethod.POST));
    assertFalse(path.receives(HttpMethod.GET));
    assertFalse(path.sends(HttpMethod.POST));
  }

  @Test
  void pathsWithoutASessionAreNot() {
    assertNull(SockJsPath.of("/eventbus/info"));
    assertNull(SockJsPath.of("/eventbus/websocket"));
    assertNull(SockJsPath.of("/eventbus/1/2"));
    assertNull(SockJsPath.of("/eventbus/1/2/3/4"));
    assertNull(SockJsPath.of("/eventbus/1/a.b/xhr"));
    assertNull(SockJsPath.of("/eventbus//abc/xhr"));
    assertNull(SockJsPath.of("/eventbusx/1/abc/xhr"));
  }

  @Test
  void eachTransportReceivesOrSendsWithItsMethod() {
    assertTrue(SockJsPath.of("/eventbus/1/s/xhr_streaming").receives(HttpMethod.POST));
    assertTrue(SockJsPath.of("/eventbus/1/s/eventsource").receives(HttpMethod.GET));
    assertTrue(SockJsPath.of("/eventbus/1/s/htmlfile").receives(HttpMethod.GET));
    assertTrue(SockJsPath.of("/eventbus/1/s/jsonp").receives(HttpMethod.GET));
    assertTrue(SockJsPath.of("/eventbus/1/s/xhr_send").sends(HttpMethod.POST));
    assertTrue(SockJsPath.of("/eventbus/1/s/jsonp_send").sends(HttpMethod.POST));
    // A WebSocket is one connection: nothing to route.
    assertFalse(SockJsPath.of("/eventbus/1/s/websocket").receives(HttpMethod.GET));
    assertFalse(SockJsPath.of("/eventbus/1/s/websocket").sends(HttpMethod.GET));
    assertFalse(SockJsPath.of("/eventbus/1/s/xhr_send").receives(HttpMethod.OPTIONS));
  }
}
