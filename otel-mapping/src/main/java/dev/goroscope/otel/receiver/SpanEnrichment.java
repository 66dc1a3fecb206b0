package dev.goroscope.otel.receiver;

import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.List;
import java.util.Objects;

/** What a {@link SpanEnricher} says about one span: add these attributes, nothing, or wait. */
public final class SpanEnrichment {

  private static final SpanEnrichment NONE = new SpanEnrichment(List.of(), false);
  private static final SpanEnrichment PENDING = new SpanEnrichment(List.of(), true);

  private final List<KeyValue> attributes;
  private final boolean pending;

  private SpanEnrichment(List<KeyValue> attributes, boolean pending) {
    this.attributes = attributes;
    this.pending = pending;
  }

  /** The span matched: add these attributes (an empty list is the same as {@link #none()}). */
  public static SpanEnrichment add(List<KeyValue> attributes) {
    List<KeyValue> a = List.copyOf(Objects.requireNonNull(attributes, "attributes"));
    return a.isEmpty() ? NONE : new SpanEnrichment(a, false);
  }

  /** The span matched: add this attribute. */
  public static SpanEnrichment add(KeyValue attribute) {
    return new SpanEnrichment(List.of(Objects.requireNonNull(attribute, "attribute")), false);
  }

  /** Nothing to add, and nothing will come: forward it as it is (counted unmatched). */
  public static SpanEnrichment none() {
    return NONE;
  }

  /** Not known yet: ask again later, until the enrichment wait is over. */
  public static SpanEnrichment pending() {
    return PENDING;
  }

  public List<KeyValue> attributes() {
    return attributes;
  }

  public boolean isPending() {
    return pending;
  }

  /** True when there are attributes to add. */
  public boolean isMatch() {
    return !attributes.isEmpty();
  }

  @Override
  public String toString() {
    return pending ? "pending" : attributes.isEmpty() ? "none" : "add" + attributes;
  }
}
