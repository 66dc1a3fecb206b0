package dev.goroscope.otel.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** JSON lines as goroscope writes them (README "JSON lines output"), and the report's data. */
final class Lines {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DATA = Pattern.compile(
      "<script id=\"goroscope-data\" type=\"application/json\">(.*?)</script>", Pattern.DOTALL);

  private Lines() {}

  static String process(int pid, String exe) {
    return "{\"type\":\"process\",\"pid\":" + pid + ",\"executable\":\"" + exe
        + "\",\"goVersion\":\"go1.26.8\",\"modulePath\":\"example.com/app\"}";
  }

  static String processEnd(int pid, long endNs) {
    return "{\"type\":\"process_end\",\"pid\":" + pid + ",\"endNs\":" + endNs
        + ",\"endUnixNs\":" + (endNs + 1_000_000_000_000L) + "}";
  }

  /** A goroutine line with the documented fields; {@code endNs} < 0 means still running. */
  static ObjectNode goroutine(int pid, long goid, long parent, String startFunction,
      String siteFunction, int line, long startNs, long endNs) {
    ObjectNode g = JSON.createObjectNode();
    g.put("type", "goroutine");
    g.put("pid", pid);
    g.put("goid", goid);
    g.put("parentGoid", parent);
    g.put("parentTraced", parent != 0);
    g.put("startFunction", startFunction);
    g.put("startPc", "0x4010");
    ObjectNode site = g.putObject("createdAt");
    site.put("function", siteFunction);
    site.put("file", "/src/app/main.go");
    site.put("line", line);
    g.put("startNs", startNs);
    g.put("startUnixNs", startNs + 1_000_000_000_000L);
    if (endNs < 0) {
      g.putNull("endNs");
      g.putNull("endUnixNs");
      g.putNull("durationNs");
      g.put("state", "running");
    } else {
      g.put("endNs", endNs);
      g.put("endUnixNs", endNs + 1_000_000_000_000L);
      g.put("durationNs", endNs - startNs);
      g.put("state", "exited");
    }
    g.putNull("waitReason");
    g.put("partial", endNs < 0);
    g.put("deadlineOverrun", false);
    g.putNull("overrun");
    g.put("leakCandidate", false);
    g.put("incomplete", false);
    g.putArray("contextEvents");
    g.putArray("parks");
    return g;
  }

  /** The data object of a rendered report. */
  static JsonNode data(ReportModel model) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HtmlReport.write(model, out);
    return data(out.toString(StandardCharsets.UTF_8));
  }

  static JsonNode data(String html) throws IOException {
    Matcher m = DATA.matcher(html);
    if (!m.find()) {
      throw new AssertionError("no data script in the report");
    }
    return JSON.readTree(m.group(1));
  }

  /** The strings the data's index column {@code column} refers to. */
  static String string(JsonNode data, int index) {
    return index < 0 ? "" : data.get("strings").get(index).asText();
  }
}
