package dev.goroscope.otel.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Renders a {@link ReportModel} as one self-contained HTML file: the page's CSS and JavaScript
 * (resources of this package, written here, no library) and the report data inline. It opens
 * from disk with no network: its Content-Security-Policy forbids every fetch.
 */
public final class HtmlReport {

  private static final String RESOURCES = "/dev/goroscope/otel/report/";
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private HtmlReport() {}

  /** Writes the final report of {@code model} to {@code out} (not closed). */
  public static void write(ReportModel model, OutputStream out) throws IOException {
    write(model, out, 0);
  }

  /**
   * Writes the report of {@code model} to {@code out} (not closed).
   *
   * @param liveRefreshSeconds when positive, the page says that goroscope is still running and
   *     rewrites this file that often (and offers to reload itself); 0 for a final report
   */
  public static void write(ReportModel model, OutputStream out, double liveRefreshSeconds)
      throws IOException {
    Template t = Template.INSTANCE;
    BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
    buffered.write(t.beforeTitle);
    buffered.write(escapeHtml(title(model)).getBytes(StandardCharsets.UTF_8));
    buffered.write(t.beforeData);
    JsonGenerator json = JSON.createGenerator(buffered, JsonEncoding.UTF8);
    json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
    json.setCharacterEscapes(ScriptSafeEscapes.INSTANCE);
    ReportDataWriter.write(model, json, System.currentTimeMillis(), liveRefreshSeconds);
    json.flush();
    buffered.write(t.afterData);
    buffered.flush();
  }

  /**
   * Writes the report to {@code path} atomically: into a temporary file beside it, then renamed
   * over it, so a browser or a reader never sees half a report.
   */
  public static void writeFile(ReportModel model, Path path) throws IOException {
    writeFile(model, path, 0);
  }

  /** As {@link #writeFile(ReportModel, Path)}, for a report that is still being refreshed. */
  public static void writeFile(ReportModel model, Path path, double liveRefreshSeconds)
      throws IOException {
    Path target = path.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      readableByAll(tmp);
      try (OutputStream out = Files.newOutputStream(tmp)) {
        write(model, out, liveRefreshSeconds);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** A report is a document to open and pass around, like the JSON lines it comes from. */
  private static void readableByAll(Path file) throws IOException {
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

  /** "http-deadline (pid 4242)", or the executables and pids of several processes. */
  static String title(ReportModel model) {
    synchronized (model) {
      Set<String> names = new TreeSet<>();
      Set<Integer> pids = new TreeSet<>();
      for (ReportProcess p : model.processes()) {
        String exe = p.executable;
        names.add(exe.isEmpty() ? "?" : exe.substring(exe.lastIndexOf('/') + 1));
        pids.add(p.pid);
      }
      if (pids.isEmpty()) {
        return "goroscope report";
      }
      List<Integer> shown = pids.stream().limit(4).toList();
      String pidText = shown.size() == 1 ? "pid " + shown.get(0) : "pids "
          + String.join(", ", shown.stream().map(String::valueOf).toList())
          + (pids.size() > shown.size() ? ", …" : "");
      return "goroscope report: " + String.join(", ", names) + " (" + pidText + ")";
    }
  }

  static String escapeHtml(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** The page around the data: read once from this package's resources. */
  private static final class Template {
    static final Template INSTANCE = new Template();
    final byte[] beforeTitle;
    final byte[] beforeData;
    final byte[] afterData;

    private Template() {
      String html = resource("report.html");
      String css = resource("report.css");
      String js = resource("report.js");
      String[] parts = html.replace("{{CSS}}", css).split("\\{\\{TITLE}}|\\{\\{DATA}}", -1);
      if (parts.length != 3) {
        throw new IllegalStateException("report.html needs one {{TITLE}} and one {{DATA}}");
      }
      beforeTitle = parts[0].getBytes(StandardCharsets.UTF_8);
      beforeData = parts[1].getBytes(StandardCharsets.UTF_8);
      afterData = parts[2].replace("{{JS}}", js).getBytes(StandardCharsets.UTF_8);
    }

    private static String resource(String name) {
      try (InputStream in = HtmlReport.class.getResourceAsStream(RESOURCES + name)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + RESOURCES + name);
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** JSON that can sit inside a script element: no "</script>", no "<!--". */
  private static final class ScriptSafeEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    static final ScriptSafeEscapes INSTANCE = new ScriptSafeEscapes();
    private final int[] escapes;

    private ScriptSafeEscapes() {
      escapes = CharacterEscapes.standardAsciiEscapesForJSON();
      escapes['<'] = CharacterEscapes.ESCAPE_STANDARD;
      escapes['>'] = CharacterEscapes.ESCAPE_STANDARD;
      escapes['&'] = CharacterEscapes.ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return escapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return null;
    }
  }
}
