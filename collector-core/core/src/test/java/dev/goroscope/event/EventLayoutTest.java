package dev.goroscope.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps goroscope_events.h and EventDecoder in step: compiles a C program with the host gcc
 * that prints offsetof/sizeof of every field and every enum value, and compares each with the
 * decoder's constant. Also checks every struct of the header is covered (no unlisted fields).
 */
class EventLayoutTest {
  static final Path HEADER = Path.of("../../bpf/src/main/c/goroscope_events.h").toAbsolutePath();

  /** C expression → decoder constant. */
  static Map<String, Integer> expected() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("offsetof(struct goroscope_event_header, ts_ns)", EventDecoder.HDR_TS_NS);
    m.put("offsetof(struct goroscope_event_header, pid)", EventDecoder.HDR_PID);
    m.put("offsetof(struct goroscope_event_header, tid)", EventDecoder.HDR_TID);
    m.put("offsetof(struct goroscope_event_header, cpu)", EventDecoder.HDR_CPU);
    m.put("offsetof(struct goroscope_event_header, type)", EventDecoder.HDR_TYPE);
    m.put("sizeof(struct goroscope_event_header)", EventDecoder.HDR_SIZE);
    m.put("GOROSCOPE_EV_GOROUTINE_CREATED", EventDecoder.TYPE_GOROUTINE_CREATED);
    m.put("GOROSCOPE_EV_GOROUTINE_EXITED", EventDecoder.TYPE_GOROUTINE_EXITED);
    m.put("GOROSCOPE_EV_CTX_DEADLINE_SET", EventDecoder.TYPE_CTX_DEADLINE_SET);
    m.put("GOROSCOPE_EV_CTX_CANCELLED", EventDecoder.TYPE_CTX_CANCELLED);
    m.put("GOROSCOPE_EV_GOROUTINE_PARKED", EventDecoder.TYPE_GOROUTINE_PARKED);
    m.put("GOROSCOPE_EV_GOROUTINE_READIED", EventDecoder.TYPE_GOROUTINE_READIED);
    m.put("GOROSCOPE_CANCEL_UNKNOWN", EventDecoder.CANCEL_UNKNOWN);
    m.put("GOROSCOPE_CANCEL_DEADLINE_EXCEEDED", EventDecoder.CANCEL_DEADLINE_EXCEEDED);
    m.put("GOROSCOPE_CANCEL_CANCELED", EventDecoder.CANCEL_CANCELED);
    m.put("offsetof(struct goroscope_goroutine_created, goid)", EventDecoder.CREATED_GOID);
    m.put("offsetof(struct goroscope_goroutine_created, parent_goid)", EventDecoder.CREATED_PARENT_GOID);
    m.put("offsetof(struct goroscope_goroutine_created, gopc)", EventDecoder.CREATED_GOPC);
    m.put("offsetof(struct goroscope_goroutine_created, startpc)", EventDecoder.CREATED_STARTPC);
    m.put("sizeof(struct goroscope_goroutine_created)", EventDecoder.CREATED_SIZE);
    m.put("offsetof(struct goroscope_goroutine_exited, goid)", EventDecoder.EXITED_GOID);
    m.put("sizeof(struct goroscope_goroutine_exited)", EventDecoder.EXITED_SIZE);
    m.put("offsetof(struct goroscope_ctx_deadline_set, ctx)", EventDecoder.DEADLINE_CTX);
    m.put("offsetof(struct goroscope_ctx_deadline_set, parent_ctx)", EventDecoder.DEADLINE_PARENT_CTX);
    m.put("offsetof(struct goroscope_ctx_deadline_set, deadline_unix_ns)", EventDecoder.DEADLINE_UNIX_NS);
    m.put("offsetof(struct goroscope_ctx_deadline_set, goid)", EventDecoder.DEADLINE_GOID);
    m.put("sizeof(struct goroscope_ctx_deadline_set)", EventDecoder.DEADLINE_SIZE);
    m.put("offsetof(struct goroscope_ctx_cancelled, ctx)", EventDecoder.CANCELLED_CTX);
    m.put("offsetof(struct goroscope_ctx_cancelled, goid)", EventDecoder.CANCELLED_GOID);
    m.put("offsetof(struct goroscope_ctx_cancelled, reason)", EventDecoder.CANCELLED_REASON);
    m.put("sizeof(struct goroscope_ctx_cancelled)", EventDecoder.CANCELLED_SIZE);
    m.put("offsetof(struct goroscope_goroutine_parked, goid)", EventDecoder.PARKED_GOID);
    m.put("offsetof(struct goroscope_goroutine_parked, wait_reason)", EventDecoder.PARKED_WAIT_REASON);
    m.put("sizeof(struct goroscope_goroutine_parked)", EventDecoder.PARKED_SIZE);
    m.put("offsetof(struct goroscope_goroutine_readied, goid)", EventDecoder.READIED_GOID);
    m.put("offsetof(struct goroscope_goroutine_readied, waker_goid)", EventDecoder.READIED_WAKER_GOID);
    m.put("sizeof(struct goroscope_goroutine_readied)", EventDecoder.READIED_SIZE);
    m.put("offsetof(struct goroscope_goroutine_mark, goid)", EventDecoder.MARK_GOID);
    m.put("offsetof(struct goroscope_goroutine_mark, a)", EventDecoder.MARK_A);
    m.put("offsetof(struct goroscope_goroutine_mark, b)", EventDecoder.MARK_B);
    m.put("sizeof(struct goroscope_goroutine_mark)", EventDecoder.MARK_SIZE);
    m.put("GOROSCOPE_EV_CHAN_SEND", MarkKind.CHANNEL_SEND.code());
    m.put("GOROSCOPE_EV_CHAN_RECEIVE", MarkKind.CHANNEL_RECEIVE.code());
    m.put("GOROSCOPE_EV_APP_SPAN_START", EventDecoder.TYPE_APP_SPAN_START);
    m.put("GOROSCOPE_EV_APP_SPAN_END", EventDecoder.TYPE_APP_SPAN_END);
    m.put("GOROSCOPE_APP_SPAN_SAMPLED", EventDecoder.APP_SPAN_SAMPLED);
    m.put("GOROSCOPE_APP_SPAN_RECORDING", EventDecoder.APP_SPAN_RECORDING);
    m.put("offsetof(struct goroscope_app_span, goid)", EventDecoder.APP_SPAN_GOID);
    m.put("offsetof(struct goroscope_app_span, trace_id_high)", EventDecoder.APP_SPAN_TRACE_ID_HIGH);
    m.put("offsetof(struct goroscope_app_span, trace_id_low)", EventDecoder.APP_SPAN_TRACE_ID_LOW);
    m.put("offsetof(struct goroscope_app_span, span_id)", EventDecoder.APP_SPAN_SPAN_ID);
    m.put("offsetof(struct goroscope_app_span, parent_span_id)", EventDecoder.APP_SPAN_PARENT_SPAN_ID);
    m.put("offsetof(struct goroscope_app_span, flags)", EventDecoder.APP_SPAN_FLAGS);
    m.put("sizeof(struct goroscope_app_span)", EventDecoder.APP_SPAN_SIZE);
    return m;
  }

  @Test
  void decoderConstantsMatchTheCompiledHeader(@TempDir Path dir) throws Exception {
    assumeTrue(Files.exists(HEADER), "header not found at " + HEADER);
    assumeTrue(new ProcessBuilder("gcc", "--version").start().waitFor() == 0, "gcc not installed");
    StringBuilder c = new StringBuilder("#include <stddef.h>\n#include <stdio.h>\n#include \"")
        .append(HEADER).append("\"\nint main(void) {\n");
    for (String expr : expected().keySet()) {
      c.append("  printf(\"%s=%ld\\n\", \"").append(expr).append("\", (long)(").append(expr)
          .append("));\n");
    }
    c.append("  return 0;\n}\n");
    Path src = dir.resolve("layout.c");
    Files.writeString(src, c);
    Path exe = dir.resolve("layout");
    run("gcc", "-Wall", "-Werror", "-o", exe.toString(), src.toString());
    Map<String, Integer> actual = new HashMap<>();
    for (String line : run(exe.toString()).split("\n")) {
      int eq = line.lastIndexOf('=');
      actual.put(line.substring(0, eq), Integer.parseInt(line.substring(eq + 1)));
    }
    assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected());
  }

  @Test
  void everyHeaderFieldIsCovered() throws IOException {
    assumeTrue(Files.exists(HEADER), "header not found at " + HEADER);
    String h = Files.readString(HEADER);
    Map<String, Integer> exp = expected();
    String struct = null;
    for (String line : h.split("\n")) {
      String t = line.trim();
      if (t.startsWith("struct ") && t.endsWith("{")) {
        struct = t.substring(7, t.length() - 1).trim();
      } else if (t.startsWith("}")) {
        struct = null;
      } else if (struct != null && t.startsWith("__")) {
        String field = t.split("[\\s;]+")[1];
        if (!field.startsWith("_")) {
          assertThat(exp).as("decoder constant for %s.%s", struct, field)
              .containsKey("offsetof(struct " + struct + ", " + field + ")");
        }
      }
    }
  }

  @Test
  void everyEventTypeOfTheHeaderIsDecoded() throws IOException {
    String h = Files.readString(HEADER);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(GOROSCOPE_EV_\\w+) = (\\d+)").matcher(h);
    int types = 0;
    while (m.find()) {
      types++;
      assertThat(expected()).as("decoder constant for %s", m.group(1)).containsKey(m.group(1));
      assertThat(expected().get(m.group(1))).isEqualTo(Integer.parseInt(m.group(2)));
    }
    assertThat(types).isEqualTo(6 + MarkKind.values().length + 2); // + application spans
  }

  static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s: %s", String.join(" ", cmd), out).isZero();
    return out;
  }
}
