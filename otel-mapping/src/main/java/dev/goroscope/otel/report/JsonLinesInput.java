package dev.goroscope.otel.report;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An {@link OutputStream} that a JSON-lines writer writes into: every complete line goes to the
 * {@link ReportModel}; {@link #close()} hands over a last unterminated line and then runs the
 * close action once (the final report). Never throws on content: the model counts bad lines.
 */
final class JsonLinesInput extends OutputStream {
  private static final int MAX_LINE = 64 << 20;

  private final ReportModel model;
  private final Runnable onClose;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
  private boolean closed;
  private boolean skipping;

  JsonLinesInput(ReportModel model, Runnable onClose) {
    this.model = Objects.requireNonNull(model, "model");
    this.onClose = Objects.requireNonNull(onClose, "onClose");
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      endLine();
    } else if (!skipping) {
      line.write(b);
      guardLength();
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    int start = off;
    int end = off + len;
    for (int i = off; i < end; i++) {
      if (b[i] == '\n') {
        if (!skipping) {
          line.write(b, start, i - start);
        }
        endLine();
        start = i + 1;
      }
    }
    if (start < end && !skipping) {
      line.write(b, start, end - start);
      guardLength();
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (line.size() > 0) {
        endLine();
      }
    }
    onClose.run();
  }

  private void endLine() {
    if (skipping) {
      skipping = false;
      model.accept("{oversized line}");
    } else {
      model.accept(line.toString(StandardCharsets.UTF_8));
    }
    line.reset();
  }

  /** A line longer than any goroscope writes is dropped (and counted as malformed), not kept. */
  private void guardLength() {
    if (line.size() > MAX_LINE) {
      line.reset();
      skipping = true;
    }
  }
}
