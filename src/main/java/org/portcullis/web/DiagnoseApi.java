package org.portcullis.web;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;
import org.portcullis.diagnose.Diagnosis;
import org.portcullis.diagnose.Subject;
import org.portcullis.mail.Addresses;
import org.portcullis.policy.RefusalLog;
import org.portcullis.policy.RefusalRecord;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/diagnose}: "test your server" for tokens with the {@code diagnose} scope (or
 * admin), which may aim it at any public server: {@code {"ip", "domain", "helo", "sender", "ref",
 * "connect"}}, a reference filling in what is not given. The answer is the report as
 * {@code portcullis diagnose --json} prints it. Diagnoses count against
 * {@code diagnose.requests-per-minute} per client network (429 with Retry-After past it).
 */
final class DiagnoseApi {

  private final Diagnosis diagnosis;
  private final RefusalLog refusals;
  private final PageLimiter diagnoses;

  DiagnoseApi(Diagnosis diagnosis, RefusalLog refusals, PageLimiter diagnoses) {
    this.diagnosis = diagnosis;
    this.refusals = refusals;
    this.diagnoses = diagnoses;
  }

  void run(Context ctx) {
    JsonNode body = ApiRequests.body(ctx);
    String ref = ApiRequests.text(body, "ref", 32, false).strip().toUpperCase(Locale.ROOT).replaceFirst("^REF=", "");
    String ip = ApiRequests.text(body, "ip", 64, false).strip();
    String domain = ApiRequests.text(body, "domain", 253, false).strip().toLowerCase(Locale.ROOT);
    String helo = ApiRequests.text(body, "helo", 255, false).strip();
    String sender = ApiRequests.text(body, "sender", 320, false).strip();
    JsonNode connectNode = body.get("connect");
    if (connectNode != null && !connectNode.isBoolean()) {
      throw new ApiError(400, "connect must be true or false");
    }
    boolean connect = connectNode == null || connectNode.booleanValue();
    if (!ref.isEmpty()) {
      if (!ref.matches("[0-9A-Z]{12,16}")) {
        throw new ApiError(400, "ref is not a reference");
      }
      RefusalRecord r = refusals.find(ref).orElseThrow(() -> new ApiError(404, "no refusal " + ref));
      ip = ip.isEmpty() ? r.clientAddress() : ip;
      helo = helo.isEmpty() ? r.helo() : helo;
      sender = sender.isEmpty() ? r.sender().replaceAll("^<|>$", "") : sender;
    }
    if (ip.isEmpty()) {
      throw new ApiError(400, "ip is required (or ref)");
    }
    Optional<InetAddress> address = Addresses.parseLiteral(ip);
    String problem = DiagnosePage.problem(address, ip, domain, helo);
    if (!problem.isEmpty()) {
      throw new ApiError(400, problem);
    }
    if (!sender.isEmpty() && (sender.lastIndexOf('@') < 1 || sender.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
      throw new ApiError(400, "sender must be an address");
    }
    if (!diagnoses.tryAcquire(ctx)) {
      ctx.header("Retry-After", String.valueOf(PageLimiter.WINDOW.toSeconds()));
      throw new ApiError(429, "too many diagnoses from this network; wait a minute");
    }
    Diagnosis.Report report = diagnosis.run(new Subject(address.get(), optional(domain), optional(helo),
        optional(sender), connect));
    ApiRequests.send(ctx, 200, report.toMap());
  }

  private static Optional<String> optional(String value) {
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
  }
}
