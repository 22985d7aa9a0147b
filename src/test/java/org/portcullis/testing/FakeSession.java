package org.portcullis.testing;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.portcullis.dns.ReverseDns;
import org.portcullis.dns.StaticDnsResolver;
import org.portcullis.mail.AddressSyntaxException;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.HeloName;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.Recipient;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.ClientInfo;
import org.portcullis.policy.MessageHeaders;
import org.portcullis.policy.Phase;
import org.portcullis.policy.ProtocolFacts;
import org.portcullis.policy.SessionView;

/** A hand-built session for unit-testing checks, with a static DNS table and a fixed clock. */
public final class FakeSession implements SessionView {

  public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);

  public final StaticDnsResolver dns = new StaticDnsResolver();
  private final ProtocolFacts protocol = new ProtocolFacts();
  private ClientInfo client;
  private HeloName helo;
  private MailPath sender;
  private final List<Recipient> accepted = new ArrayList<>();
  private boolean lan;
  private String address = "203.0.113.9";
  private final java.util.Map<org.portcullis.policy.ClientLookup<?>, Object> lookups = new java.util.HashMap<>();
  private final List<org.portcullis.policy.MessageHeaders.Field> headerFields = new ArrayList<>();
  private boolean withHeaders;

  /** Starts a connect-time lookup for the client, as the engine does. */
  public <T> FakeSession start(org.portcullis.policy.ClientLookup<T> lookup) {
    lookups.put(lookup, lookup.start().apply(InetAddress.ofLiteral(address)));
    this.client = null;
    return this;
  }

  /** Adds a header field (the message has headers from then on). */
  public FakeSession header(String name, String value) {
    headerFields.add(new org.portcullis.policy.MessageHeaders.Field(name, value));
    withHeaders = true;
    return this;
  }

  public FakeSession client(String ip) {
    this.address = ip;
    this.client = null;
    return this;
  }

  public FakeSession lan() {
    this.lan = true;
    this.client = null;
    return this;
  }

  public FakeSession helo(String name) {
    this.helo = HeloName.parse(name);
    return this;
  }

  public FakeSession sender(String path) {
    this.sender = path(path);
    return this;
  }

  public FakeSession accepted(String address) {
    accepted.add(Recipient.of(EmailAddress.parse(address)));
    return this;
  }

  public static MailPath path(String text) {
    try {
      return MailPath.parse(text, true);
    } catch (AddressSyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The context for a phase; at RCPT, {@code rcpt} is the recipient being checked. */
  public CheckContext at(Phase phase, String... rcpt) {
    Optional<Recipient> recipient = rcpt.length == 0 ? Optional.empty()
        : Optional.of(new Recipient(path(rcpt[0]).address(), Set.of(), Optional.empty(), path(rcpt[0]).bracketed()));
    return new CheckContext(phase, this, recipient, dns, CLOCK);
  }

  @Override
  public ClientInfo client() {
    if (client == null) {
      InetAddress ip = InetAddress.ofLiteral(address);
      client = new ClientInfo(ip, 40000, lan, ReverseDns.lookup(dns, ip), Optional.empty(), lookups);
    }
    return client;
  }

  @Override
  public Optional<HeloName> helo() {
    return Optional.ofNullable(helo);
  }

  @Override
  public ProtocolFacts protocol() {
    return protocol;
  }

  @Override
  public Optional<MailPath> sender() {
    return Optional.ofNullable(sender);
  }

  @Override
  public MailParameters mailParameters() {
    return MailParameters.NONE;
  }

  @Override
  public List<Recipient> acceptedRecipients() {
    return List.copyOf(accepted);
  }

  @Override
  public Optional<MessageHeaders> headers() {
    return withHeaders ? Optional.of(new MessageHeaders(headerFields)) : Optional.empty();
  }

  private final org.portcullis.policy.TransactionFacts facts = new org.portcullis.policy.TransactionFacts();

  @Override
  public org.portcullis.policy.TransactionFacts facts() {
    return facts;
  }
}
