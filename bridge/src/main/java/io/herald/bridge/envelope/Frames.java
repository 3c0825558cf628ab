package io.herald.bridge.envelope;

/** JSON texts of the server-to-client frames that carry events. */
public final class Frames {

  private Frames() {}

  public static String rec(Envelope envelope) {
    String data = envelope.dataJson();
    StringBuilder json = new StringBuilder(80 + data.length() + envelope.address().length());
    json.append("{\"type\":\"rec\",\"address\":");
    JsonText.appendQuoted(json, envelope.address());
    json.append(",\"id\":");
    JsonText.appendQuoted(json, envelope.id());
    json.append(",\"event\":");
    JsonText.appendQuoted(json, envelope.type());
    json.append(",\"ts\":").append(envelope.ts());
    json.append(",\"body\":").append(data);
    return json.append('}').toString();
  }
}
