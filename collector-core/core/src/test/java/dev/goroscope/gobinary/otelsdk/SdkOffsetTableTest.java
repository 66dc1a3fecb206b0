package dev.goroscope.gobinary.otelsdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.gobinary.buildinfo.BuildInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The committed SDK table is the generator's output (the first and last release of every row
 * are rebuilt from the Go module proxy's sources and read again), covers the releases
 * goroscope's tests run (v1.16.0, v1.38.0, v1.47.0), and its range is what is supported.
 */
class SdkOffsetTableTest {

  @Test
  void firstAndLastReleaseOfEveryRowBuildToTheCommittedLayout() throws IOException {
    SdkOffsetTable table = SdkOffsetTable.builtIn();
    for (SdkOffsetTable.Row row : table.rows()) {
      for (ModuleVersion v : List.of(row.first(), row.last())) {
        assertThat(SdkOffsetTableGenerator.layout(v))
            .as("layout of %s (rerun scripts/generate-otel-sdk-offset-table.sh)", v)
            .containsExactlyEntriesOf(row.offsets());
      }
    }
  }

  @Test
  void committedFileIsExactlyTheFormatOfItsRows() throws IOException {
    String committed = Files.readString(SdkOffsetTableGenerator.TABLE_SOURCE,
        StandardCharsets.UTF_8);
    SdkOffsetTable table = SdkOffsetTable.parse(committed);
    assertThat(table.format(SdkOffsetTableGenerator.header())).isEqualTo(committed);
    assertThat(SdkOffsetTable.parse(table.format(List.of("x"))).rows()).isEqualTo(table.rows());
    for (SdkOffsetTable.Row row : table.rows()) {
      assertThat(row.offsets().keySet()).containsExactlyElementsOf(SdkFields.all());
      assertThat(row.releases()).first().isEqualTo(row.first().raw());
      assertThat(row.releases()).last().isEqualTo(row.last().raw());
    }
  }

  @Test
  void coversTheTestedReleasesAndNothingOutsideItsRange() {
    SdkOffsetTable table = SdkOffsetTable.builtIn();
    assertThat(table.range()).isEqualTo("v1.14.0 to v1.47.x");
    for (String v : List.of("v1.14.0", "v1.16.0", "v1.19.0", "v1.38.0", "v1.47.0", "v1.47.3")) {
      assertThat(table.row(ModuleVersion.parse(v).orElseThrow())).as(v).isPresent();
    }
    assertThat(table.row(ModuleVersion.parse("v1.16.0").orElseThrow()).orElseThrow()
        .offsets().get(SdkFields.RECORDING_SPAN_CONTEXT)).isEqualTo(176);
    assertThat(table.row(ModuleVersion.parse("v1.38.0").orElseThrow()).orElseThrow()
        .offsets().get(SdkFields.RECORDING_SPAN_CONTEXT)).isEqualTo(192);
    for (String v : List.of("v1.13.0", "v1.48.0", "v2.0.0", "v0.20.0")) {
      assertThat(table.row(ModuleVersion.parse(v).orElseThrow())).as(v).isEmpty();
    }
  }

  @Test
  void unsupportedVersionsAreOneLineThatSaysTheRange() {
    SdkOffsetTable table = SdkOffsetTable.builtIn();
    assertThat(sdk("v1.47.0", null).unsupportedReason(table)).isEmpty();
    assertThat(sdk("v1.40.1", null).unsupportedReason(table)).isEmpty();
    assertThat(sdk("v1.13.0", null).unsupportedReason(table)).contains("OpenTelemetry Go SDK"
        + " v1.13.0 is older than goroscope supports (supported: v1.14.0 to v1.47.x)");
    assertThat(sdk("v1.48.0", null).unsupportedReason(table)).contains("OpenTelemetry Go SDK"
        + " v1.48.0 is newer than goroscope knows (supported: v1.14.0 to v1.47.x;"
        + " scripts/generate-otel-sdk-offset-table.sh adds newer releases)");
    assertThat(sdk("v1.40.0", new BuildInfo.Module("../sdk", "", null))
        .unsupportedReason(table)).contains("OpenTelemetry Go SDK ../sdk is not a release"
        + " version (supported: v1.14.0 to v1.47.x)");
    assertThat(sdk("v1.40.0", new BuildInfo.Module("example.com/fork/sdk", "v1.20.0", null))
        .version()).contains(ModuleVersion.parse("v1.20.0").orElseThrow());
  }

  @Test
  void findsTheSdkInTheBuildInformation() {
    BuildInfo without = new BuildInfo("go1.26.8", "x", "x", "", java.util.Map.of());
    assertThat(OtelGoSdk.find(without)).isEmpty();
    BuildInfo with = new BuildInfo("go1.26.8", "x", "x", "", java.util.Map.of(),
        List.of(new BuildInfo.Module("go.opentelemetry.io/otel", "v1.47.0", null),
            new BuildInfo.Module(OtelGoSdk.MODULE, "v1.47.0", null)));
    assertThat(OtelGoSdk.find(with).map(OtelGoSdk::label)).contains("v1.47.0");
  }

  @Test
  void parseRejectsMalformedRows() {
    assertThatThrownBy(() -> SdkOffsetTable.parse("a.b=1\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SdkOffsetTable.parse("[v1.1.0] regenerated go1.26.8\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SdkOffsetTable.parse("[v1.1.0 v1.2.0] guessed x\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SdkOffsetTable.parse("[v1.1.0 v1.2.0] regenerated x\na=-1\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SdkOffsetTable.parse(
        "[v1.1.0 v1.5.0] regenerated x\n[v1.5.1 v1.6.0] regenerated x\n"))
        .as("overlapping: v1.5.x belongs to the first row").isInstanceOf(
            IllegalArgumentException.class);
  }

  private static OtelGoSdk sdk(String version, BuildInfo.Module replacement) {
    BuildInfo info = new BuildInfo("go1.26.8", "x", "x", "", java.util.Map.of(),
        List.of(new BuildInfo.Module(OtelGoSdk.MODULE, version, replacement)));
    Optional<OtelGoSdk> sdk = OtelGoSdk.find(info);
    assertThat(sdk).isPresent();
    return sdk.get();
  }
}
