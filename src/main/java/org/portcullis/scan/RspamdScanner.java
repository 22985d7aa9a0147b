package org.portcullis.scan;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * rspamd, asked over HTTP with {@code POST /checkv2}: the message as the body, the envelope in
 * rspamd's request headers (IP, Helo, From, Rcpt, Hostname, Queue-Id, User); the JSON reply's
 * {@code action} decides: {@code reject} refuses, {@code add header} and {@code rewrite subject}
 * tag, {@code soft reject} defers, {@code no action} and {@code greylist} (we greylist ourselves,
 * before DATA) pass.
 */
public final class RspamdScanner implements Scanner {

  public static final String NAME = "rspamd";
  /** A reply with every symbol's description is a few kilobytes; a megabyte is not rspamd. */
  static final int REPLY_MAX = 1024 * 1024;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final URI url;
  private final Optional<String> password;
  private final HttpClient http;

  /** @param password rspamd's {@code Password} header, for a controller that asks for one */
  public RspamdScanner(URI url, Optional<String> password, Duration connectTimeout) {
    this.url = url;
    this.password = password;
    this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1).build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ScanResult scan(ScanRequest request, long deadlineNanos) throws IOException {
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      throw new ScanTimeoutException("rspamd: no time left to ask");
    }
    HttpRequest.Builder builder = HttpRequest.newBuilder(url)
        .timeout(Duration.ofNanos(remaining))
        .header("IP", request.client().getHostAddress())
        .header("Hostname", request.clientName())
        .header("From", request.sender())
        .header("Queue-Id", request.queueId())
        .POST(HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofInputStream(() -> request.message().octets()), request.message().size()));
    if (!request.helo().isEmpty()) {
      builder.header("Helo", request.helo());
    }
    request.recipients().forEach(r -> builder.header("Rcpt", r));
    request.user().ifPresent(u -> builder.header("User", u));
    password.ifPresent(p -> builder.header("Password", p));
    CompletableFuture<HttpResponse<InputStream>> sent = http.sendAsync(builder.build(),
        HttpResponse.BodyHandlers.ofInputStream());
    HttpResponse<InputStream> response;
    try {
      response = sent.get(remaining, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      sent.cancel(true);
      throw new ScanTimeoutException("rspamd did not answer in time");
    } catch (InterruptedException e) {
      sent.cancel(true);
      Thread.currentThread().interrupt();
      throw new ScanTimeoutException("interrupted waiting for rspamd");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof java.net.http.HttpTimeoutException) {
        throw new ScanTimeoutException("rspamd did not answer in time");
      }
      throw e.getCause() instanceof IOException io ? io : new IOException(String.valueOf(e.getCause()), e.getCause());
    }
    byte[] body;
    try (InputStream in = response.body(); Deadline deadline = Deadline.closeAt(deadlineNanos, in)) {
      try {
        body = in.readNBytes(REPLY_MAX + 1);
      } catch (IOException e) {
        throw deadline.explain(e, NAME);
      }
      if (deadline.fired()) {
        throw new ScanTimeoutException("rspamd did not finish its reply in time");
      }
    }
    if (body.length > REPLY_MAX) {
      throw new ScanReplyException("rspamd replied more than " + REPLY_MAX + " octets");
    }
    if (response.statusCode() != 200) {
      throw new ScanReplyException("rspamd answered HTTP " + response.statusCode() + errorOf(body));
    }
    return parse(body);
  }

  private static String errorOf(byte[] body) {
    try {
      JsonNode error = JSON.readTree(body).get("error");
      return error != null && error.isString() ? ": " + Symbols.printable(error.stringValue(), 200) : "";
    } catch (JacksonException e) {
      return "";
    }
  }

  /**
   * Reads a {@code /checkv2} reply: {@code action}, {@code score}, {@code required_score} and the
   * names of {@code symbols}.
   *
   * @throws ScanReplyException if it is not JSON or lacks the action or the score
   */
  static ScanResult parse(byte[] body) throws ScanReplyException {
    JsonNode reply;
    try {
      reply = JSON.readTree(body);
    } catch (JacksonException e) {
      throw new ScanReplyException("rspamd's reply is not JSON");
    }
    if (reply == null || !reply.isObject()) {
      throw new ScanReplyException("rspamd's reply is not a JSON object");
    }
    JsonNode action = reply.get("action");
    JsonNode score = reply.get("score");
    if (action == null || !action.isString() || score == null || !score.isNumber()) {
      throw new ScanReplyException("rspamd's reply has no action and score");
    }
    JsonNode required = reply.get("required_score");
    ScanResult.Score s = new ScanResult.Score(score.doubleValue(),
        required != null && required.isNumber() ? required.doubleValue() : Double.NaN);
    List<String> names = new ArrayList<>();
    JsonNode symbols = reply.get("symbols");
    if (symbols != null && symbols.isObject()) {
      names.addAll(symbols.propertyNames());
    }
    List<String> kept = Symbols.keep(names);
    return switch (action.stringValue().toLowerCase(Locale.ROOT)) {
      case "reject" -> new ScanResult.Spam(NAME, s, kept, ScanResult.SpamAction.REJECT);
      case "add header", "rewrite subject" -> new ScanResult.Spam(NAME, s, kept, ScanResult.SpamAction.TAG);
      case "soft reject" -> new ScanResult.Spam(NAME, s, kept, ScanResult.SpamAction.TEMPFAIL);
      case "no action", "greylist" -> new ScanResult.Clean(NAME, Optional.of(s), kept);
      default -> throw new ScanReplyException("rspamd's action \"" + Symbols.printable(action.stringValue(), 40)
          + "\" is not one it documents");
    };
  }

  @Override
  public String toString() {
    return NAME + " at " + url;
  }
}
