package org.portcullis.web;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.portcullis.diagnose.Diagnosis;
import org.portcullis.diagnose.Subject;
import org.portcullis.mail.Addresses;
import org.portcullis.policy.RefusalLog;
import org.portcullis.policy.RefusalRecord;

/**
 * {@code /diagnose}: "Test your server", public, without JavaScript. {@code ?ref=REF} fills in the
 * refused transaction (its client address, HELO name and sender domain; the sender's local part is
 * not shown, as on the explanation page); otherwise the form's fields. Only with a reference does
 * the check connect, and only to that refusal's client address (its SMTP banner) and the MX hosts
 * of that refusal's sender domain (the callout check), never to a domain given in the query: a
 * stranger cannot aim this server at anyone; the page counts against the portal's page limit per
 * client network. Everything DNS returned is escaped by the template.
 */
final class DiagnosePage {

  private static final Pattern REFERENCE = Pattern.compile("[0-9A-Z]{12,16}");
  private static final Pattern DOMAIN = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");

  private final Diagnosis diagnosis;
  private final RefusalLog refusals;
  private final PageLimiter pages;
  private final PageLimiter diagnoses;
  private final Optional<FormGuard> probes;

  /**
   * @param diagnoses diagnoses run per client network and minute ({@code diagnose.requests-per-minute})
   * @param probes the form guard of the retry probe's button; empty: no retry probe ({@code diagnose.probe-domain})
   */
  DiagnosePage(Diagnosis diagnosis, RefusalLog refusals, PageLimiter pages, PageLimiter diagnoses,
      Optional<FormGuard> probes) {
    this.probes = probes;
    this.diagnosis = diagnosis;
    this.refusals = refusals;
    this.pages = pages;
    this.diagnoses = diagnoses;
  }

  /** {@code GET /diagnose[?ref=|?ip=&domain=&helo=]}. */
  void page(Context ctx) {
    pages.check(ctx);
    String ref = AdminForms.query(ctx, "ref").strip().toUpperCase(Locale.ROOT).replaceFirst("^REF=", "");
    String ip = AdminForms.query(ctx, "ip").strip();
    String domain = AdminForms.query(ctx, "domain").strip().toLowerCase(Locale.ROOT);
    String helo = AdminForms.query(ctx, "helo").strip();
    if (!ref.isEmpty()) {
      if (!REFERENCE.matcher(ref).matches()) {
        throw new PortalPages.PageError(400, "Not a reference", "A reference is the letters and digits at the end "
            + "of the server's reply (ref=2N3V8848QQXC).");
      }
      RefusalRecord r = refusals.find(ref).orElseThrow(() -> new PortalPages.PageError(404, "Unknown reference",
          "This server has no record of that reference."));
      ip = r.clientAddress();
      helo = r.helo();
      String sender = r.sender().replaceAll("^<|>$", "");
      // Only the refusal's own domain: with a reference we connect to its MX hosts (the callout check).
      domain = sender.lastIndexOf('@') > 0 ? sender.substring(sender.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT)
          : "";
    }
    PortalViews.DiagnoseForm form = new PortalViews.DiagnoseForm(ref, ip, domain, helo);
    if (ip.isEmpty()) {
      show(ctx, 200, form, Optional.empty(), Optional.empty());
      return;
    }
    Optional<InetAddress> address = Addresses.parseLiteral(ip);
    String error = problem(address, ip, domain, helo);
    if (!error.isEmpty()) {
      show(ctx, 400, form, Optional.of(error), Optional.empty());
      return;
    }
    if (!diagnoses.tryAcquire(ctx)) {
      ctx.header("Retry-After", String.valueOf(PageLimiter.WINDOW.toSeconds()));
      throw new PortalPages.PageError(429, "Too many diagnoses", "Too many diagnoses were asked for from your "
          + "network. Wait a minute and try again.");
    }
    // A stranger may make us connect only to the server of a refusal it holds the reference of, and to the
    // MX hosts of that refusal's sender domain.
    boolean connect = !ref.isEmpty();
    Diagnosis.Report report = diagnosis.run(new Subject(address.get(), domain.isEmpty() ? Optional.empty()
        : Optional.of(domain), helo.isEmpty() ? Optional.empty() : Optional.of(helo), Optional.empty(), connect));
    show(ctx, 200, form, Optional.empty(), Optional.of(report));
  }

  /** What is wrong with a diagnosis request's fields, in a sentence; empty when nothing is. */
  static String problem(Optional<InetAddress> address, String ip, String domain, String helo) {
    return address.isEmpty() ? "\"" + ip + "\" is not an IP address."
        : !domain.isEmpty() && (domain.length() > 253 || !DOMAIN.matcher(domain).matches()) ? "The domain is not a "
            + "domain name." : helo.length() > 255 || helo.chars().anyMatch(c -> c < 0x21 || c > 0x7e)
            ? "The HELO name has at most 255 printable characters." : "";
  }

  private void show(Context ctx, int status, PortalViews.DiagnoseForm form, Optional<String> error,
      Optional<Diagnosis.Report> report) {
    // The retry probe's button carries a CSRF token; empty when there is no probe domain.
    String probeCsrf = probes.map(g -> g.token(ctx)).orElse("");
    PortalPages.render(ctx, status, "portal/diagnose.jte", Map.of("form", form, "error", error.orElse(""),
        "report", report, "probeCsrf", probeCsrf));
  }
}
