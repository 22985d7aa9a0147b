package org.portcullis.smtp;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.portcullis.mail.Cidr;

/**
 * Everything the SMTP listener needs to know, validated.
 *
 * @param hostname our host name, in the greeting and Received headers
 * @param listen the address and port to listen on
 * @param proxyProtocol whether connections must start with a HAProxy PROXY header (v1 or v2)
 * @param proxyNetworks the load balancers allowed to send PROXY headers
 * @param xclientNetworks clients allowed to use XCLIENT
 * @param greetingDelay how long to wait, watching for pre-greeting talk, before the 220 greeting
 * @param commandLineMaxBytes longest command line, CRLF included (RFC 5321: 512)
 * @param esmtpParameterAllowanceBytes extra room for MAIL/RCPT parameters after EHLO (RFC 1869)
 * @param textLineMaxBytes longest line of message text, CRLF included (RFC 5321: 1000)
 * @param messageSizeMaxBytes largest message accepted (advertised with SIZE)
 * @param recipientsMax recipients per transaction (RFC 5321: at least 100)
 * @param commandTimeout how long to wait for a command (RFC 5321 4.5.3.2.7: 5 minutes)
 * @param dataTimeout how long to wait for each block of message text (RFC 5321 4.5.3.2.5: 3 minutes)
 * @param connectionsMax concurrent connections in total
 * @param connectionsPerClientMax concurrent connections from one client address
 * @param errorsMax client errors in a session before it is dropped
 * @param dataMemoryMaxBytes message bytes held in memory by all sessions at once
 * @param tls the TLS context for STARTTLS, if offered
 * @param taggedSubjectPrefix text put before the Subject of tagged messages; empty for none
 * @param submission present on the submission listener (RFC 6409): SMTP AUTH, sender ownership,
 *     header fix-ups
 * @param limits what keeps one sender or one network from exhausting what others need
 * @param authservId the name our Authentication-Results fields are written under (RFC 8601)
 */
public record SmtpSettings(String hostname, InetSocketAddress listen, boolean proxyProtocol,
    List<Cidr> proxyNetworks, List<Cidr> xclientNetworks, Duration greetingDelay, int commandLineMaxBytes,
    int esmtpParameterAllowanceBytes, int textLineMaxBytes, long messageSizeMaxBytes, int recipientsMax,
    Duration commandTimeout, Duration dataTimeout, int connectionsMax, int connectionsPerClientMax, int errorsMax,
    long dataMemoryMaxBytes, Optional<SSLContext> tls, String taggedSubjectPrefix, Optional<Submission> submission,
    Limits limits, String authservId) {

  /**
   * Limits that hold against floods and slow drips (issue 12).
   *
   * @param connectionsPerNetworkMax concurrent connections from one client network (IPv4 /24, IPv6 /64)
   * @param connectionsReservedForLan of {@code connectionsMax}, how many only LAN clients may use, so a
   *     flood from outside never locks out the LAN
   * @param recipientOvershootMax recipients past {@code recipientsMax} that get 452 without counting as
   *     errors (Postfix's smtpd_recipient_overshoot_limit)
   * @param dataRateMinBytesPerSecond the slowest DATA a client may send: the data timeout is extended only
   *     by the time its bytes are worth at this rate (Postfix's smtpd_min_data_rate)
   * @param transactionMax the longest a transaction may take, from MAIL to the end of DATA
   */
  public record Limits(int connectionsPerNetworkMax, int connectionsReservedForLan, int recipientOvershootMax,
      long dataRateMinBytesPerSecond, Duration transactionMax) {

    public static final Limits DEFAULTS = new Limits(50, 100, 1000, 500, Duration.ofMinutes(30));

    public Limits {
      if (connectionsPerNetworkMax < 1 || connectionsReservedForLan < 0 || recipientOvershootMax < 0
          || dataRateMinBytesPerSecond < 1 || transactionMax.isNegative() || transactionMax.isZero()) {
        throw new IllegalArgumentException("connection, recipient, rate and time limits must be positive");
      }
    }
  }

  /**
   * What makes a listener a submission listener.
   *
   * @param authenticator checks logins and sender ownership
   * @param requireAuth whether MAIL needs a login first (530 otherwise)
   * @param implicitTls whether TLS starts at connect (port 465, RFC 8314) rather than by STARTTLS
   */
  public record Submission(Authenticator authenticator, boolean requireAuth, boolean implicitTls) {}

  public SmtpSettings {
    proxyNetworks = List.copyOf(proxyNetworks);
    xclientNetworks = List.copyOf(xclientNetworks);
    if (commandLineMaxBytes < 512) {
      throw new IllegalArgumentException("command line limit must be at least 512 (RFC 5321 4.5.3.1.4), not " + commandLineMaxBytes);
    }
    if (textLineMaxBytes < 1000) {
      throw new IllegalArgumentException("text line limit must be at least 1000 (RFC 5321 4.5.3.1.6), not " + textLineMaxBytes);
    }
    if (recipientsMax < 100) {
      throw new IllegalArgumentException("recipient limit must be at least 100 (RFC 5321 4.5.3.1.8), not " + recipientsMax);
    }
    if (messageSizeMaxBytes < 1024 || messageSizeMaxBytes > Integer.MAX_VALUE - 1024 * 1024) {
      throw new IllegalArgumentException("message size limit must be 1 KiB .. 2 GiB, not " + messageSizeMaxBytes);
    }
    if (connectionsMax < 1 || connectionsPerClientMax < 1 || connectionsPerClientMax > connectionsMax) {
      throw new IllegalArgumentException("connection limits must be positive, per client at most the total");
    }
    if (submission.isPresent() && tls.isEmpty()) {
      throw new IllegalArgumentException("the submission listener needs TLS: passwords are never taken in clear");
    }
    if (limits.connectionsReservedForLan() >= connectionsMax) {
      throw new IllegalArgumentException("the connections reserved for the LAN must be fewer than connections-max");
    }
    if (errorsMax < 1) {
      throw new IllegalArgumentException("error limit must be at least 1, not " + errorsMax);
    }
  }
}
