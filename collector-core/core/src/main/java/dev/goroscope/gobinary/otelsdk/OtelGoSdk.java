package dev.goroscope.gobinary.otelsdk;

import dev.goroscope.gobinary.buildinfo.BuildInfo;
import java.util.Objects;
import java.util.Optional;

/**
 * The OpenTelemetry Go SDK ({@code go.opentelemetry.io/otel/sdk}) linked into a Go binary, as its
 * build information records it, and whether goroscope's application-span probes support that
 * version: the releases of the {@link SdkOffsetTable} (every one of them built and its layout
 * read), whatever the binary's DWARF says.
 *
 * @param module the dependency line (its replacement, if any, is what was linked)
 * @param version the linked version, or empty when it is not a release version (a local
 *     replacement, {@code (devel)})
 */
public record OtelGoSdk(BuildInfo.Module module, Optional<ModuleVersion> version) {

  /** The SDK's module path. */
  public static final String MODULE = "go.opentelemetry.io/otel/sdk";

  public OtelGoSdk {
    Objects.requireNonNull(module, "module");
    Objects.requireNonNull(version, "version");
  }

  /** The SDK the binary links, or empty when it does not. */
  public static Optional<OtelGoSdk> find(BuildInfo buildInfo) {
    return buildInfo.dependency(MODULE).map(m -> new OtelGoSdk(m,
        m.replacement() != null && m.replacement().version().isEmpty()
            ? Optional.empty() : ModuleVersion.parse(m.effective().version())));
  }

  /** How the version reads in messages, e.g. {@code v1.47.0} or {@code ../sdk (devel)}. */
  public String label() {
    BuildInfo.Module m = module.effective();
    return version.map(ModuleVersion::raw).orElse(
        m.path() + (m.version().isEmpty() ? "" : " " + m.version()));
  }

  /** Why the probes cannot watch this SDK (one line), or empty when its version is supported. */
  public Optional<String> unsupportedReason(SdkOffsetTable table) {
    String sdk = "OpenTelemetry Go SDK " + label();
    String range = "supported: " + table.range();
    if (version.isEmpty()) {
      return Optional.of(sdk + " is not a release version (" + range + ")");
    }
    ModuleVersion v = version.get();
    if (v.compareTo(table.oldest()) < 0) {
      return Optional.of(sdk + " is older than goroscope supports (" + range + ")");
    }
    if (v.compareTo(table.newest()) > 0 && !v.sameLine(table.newest())) {
      return Optional.of(sdk + " is newer than goroscope knows (" + range
          + "; scripts/generate-otel-sdk-offset-table.sh adds newer releases)");
    }
    if (table.row(v).isEmpty()) {
      return Optional.of(sdk + " is not in goroscope's table (" + range + ")");
    }
    return Optional.empty();
  }
}
