package dev.goroscope.otel.jsonl;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * JSON text (RFC 8259) written as UTF-8 into a buffer that goes to a stream when full or on
 * {@link #flush()}: the few value writers a JSON line needs, with the punctuation and field
 * names left to the caller as pre-encoded {@link #key(String) keys}.
 *
 * <p>Why not a general JSON generator: JSON lines are goroscope's hot path (one line of about
 * fifty fields per goroutine that ends), and Jackson's streaming generator cost about 3 µs per
 * line when measured in the sidecar, mostly its per-token state checks; compiled by C2 its
 * methods were inlined at each of those fifty call sites into methods of 40–70 KB, recompiled
 * after each deoptimisation: seconds of compiler CPU in the first minute of a run
 * (docs/benchmarks.md, "Sidecar CPU"). Here a field is an array copy of its key and a few byte
 * stores for its value. Strings are escaped as RFC 8259 requires (quote, backslash, controls;
 * lone surrogates as {@code \\uXXXX}); the tests read the output back with Jackson's parser.
 *
 * <p>Not thread-safe. An {@link IOException} of the stream propagates; the buffer then holds
 * unwritten bytes and the caller should stop writing.
 */
final class JsonText {

  private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] THREE_DIGITS = threeDigits();
  private static final byte[] MIN_LONG =
      Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);
  private static final long BILLION = 1_000_000_000L;
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

  private final OutputStream out;
  private byte[] buf;
  private int pos;
  /**
   * The digits above the nine low ones of the last number of 10 or more digits written, one
   * for monotonic nanosecond times (below 10^18) and one for Unix ones: a line's times share
   * them, and reusing them saves the long divisions (runtime calls in C1's code) and the digits
   * of the high part; number formatting was a fifth of the drain thread.
   */
  private final HighDigits monotonicHigh = new HighDigits();
  private final HighDigits unixHigh = new HighDigits();

  JsonText(OutputStream out, int bufferSize) {
    this.out = out;
    this.buf = new byte[bufferSize];
  }

  /** The UTF-8 bytes of {@code text}, which must be valid JSON text (a key: {@code ,"pid":}). */
  static byte[] key(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code s} as a JSON string (quoted, escaped), encoded once to be written with {@link #raw}. */
  static byte[] encode(String s) {
    JsonText t = new JsonText(OutputStream.nullOutputStream(), s.length() * 6 + 2);
    try {
      t.string(s);
    } catch (IOException e) {
      throw new IllegalStateException("the buffer holds it: never flushed", e);
    }
    byte[] out = new byte[t.pos];
    System.arraycopy(t.buf, 0, out, 0, t.pos);
    return out;
  }

  /** Bytes written but not yet handed to the stream. */
  int buffered() {
    return pos;
  }

  void raw(byte[] bytes) throws IOException {
    int n = bytes.length;
    ensure(n);
    System.arraycopy(bytes, 0, buf, pos, n);
    pos += n;
  }

  void raw(char c) throws IOException { // ASCII punctuation only
    ensure(1);
    buf[pos++] = (byte) c;
  }

  void nul() throws IOException {
    raw(NULL);
  }

  void bool(boolean v) throws IOException {
    raw(v ? TRUE : FALSE);
  }

  void number(long v) throws IOException {
    ensure(20);
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        raw(MIN_LONG);
        return;
      }
      buf[pos++] = '-';
      v = -v;
    }
    // Integer arithmetic below 10^9: C1 compiles a long division into a runtime call, and the
    // nanosecond times here have up to 19 digits.
    if (v < BILLION) {
      pos = digits((int) v, buf, pos);
      return;
    }
    HighDigits high = v >= BILLION * BILLION ? unixHigh : monotonicHigh;
    long low = v - high.base;
    if (low < 0 || low >= BILLION) {
      high.set(v / BILLION);
      low = v - high.base;
    }
    System.arraycopy(high.digits, 0, buf, pos, high.length);
    pos = nineDigits((int) low, buf, pos + high.length);
  }

  /** The part of a number above its nine low digits: its value times 10^9, and its digits. */
  private static final class HighDigits {
    long base = -1; // no number: v - base > 10^9 for every v >= 10^9
    final byte[] digits = new byte[10]; // Long.MAX_VALUE / 10^9 has ten digits
    int length;

    void set(long high) {
      base = high * BILLION;
      if (high < BILLION) {
        length = digits((int) high, digits, 0);
      } else {
        long top = high / BILLION;
        length = nineDigits((int) (high - top * BILLION), digits, digits((int) top, digits, 0));
      }
    }
  }

  /** A finite double as Java prints it; NaN and infinities, which JSON lacks, as null. */
  void number(double v) throws IOException {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      nul();
    } else {
      raw(Double.toString(v).getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** {@code "0x…"}: the unsigned value in lower-case hexadecimal. */
  void hex(long v) throws IOException {
    ensure(20);
    int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 3) >> 2);
    byte[] b = buf;
    int p = pos;
    b[p] = '"';
    b[p + 1] = '0';
    b[p + 2] = 'x';
    int end = p + 3 + digits;
    for (int i = end - 1; i >= p + 3; i--) {
      b[i] = DIGITS[(int) (v & 0xf)];
      v >>>= 4;
    }
    b[end] = '"';
    pos = end + 1;
  }

  /** {@code s} quoted and escaped. */
  void string(String s) throws IOException {
    int n = s.length();
    ensure(n * 6 + 2); // worst case: every char a \\uXXXX escape
    byte[] b = buf;
    int p = pos;
    b[p++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\') {
          b[p++] = (byte) c;
        } else {
          p = escape(b, p, c);
        }
      } else if (c < 0x800) {
        b[p++] = (byte) (0xc0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isHighSurrogate(c) && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[p++] = (byte) (0xf0 | (cp >> 18));
        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
        b[p++] = (byte) (0x80 | (cp & 0x3f));
      } else if (Character.isSurrogate(c)) {
        p = unicodeEscape(b, p, c); // a lone surrogate has no UTF-8 form
      } else {
        b[p++] = (byte) (0xe0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        b[p++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    b[p++] = '"';
    pos = p;
  }

  /** Hands the buffered bytes to the stream and flushes it. */
  void flush() throws IOException {
    drain();
    out.flush();
  }

  /** Hands the buffered bytes to the stream (without flushing it). */
  void drain() throws IOException {
    if (pos > 0) {
      int n = pos;
      pos = 0;
      out.write(buf, 0, n);
    }
  }

  private void ensure(int n) throws IOException {
    if (pos + n > buf.length) {
      drain();
      if (n > buf.length) {
        buf = new byte[Math.max(n, buf.length * 2)];
      }
    }
  }

  private static int escape(byte[] b, int p, char c) {
    b[p++] = '\\';
    switch (c) {
      case '"' -> b[p++] = '"';
      case '\\' -> b[p++] = '\\';
      case '\n' -> b[p++] = 'n';
      case '\r' -> b[p++] = 'r';
      case '\t' -> b[p++] = 't';
      case '\b' -> b[p++] = 'b';
      case '\f' -> b[p++] = 'f';
      default -> {
        return unicodeEscape(b, p - 1, c);
      }
    }
    return p;
  }

  private static int unicodeEscape(byte[] b, int p, char c) {
    b[p++] = '\\';
    b[p++] = 'u';
    b[p++] = DIGITS[(c >> 12) & 0xf];
    b[p++] = DIGITS[(c >> 8) & 0xf];
    b[p++] = DIGITS[(c >> 4) & 0xf];
    b[p++] = DIGITS[c & 0xf];
    return p;
  }

  /** Writes {@code v} (0 ≤ v < 10^9) at {@code p}; returns the end. */
  private static int digits(int v, byte[] b, int p) {
    int end = p + digitCount(v);
    writeBackwards(v, b, end, p);
    return end;
  }

  /** Writes {@code v} (0 ≤ v < 10^9) as exactly nine digits at {@code p}; returns the end. */
  private static int nineDigits(int v, byte[] b, int p) {
    writeBackwards(v, b, p + 9, p);
    return p + 9;
  }

  /** Digits of {@code v} right-aligned before {@code end}, zero-filled back to {@code start}. */
  private static void writeBackwards(int v, byte[] b, int end, int start) {
    int p = end;
    while (v >= 1000) { // three digits a step, from a table
      int q = (int) ((v * 274877907L) >>> 38); // v / 1000, exact below 2^32
      int r = (v - q * 1000) * 3;
      b[p - 1] = THREE_DIGITS[r + 2];
      b[p - 2] = THREE_DIGITS[r + 1];
      b[p - 3] = THREE_DIGITS[r];
      p -= 3;
      v = q;
    }
    int r = v * 3; // the last one to three digits
    b[--p] = THREE_DIGITS[r + 2];
    if (v >= 10) {
      b[--p] = THREE_DIGITS[r + 1];
      if (v >= 100) {
        b[--p] = THREE_DIGITS[r];
      }
    }
    while (p > start) {
      b[--p] = '0';
    }
  }

  private static int digitCount(int v) { // 0 <= v < 10^9
    int n = 1;
    for (int bound = 10; n < 9 && v >= bound; bound *= 10) {
      n++;
    }
    return n;
  }

  private static byte[] threeDigits() {
    byte[] t = new byte[3000];
    for (int i = 0; i < 1000; i++) {
      t[3 * i] = (byte) ('0' + i / 100);
      t[3 * i + 1] = (byte) ('0' + i / 10 % 10);
      t[3 * i + 2] = (byte) ('0' + i % 10);
    }
    return t;
  }

}
