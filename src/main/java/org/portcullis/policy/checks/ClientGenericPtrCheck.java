package org.portcullis.policy.checks;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.portcullis.dns.ReverseDns;
import org.portcullis.mail.Addresses;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Verdict;

/**
 * {@code client-generic-ptr}: the client's reverse DNS name must not look like the generic name an
 * ISP gives to dynamic or residential addresses (the operators' best practice "Server IP DNS naming
 * conventions").
 *
 * <p>Phase CONNECT. Lookup: the session's PTR. A name is generic if its host part (every label but
 * the last two) embeds the client's address (as {@code 203-0-113-9}, {@code 9.113.0.203},
 * {@code 203000113009} or hex) or matches one of the patterns (case-insensitive Java regular
 * expressions, key {@code checks.client-generic-ptr.patterns}; defaults in {@link
 * #DEFAULT_PATTERNS}). Verdict: 550 5.7.1; no PTR or a failed lookup is left to {@code client-ptr}.
 * LAN and authenticated clients are not judged.
 */
public final class ClientGenericPtrCheck extends ReverseDnsCheck {

  public static final String NAME = "client-generic-ptr";

  /** Keywords ISPs use for dynamic and residential pools, as whole labels or label prefixes. */
  public static final List<String> DEFAULT_PATTERNS = List.of(
      "(^|[.-])(a|x|v)?dsl[0-9-]*([.-]|$)",
      "(^|[.-])dyn(amic)?[0-9-]*([.-]|$)",
      "(^|[.-])dhcp[0-9-]*([.-]|$)",
      "(^|[.-])(ip)?pool[0-9-]*([.-]|$)",
      "(^|[.-])ppp(oe)?[0-9-]*([.-]|$)",
      "(^|[.-])cable[0-9-]*([.-]|$)",
      "(^|[.-])client[0-9-]*([.-]|$)",
      "(^|[.-])dial-?(up|in)?[0-9-]*([.-]|$)",
      "(^|[.-])(broadband|residential|resi|cpe|customer|cust|subscriber|wireless|mobile)[0-9-]*([.-]|$)",
      "(^|[.-])(unassigned|unknown|no-?reverse|not-?set|reverse)[0-9-]*([.-]|$)");

  private final List<Pattern> patterns;

  /**
   * @param patterns case-insensitive regular expressions matched against the host part
   * @throws IllegalArgumentException naming the pattern that does not compile
   */
  public ClientGenericPtrCheck(List<String> patterns) {
    super(NAME);
    List<Pattern> compiled = new ArrayList<>();
    for (String p : patterns) {
      try {
        compiled.add(Pattern.compile(p, Pattern.CASE_INSENSITIVE));
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new IllegalArgumentException("bad pattern \"" + p + "\": " + e.getDescription(), e);
      }
    }
    this.patterns = List.copyOf(compiled);
  }

  @Override
  protected Verdict judgeReverseDns(CheckContext context, ReverseDns rdns, String ipText) {
    InetAddress ip = context.session().client().address();
    for (String name : rdns.names()) {
      Optional<String> why = genericReason(name, ip);
      if (why.isPresent()) {
        return Verdict.reject("5.7.1",
            "Client host [" + ipText + "] has a generic (dynamic-looking) reverse DNS name " + name
                + "; use your provider's mail server",
            Observed.reverseDns(Observed.client(context), rdns)
                .fact("generic because", why.get())
                .rule("Mail servers have a reverse DNS name that identifies them as mail servers, such as "
                        + "mail.example.com. Names that embed the address or words like dsl, dyn, dhcp, pool, "
                        + "ppp, cable or client belong to dynamic or residential address pools, which send "
                        + "most of the world's spam from infected machines (mail operators' best practice \"Server IP DNS "
                        + "naming conventions\").",
                    "Send through your provider's mail server (the smarthost or relay host), with "
                        + "authentication if it asks for it; or get a static IP address with a PTR record that "
                        + "names your mail server (mail.your-domain.example), resolves back to " + ipText
                        + " and matches your HELO name."));
      }
    }
    return Verdict.CONTINUE;
  }

  /** Why {@code name} looks generic for {@code address}, or empty if it does not. */
  public Optional<String> genericReason(String name, InetAddress address) {
    String host = hostPart(name.toLowerCase(Locale.ROOT));
    if (host.isEmpty()) {
      return Optional.empty();
    }
    for (String form : addressForms(address)) {
      if (host.contains(form)) {
        return Optional.of("the name contains the address as \"" + form + "\"");
      }
    }
    for (Pattern pattern : patterns) {
      if (pattern.matcher(host).find()) {
        return Optional.of("the name matches the pattern " + pattern.pattern());
      }
    }
    return Optional.empty();
  }

  /** The labels before the registered domain (approximated as the last two labels). */
  static String hostPart(String name) {
    int last = name.lastIndexOf('.');
    if (last <= 0) {
      return "";
    }
    int secondLast = name.lastIndexOf('.', last - 1);
    return secondLast <= 0 ? "" : name.substring(0, secondLast);
  }

  static List<String> addressForms(InetAddress address) {
    byte[] b = Addresses.unmap(address).getAddress();
    if (b.length != 4) {
      return List.of();
    }
    int o1 = b[0] & 0xFF;
    int o2 = b[1] & 0xFF;
    int o3 = b[2] & 0xFF;
    int o4 = b[3] & 0xFF;
    List<String> forms = new ArrayList<>();
    for (String sep : List.of("-", ".", "_")) {
      forms.add(o1 + sep + o2 + sep + o3 + sep + o4);
      forms.add(o4 + sep + o3 + sep + o2 + sep + o1);
    }
    forms.add(String.format("%03d%03d%03d%03d", o1, o2, o3, o4));
    forms.add(String.format("%02x%02x%02x%02x", o1, o2, o3, o4));
    return forms;
  }
}
