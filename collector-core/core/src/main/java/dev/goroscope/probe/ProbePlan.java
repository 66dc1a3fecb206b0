package dev.goroscope.probe;

import dev.goroscope.gobinary.offsets.OffsetSource;
import dev.goroscope.gobinary.offsets.StructOffsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@link ProbeCatalog} applied to one binary: which groups can attach, every BPF constant's
 * value, the uprobe sites, and what is missing and why. The one place that decides; {@code
 * inspect} shows it and {@code attach} loads it.
 *
 * <p>A group attaches when every probe in it has a function, every required offset it reads is
 * known (and is an embedded value, not a pointer), and each address it needs has at least one
 * alternative in the binary. A missing piece of a required group refuses the attach; of another
 * group, drops the group with a note. Every constant of the catalog gets a value, 0 where the
 * field or address is absent, so the BPF object is always fully configured.
 */
public final class ProbePlan {

  /**
   * One uprobe.
   *
   * @param program the BPF program name
   * @param function the Go function it watches, for messages
   * @param fileOffset file offset in the executable (an instruction boundary)
   */
  public record Site(String program, String function, long fileOffset) {
    public Site {
      Objects.requireNonNull(program, "program");
      Objects.requireNonNull(function, "function");
    }
  }

  /**
   * Something a probe needs that the binary lacks.
   *
   * @param kind {@code function}, {@code offset} or {@code address}
   * @param name the function, struct field or address
   * @param group the group of the probe that needs it
   * @param required whether watching refuses without it (false: the group is dropped, or the
   *     probe uses a fallback)
   * @param reason why it is missing
   * @param fallback what is used instead, or empty
   */
  public record Missing(String kind, String name, ProbeGroup group, boolean required,
      String reason, String fallback) {}

  private final Map<String, Long> constants;
  private final List<Site> sites;
  private final Set<ProbeGroup> attached;
  private final List<String> notes;
  private final List<Missing> missing;
  private final String refusal;

  private ProbePlan(Map<String, Long> constants, List<Site> sites, Set<ProbeGroup> attached,
      List<String> notes, List<Missing> missing, String refusal) {
    this.constants = Map.copyOf(constants);
    this.sites = List.copyOf(sites);
    this.attached = Set.copyOf(attached);
    this.notes = List.copyOf(notes);
    this.missing = List.copyOf(missing);
    this.refusal = refusal;
  }

  /**
   * Decides the plan.
   *
   * @param resolved the catalog's probes located in the binary ({@link ProbeCatalog#resolve})
   * @param offsets the binary's struct offsets
   * @param addresses run-time address of an {@link AddressUse} in the target, if the binary has it
   * @param deep whether the run attaches the deep groups
   */
  public static ProbePlan create(List<ResolvedProbe> resolved, StructOffsets offsets,
      Function<AddressUse, OptionalLong> addresses, boolean deep) {
    return create(resolved, offsets, addresses, deep, Map.of());
  }

