package io.herald.bridge.history;

import java.security.SecureRandom;

/** New epochs: random, so a history recreated anywhere in the cluster never reuses an old one. */
public final class Epochs {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

  private Epochs() {}

  /** Ten characters from 62: about 59 bits. */
  public static String next() {
    char[] out = new char[10];
    for (int i = 0; i < out.length; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }
}
