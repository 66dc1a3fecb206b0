package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class StatusLineTest {

  @Test
  void rewritesOneLineInPlaceAndClearsIt() {
    StringWriter out = new StringWriter();
    StatusLine line = new StatusLine(new PrintWriter(out), true);
    line.show(1234.4, 56, 789, 3);
    line.show(5.0, 7, 8, 0);
    line.clear();
    String s = out.toString();
    assertThat(s).startsWith(
        "\rgoroscope: 1234 events/s, 56 live goroutines, 789 spans exported, 3 dropped");
    assertThat(s).contains("\rgoroscope: 5 events/s, 7 live goroutines, 8 spans exported, 0"
        + " dropped   ");
    assertThat(s).doesNotContain("\n");
    assertThat(s).endsWith("\r");
  }

  @Test
  void quietWhenStderrIsNotATerminal() {
    StringWriter out = new StringWriter();
    StatusLine line = new StatusLine(new PrintWriter(out), false);
    line.show(1, 2, 3, 4);
    line.clear();
    assertThat(out.toString()).isEmpty();
    // Under Maven, stderr is a pipe: the attach command would draw no status line.
    assertThat(StatusLine.stderrIsTerminal()).isFalse();
  }
}
