package dev.goroscope.it.jaeger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * A client for Jaeger's HTTP query API (the one its UI uses): {@code /api/services},
 * {@code /api/traces?service=&tags=} and {@code /api/traces/{id}}. Spans arrive in storage
 * asynchronously (OTLP receiver, then a batch processor), so searches that expect results should
 * go through {@link #awaitTraces}.
 */
public final class JaegerQuery {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** How far back a search looks when no window is given. */
  public static final Duration DEFAULT_LOOKBACK = Duration.ofHours(1);
  /** The most traces one search returns unless told otherwise. */
  public static final int DEFAULT_LIMIT = 1000;

  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** @param base the query endpoint, e.g. {@code http://127.0.0.1:26686} */
  public JaegerQuery(URI base) {
    this.base = base;
  }

  /** The service names Jaeger has spans for. */
  public List<String> services() {
    List<String> services = new ArrayList<>();
    get("/api/services").path("data").forEach(n -> services.add(n.asText()));
    return services;
  }

  /**
   * The traces of {@code service} that contain a span with all of {@code tags} (values compared
   * as strings), over the last {@link #DEFAULT_LOOKBACK}, at most {@link #DEFAULT_LIMIT}.
   */
  public List<JaegerTrace> findTraces(String service, Map<String, String> tags) {
    Instant now = Instant.now();
    return findTraces(service, tags, now.minus(DEFAULT_LOOKBACK), now.plusSeconds(60), DEFAULT_LIMIT);
  }

  /** As {@link #findTraces(String, Map)}, with spans starting in {@code [start, end]}. */
  public List<JaegerTrace> findTraces(
      String service, Map<String, String> tags, Instant start, Instant end, int limit) {
    StringJoiner query = new StringJoiner("&");
    query.add("service=" + encode(service));
    if (!tags.isEmpty()) {
      try {
        query.add("tags=" + encode(JSON.writeValueAsString(new LinkedHashMap<>(tags))));
      } catch (IOException e) {
        throw new IllegalArgumentException("tags " + tags + ": " + e.getMessage(), e);
      }
    }
    query.add("start=" + micros(start));
    query.add("end=" + micros(end));
    query.add("limit=" + limit);
    return traces(get("/api/traces?" + query));
  }

  /**
   * Polls {@link #findTraces(String, Map)} until it returns at least {@code atLeast} traces.
   *
   * @throws AssertionError when {@code timeout} passes first, with what was found
   */
  public List<JaegerTrace> awaitTraces(
      String service, Map<String, String> tags, int atLeast, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<JaegerTrace> found;
    while (true) {
      found = findTraces(service, tags);
      if (found.size() >= atLeast) {
        return found;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "Jaeger at " + base + " has " + found.size() + " traces of service " + service
                + " with tags " + tags + " after " + timeout + ", expected at least " + atLeast
                + "; services: " + services());
      }
      sleep(Duration.ofMillis(200));
    }
  }

  /** The whole trace with this id (32 hex digits), if Jaeger has it. */
  public Optional<JaegerTrace> trace(String traceId) {
    HttpResponse<String> response = send("/api/traces/" + encode(traceId));
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    List<JaegerTrace> traces = traces(parse(response));
    return traces.isEmpty() ? Optional.empty() : Optional.of(traces.get(0));
  }

  private JsonNode get(String pathAndQuery) {
    return parse(send(pathAndQuery));
  }

  private HttpResponse<String> send(String pathAndQuery) {
    URI uri = base.resolve(pathAndQuery);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("GET " + uri + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: GET " + uri, e);
    }
  }

  private static JsonNode parse(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "GET " + response.uri() + ": HTTP " + response.statusCode() + ": " + response.body());
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + response.uri() + ": not JSON: " + e.getMessage(), e);
    }
  }

  private static List<JaegerTrace> traces(JsonNode root) {
    List<JaegerTrace> traces = new ArrayList<>();
    for (JsonNode trace : root.path("data")) {
      Map<String, JsonNode> processes = new HashMap<>();
      trace.path("processes").properties().forEach(e -> processes.put(e.getKey(), e.getValue()));
      List<JaegerSpan> spans = new ArrayList<>();
      for (JsonNode span : trace.path("spans")) {
        spans.add(span(span, processes.get(span.path("processID").asText())));
      }
      traces.add(new JaegerTrace(trace.path("traceID").asText(), spans));
    }
    return traces;
  }

  private static JaegerSpan span(JsonNode span, JsonNode process) {
    List<JaegerSpan.Reference> references = new ArrayList<>();
    for (JsonNode ref : span.path("references")) {
      references.add(
          new JaegerSpan.Reference(
              ref.path("refType").asText(), ref.path("traceID").asText(), ref.path("spanID").asText()));
    }
    List<JaegerSpan.Log> logs = new ArrayList<>();
    for (JsonNode log : span.path("logs")) {
      logs.add(new JaegerSpan.Log(log.path("timestamp").asLong(), keyValues(log.path("fields"))));
    }
    return new JaegerSpan(
        span.path("traceID").asText(),
        span.path("spanID").asText(),
        span.path("operationName").asText(),
        references,
        span.path("startTime").asLong(),
        span.path("duration").asLong(),
        keyValues(span.path("tags")),
        logs,
        process == null ? "" : process.path("serviceName").asText(),
        process == null ? Map.of() : keyValues(process.path("tags")));
  }

  /** Jaeger's [{"key":k,"type":t,"value":v}] as k -> v printed as text. */
  private static Map<String, String> keyValues(JsonNode list) {
    Map<String, String> map = new LinkedHashMap<>();
    for (JsonNode kv : list) {
      map.put(kv.path("key").asText(), kv.path("value").asText());
    }
    return map;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for Jaeger", e);
    }
  }
}
