package dev.goroscope.otel.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** JsonText's output read back by Jackson's parser: what it writes is the JSON of the value. */
class JsonTextTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Property(tries = 2000)
  void anyStringReadsBackAsItself(@ForAll @StringLength(max = 40) String s,
      @ForAll @IntRange(min = 4, max = 64) int bufferSize) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JsonText t = new JsonText(bytes, bufferSize); // small buffers: strings cross flushes
    t.raw('[');
    t.string(s);
    t.raw(',');
    t.string(s);
    t.raw(']');
    t.flush();
    String text = bytes.toString(StandardCharsets.UTF_8);
    JsonNode n = JSON.readTree(text);
    assertThat(n.get(0).textValue()).isEqualTo(s);
    assertThat(n.get(1).textValue()).isEqualTo(s);
    assertThat(JsonText.encode(s)).isEqualTo(
        text.substring(1, text.length() / 2).getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 500)
  void controlAndNonAsciiCharactersReadBack(
      @ForAll @CharRange(from = 0, to = 0x2ff) @StringLength(max = 20) String s)
      throws IOException {
    assertThat(readBack(s)).isEqualTo(s);
  }

  @Test
  void surrogatesPairedOrLoneReadBack() throws IOException {
    String pair = "a\uD83D\uDE00b"; // U+1F600: four UTF-8 bytes
    assertThat(readBack(pair)).isEqualTo(pair);
    assertThat(JsonText.encode(pair))
        .isEqualTo("\"a\uD83D\uDE00b\"".getBytes(StandardCharsets.UTF_8));
    String lone = "x\uD800y\uDC00";
    assertThat(readBack(lone)).isEqualTo(lone);
    assertThat(new String(JsonText.encode(lone), StandardCharsets.UTF_8))
        .isEqualTo("\"x\\ud800y\\udc00\"");
    assertThat(new String(JsonText.encode("q\"b\\n\n\t\u0001"), StandardCharsets.UTF_8))
        .isEqualTo("\"q\\\"b\\\\n\\n\\t\\u0001\"");
  }

  @Property(tries = 2000)
  void anyLongReadsBackAsItself(@ForAll long v) throws IOException {
    JsonNode n = JSON.readTree(write(t -> t.number(v)));
    assertThat(n.isIntegralNumber()).isTrue();
    assertThat(n.longValue()).isEqualTo(v);
    assertThat(write(t -> t.number(v))).isEqualTo(Long.toString(v));
  }

  /**
   * Many numbers in one text, near each other as a line's times are (its high digits are
   * reused from one number to the next) and crossing multiples of 10^9 both ways.
   */
  @Property(tries = 1000)
  void nearbyLongsInOneTextReadBackAsThemselves(
      @ForAll long start, @ForAll @Size(max = 30) List<@IntRange(min = -3, max = 3) Integer> steps,
      @ForAll @LongRange(min = 0, max = 2_000_000_000L) long stride) throws IOException {
    List<Long> values = new ArrayList<>();
    long v = start;
    for (int step : steps) {
      values.add(v);
      values.add(-v);
      values.add(v / 1_000_000_000L); // a small one in between
      v += step * stride;
    }
    assertWrittenInOneText(values, 64, ','); // small: the numbers cross buffer flushes
  }

  @Test
  void timesOfOneLineAcrossASecondAndBothClocks() throws IOException {
    long[] values = {12_345_999_999_999L, 12_346_000_000_000L, 12_345_999_999_998L,
        1_764_650_000_999_999_999L, 12_346_000_000_001L, 1_764_650_001_000_000_000L,
        1_764_649_999_999_999_999L, 999_999_999L, 1_000_000_000L, 9_223_372_036_854_775_807L,
        1_000_000_000_000_000_000L, 999_999_999_999_999_999L};
    assertWrittenInOneText(Arrays.stream(values).boxed().toList(), 1024, ' ');
  }

  /** Writes every value, each followed by {@code separator}, into one text, and reads it back. */
  private static void assertWrittenInOneText(List<Long> values, int bufferSize, char separator)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JsonText t = new JsonText(bytes, bufferSize);
    StringBuilder expected = new StringBuilder();
    for (long x : values) {
      t.number(x);
      t.raw(separator);
      expected.append(x).append(separator);
    }
    t.flush();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());
  }

  @Test
  void longEdgesAndPowersOfTen() throws IOException {
    long p = 1;
    for (int i = 0; i < 19; i++) {
      for (long v : new long[] {p - 1, p, p + 1, -p}) {
        assertThat(write(t -> t.number(v))).isEqualTo(Long.toString(v));
      }
      p *= 10;
    }
    assertThat(write(t -> t.number(Long.MAX_VALUE))).isEqualTo(Long.toString(Long.MAX_VALUE));
    assertThat(write(t -> t.number(Long.MIN_VALUE))).isEqualTo(Long.toString(Long.MIN_VALUE));
  }

  @Property(tries = 1000)
  void hexIsTheUnsignedValueInLowerCase(@ForAll long v) throws IOException {
    assertThat(write(t -> t.hex(v))).isEqualTo("\"0x" + Long.toHexString(v) + "\"");
  }

  @Test
  void doublesBooleansAndNull() throws IOException {
    assertThat(write(t -> t.number(1.5))).isEqualTo("1.5");
    assertThat(write(t -> t.number(Double.NaN))).isEqualTo("null");
    assertThat(write(t -> t.bool(true))).isEqualTo("true");
    assertThat(write(t -> t.bool(false))).isEqualTo("false");
    assertThat(write(JsonText::nul)).isEqualTo("null");
  }

  private interface Writes {
    void to(JsonText t) throws IOException;
  }

  private static String write(Writes w) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JsonText t = new JsonText(bytes, 8);
    w.to(t);
    t.flush();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static String readBack(String s) throws IOException {
    return JSON.readTree(write(t -> t.string(s))).textValue();
  }
}
