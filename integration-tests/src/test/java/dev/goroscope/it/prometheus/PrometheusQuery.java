package dev.goroscope.it.prometheus;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client for Prometheus's HTTP API: instant queries ({@code /api/v1/query}) and the metric
 * names it holds ({@code /api/v1/label/__name__/values}). OTLP writes are stored before the
 * receiver answers, so what an exporter has pushed is queryable at once.
 */
public final class PrometheusQuery {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One series of an instant vector: its labels (with {@code __name__}) and value. */
  public record Sample(Map<String, String> labels, double value) {
    public Sample {
      labels = Map.copyOf(labels);
    }

    public String label(String name) {
      return labels.getOrDefault(name, "");
    }

    public String name() {
      return label("__name__");
    }
  }

  /** @param base the HTTP API's endpoint, e.g. {@code http://127.0.0.1:9090} */
  public PrometheusQuery(URI base) {
    this.base = base;
  }

  /** The instant vector {@code promql} evaluates to now. */
  public List<Sample> query(String promql) {
    JsonNode data = get("/api/v1/query?query=" + encode(promql));
    if (!data.path("resultType").asText().equals("vector")) {
      throw new IllegalStateException(promql + " is not an instant vector: " + data);
    }
    List<Sample> out = new ArrayList<>();
    for (JsonNode r : data.path("result")) {
      Map<String, String> labels = new LinkedHashMap<>();
      r.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
      out.add(new Sample(labels, Double.parseDouble(r.path("value").get(1).asText())));
    }
    return out;
  }

  /** The metric names of every stored series. */
  public List<String> metricNames() {
    List<String> names = new ArrayList<>();
    get("/api/v1/label/__name__/values").forEach(n -> names.add(n.asText()));
    return names;
  }

  private JsonNode get(String pathAndQuery) {
    URI uri = base.resolve(pathAndQuery);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(response.body());
      if (response.statusCode() != 200 || !body.path("status").asText().equals("success")) {
        throw new IllegalStateException("GET " + uri + ": HTTP " + response.statusCode() + " "
            + response.body());
      }
      return body.path("data");
    } catch (IOException e) {
      throw new IllegalStateException("GET " + uri + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: GET " + uri, e);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
