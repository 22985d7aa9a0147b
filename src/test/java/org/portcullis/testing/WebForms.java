package org.portcullis.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A browser-like HTTP client for the portal's pages: keeps cookies, posts forms, reads CSRF tokens. */
public final class WebForms {

  private WebForms() {}

  /** A client that keeps cookies, as a browser does. */
  public static HttpClient browser() {
    return HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** A cookie-keeping client that connects from {@code localAddress} (any 127.x address plays another client). */
  public static HttpClient browser(String localAddress) {
    return HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5))
        .localAddress(java.net.InetAddress.ofLiteral(localAddress)).build();
  }

  public static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
    return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Posts {@code fields} URL-encoded (a field may repeat, as checkboxes do). */
  public static HttpResponse<String> post(HttpClient client, URI uri, List<Map.Entry<String, String>> fields)
      throws Exception {
    String body = fields.stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    return client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Uploads an address book as a browser's multipart form does: {@code csrf}, {@code owner} and {@code file}. */
  public static HttpResponse<String> upload(HttpClient client, URI uri, String csrf, String owner, String filename,
      byte[] content) throws Exception {
    String boundary = "----portcullis" + System.nanoTime();
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    for (String[] field : new String[][] {{"csrf", csrf}, {"owner", owner}}) {
      body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field[0] + "\"\r\n\r\n" + field[1]
          + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
        + "\"\r\nContent-Type: text/csv\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.write(content);
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return client.send(HttpRequest.newBuilder(uri).header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The CSRF token of the first form on the page (asserts there is one). */
  public static String csrf(String page) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page);
    assertThat(m.find()).as("a form with a CSRF token").isTrue();
    return m.group(1);
  }
}
