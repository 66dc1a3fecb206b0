package dev.goroscope.otel.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JsonLinesInputTest {

  @Test
  void linesSplitAnywhereEvenInsideACharacterArriveWhole() throws Exception {
    ReportModel m = ReportModel.create();
    AtomicInteger closed = new AtomicInteger();
    JsonLinesInput in = new JsonLinesInput(m, closed::incrementAndGet);
    String text = Lines.process(1, "/srv/äpp") + "\n"
        + Lines.goroutine(1, 5, 0, "main.grüß", "main.main", 3, 10, 20) + "\n"
        + Lines.goroutine(1, 6, 5, "main.日本", "main.grüß", 4, 11, -1); // no final newline
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    // odd-sized chunks, single bytes among them: multi-byte characters get split
    int at = 0;
    int size = 1;
    while (at < bytes.length) {
      int n = Math.min(size, bytes.length - at);
      if (n == 1) {
        in.write(bytes[at]);
      } else {
        in.write(bytes, at, n);
      }
      at += n;
      size = size % 7 + 1;
    }
    assertThat(m.stats().goroutines()).isEqualTo(1); // the last line is not terminated yet
    in.close();
    in.close();
    assertThat(closed.get()).isEqualTo(1);
    assertThat(m.stats().goroutines()).isEqualTo(2);
    assertThat(m.stats().malformed()).isZero();
    var d = Lines.data(m);
    assertThat(Lines.string(d, d.get("sites").get("startFunction").get(1).asInt()))
        .isEqualTo("main.日本");
    assertThat(d.get("processes").get(0).get("executable").asText()).isEqualTo("/srv/äpp");
  }

  @Test
  void anOversizedLineIsDroppedAndCountedNotKept() {
    ReportModel m = ReportModel.create();
    JsonLinesInput in = new JsonLinesInput(m, () -> {});
    byte[] chunk = new byte[1 << 20];
    java.util.Arrays.fill(chunk, (byte) 'x');
    for (int i = 0; i < 70; i++) { // 70 MiB without a newline
      in.write(chunk, 0, chunk.length);
    }
    in.write('\n');
    ByteArrayOutputStream ok = new ByteArrayOutputStream();
    ok.writeBytes((Lines.goroutine(1, 5, 0, "main.f", "main.main", 3, 10, 20) + "\n")
        .getBytes(StandardCharsets.UTF_8));
    in.write(ok.toByteArray(), 0, ok.size());
    assertThat(m.stats().malformed()).isEqualTo(1);
    assertThat(m.stats().goroutines()).isEqualTo(1);
  }
}