  /**
   * Decides the plan, with groups that cannot attach for a reason found outside the catalog.
   *
   * @param unavailable groups whose library the binary links in a version the probes do not
   *     support, with the one-line reason (e.g. "OpenTelemetry Go SDK v1.13.0 is older than
   *     goroscope supports (…)"): dropped with that note, never refusing the attach
   */
  public static ProbePlan create(List<ResolvedProbe> resolved, StructOffsets offsets,
      Function<AddressUse, OptionalLong> addresses, boolean deep,
      Map<ProbeGroup, String> unavailable) {
    Map<String, Long> constants = new LinkedHashMap<>();
    Map<ProbeGroup, List<String>> problems = new LinkedHashMap<>();
    List<Missing> missing = new ArrayList<>();
    String version = offsets.versionLabel();
    Set<ProbeGroup> unlinked = unlinkedLibraries(resolved);
    for (ResolvedProbe r : resolved) {
      ProbeSpec spec = r.spec();
      ProbeGroup group = spec.group();
      if (unlinked.contains(group) || unavailable.containsKey(group)) {
        // Not attached: its constants are still set (the object is always fully configured).
        for (OffsetUse use : spec.offsets()) {
          OptionalLong value = offsets.get(use.key());
          constants.putIfAbsent(use.constant(), value.isPresent() ? value.getAsLong() : 0L);
        }
        for (AddressUse use : spec.addresses()) {
          constants.putIfAbsent(use.constant(), 0L);
        }
        if (!unlinked.contains(group) && !problems.containsKey(group)) {
          problems.put(group, new ArrayList<>(List.of(unavailable.get(group))));
          missing.add(new Missing("library", group.library(), group, false,
              unavailable.get(group), ""));
        }
        continue;
      }
      List<String> groupProblems = problems.computeIfAbsent(group, g -> new ArrayList<>());
      if (r.isMissing() && spec.ifLinked()) {
        missing.add(new Missing("function", String.join(" | ", spec.candidates()), group, false,
            r.missingReason() + ": the program never does what it watches", ""));
      } else if (r.isMissing()) {
        groupProblems.add(r.missingReason());
        missing.add(new Missing("function", String.join(" | ", spec.candidates()), group,
            group.required(), r.missingReason(), ""));
      }
      for (OffsetUse use : spec.offsets()) {
        OptionalLong value = offsets.get(use.key());
        boolean pointer = use.embedded() && offsets.isPointer(use.key());
        constants.putIfAbsent(use.constant(), value.isPresent() && !pointer
            ? value.getAsLong() : 0L);
        if (use.optional() || (value.isPresent() && !pointer)) {
          continue;
        }
        String why = pointer
            ? use.key() + " is a pointer in " + version + ", which the probe does not follow"
            : "offset " + use.key() + " is in neither the binary's DWARF nor the built-in table"
                + " for " + version;
        if (!r.isMissing()) {
          groupProblems.add(why);
        }
        if (missing.stream().noneMatch(m -> m.name().equals(use.key()))) {
          missing.add(new Missing("offset", use.key(), group, group.required() && !r.isMissing(),
              r.isMissing() ? why + " (its probe is not located in this binary)" : why, ""));
        }
      }
      Map<String, List<String>> needs = new LinkedHashMap<>();
      Set<String> met = new LinkedHashSet<>();
      for (AddressUse use : spec.addresses()) {
        OptionalLong value = addresses.apply(use);
        constants.putIfAbsent(use.constant(), value.orElse(0));
        if (use.need() != null) {
          needs.computeIfAbsent(use.need(), n -> new ArrayList<>()).add(
              use.kind().name().toLowerCase(Locale.ROOT) + " " + String.join(" | ", use.names()));
          if (value.isPresent()) {
            met.add(use.need());
          }
        }
      }
      if (!r.isMissing()) {
        for (Map.Entry<String, List<String>> n : needs.entrySet()) {
          if (!met.contains(n.getKey())) {
            String why = "neither " + String.join(" nor ", n.getValue()) + " is in the binary ("
                + "needed to recognise " + n.getKey() + ")";
            groupProblems.add(why);
            missing.add(new Missing("address", n.getKey(), group, group.required(), why, ""));
          }
        }
        // Other candidates without a symbol (inlined in this version, or not linked): not
        // needed, the probe uses the one found.
        for (String absent : r.absentCandidates()) {
          missing.add(new Missing("function", absent, group, false,
              "no symbol in this " + version + " binary (inlined or not linked)",
              r.site().function()));
        }
      }
    }
    List<Site> sites = new ArrayList<>();
    Set<ProbeGroup> attached = new LinkedHashSet<>();
    List<String> notes = new ArrayList<>();
    String refusal = null;
    for (Map.Entry<ProbeGroup, List<String>> e : problems.entrySet()) {
      ProbeGroup group = e.getKey();
      if (!group.enabled(deep)) {
        continue;
      }
      if (!e.getValue().isEmpty()) {
        if (group.required()) {
          refusal = refusal != null ? refusal : e.getValue().get(0);
        } else {
          notes.add("no " + group.name().toLowerCase(Locale.ROOT) + " probes: "
              + e.getValue().get(0));
        }
        continue;
      }
      attached.add(group);
      for (ResolvedProbe r : resolved) {
        if (r.spec().group() == group && !r.isMissing()) {
          addSites(sites, r);
        }
      }
    }
    if (offsets.source() != OffsetSource.DWARF) {
      notes.add("struct offsets from the built-in table (" + offsets.origin() + "): the binary"
          + " has no DWARF");
    }
    return new ProbePlan(constants, sites, attached, notes, missing, refusal);
  }

  /** Library groups none of whose functions the binary has: the library is not linked. */
  private static Set<ProbeGroup> unlinkedLibraries(List<ResolvedProbe> resolved) {
    Set<ProbeGroup> out = new LinkedHashSet<>();
    for (ResolvedProbe r : resolved) {
      if (r.spec().group().library() != null) {
        out.add(r.spec().group());
      }
    }
    for (ResolvedProbe r : resolved) {
      if (!r.isMissing()) {
        out.remove(r.spec().group());
      }
    }
    return out;
  }

  private static void addSites(List<Site> sites, ResolvedProbe r) {
    ProbeSite site = r.site();
    switch (r.spec().point()) {
      case ENTRY -> sites.add(new Site(r.spec().program(), site.function(), site.entryOffset()));
      case RETURNS -> {
        for (long ret : site.returnOffsets()) {
          sites.add(new Site(r.spec().program(), site.function(), ret));
        }
      }
    }
  }

  /** Every BPF constant of the catalog with its value (0 where absent). */
  public Map<String, Long> constants() {
    return constants;
  }

  /** The uprobes of the groups that attach. */
  public List<Site> sites() {
    return sites;
  }

  /** The groups that attach. */
  public Set<ProbeGroup> attached() {
    return attached;
  }

  /** What the user should know: dropped groups and why, fallbacks. */
  public List<String> notes() {
    return notes;
  }

  /** Everything a probe needs that the binary lacks. */
  public List<Missing> missing() {
    return missing;
  }

  /** Why watching must refuse (a required group cannot attach), or null. */
  public String refusal() {
    return refusal;
  }
}
