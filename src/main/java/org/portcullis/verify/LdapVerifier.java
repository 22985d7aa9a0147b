package org.portcullis.verify;

import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.DereferencePolicy;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.PostConnectProcessor;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.SingleServerSet;
import com.unboundid.ldap.sdk.StartTLSPostConnectProcessor;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.LogText;

/**
 * Does a recipient exist in the directory: LDAP or Active Directory ({@code [[recipients.ldap]]}),
 * asked in order; the first that finds an entry for the address answers "exists", all of them
 * finding none "missing", and a directory that cannot be asked (down, slow, a refused bind) while
 * none has found it "unknown", which is a 450, never a pass. The address goes into the filter
 * escaped (RFC 4515), so {@code *@example.com} matches no one but itself. Connections are pooled per
 * directory and opened on first use, so a directory down at start-up does not stop the gateway.
 * Thread-safe.
 */
public final class LdapVerifier implements AddressVerifier, AutoCloseable {

  /** Connections kept per directory. */
  private static final int POOL_MAX = 4;

  /**
   * One directory.
   *
   * @param host the server's name (checked against its certificate with TLS)
   * @param implicitTls {@code ldaps://}: TLS from the first byte
   * @param startTls StartTLS (RFC 4511 4.14) before the bind, on {@code ldap://}
   * @param tls the context that checks the server's certificate (system trust store or a CA file)
   * @param bindDn who we bind as; empty: anonymously
   * @param password the bind password (read from {@code password-file})
   * @param base where the search starts
   * @param filter the search filter, {@code %s} standing for the address
   * @param timeout the longest connecting, binding or one search may take
   * @param tenantAttribute the attribute naming the tenant that owns the address (empty: not asked)
   */
  public record Directory(String host, int port, boolean implicitTls, boolean startTls, Optional<SSLContext> tls,
      Optional<String> bindDn, Optional<String> password, String base, String filter, Duration timeout,
      Optional<String> tenantAttribute) {

    public Directory(String host, int port, boolean implicitTls, boolean startTls, Optional<SSLContext> tls,
        Optional<String> bindDn, Optional<String> password, String base, String filter, Duration timeout) {
      this(host, port, implicitTls, startTls, tls, bindDn, password, base, filter, timeout, Optional.empty());
    }


    /** How explanations name it: {@code ldaps://dc1.example.com:636}. */
    public String name() {
      return (implicitTls ? "ldaps://" : "ldap://") + host + ":" + port;
    }
  }

  private final List<Directory> directories;
  private final List<LDAPConnectionPool> pools = new ArrayList<>();

  public LdapVerifier(List<Directory> directories) {
    if (directories.isEmpty()) {
      throw new IllegalArgumentException("at least one directory");
    }
    this.directories = List.copyOf(directories);
    directories.forEach(d -> pools.add(null));
  }

  /** The filter for {@code address}: {@code %s} replaced by the address, escaped as RFC 4515 asks. */
  public static Filter filterFor(String filter, String address) throws LDAPException {
    return Filter.create(filter.replace("%s", Filter.encodeValue(address)));
  }

  @Override
  public Verification verify(EmailAddress address, long deadlineNanos) {
    List<String> unknown = new ArrayList<>();
    Verification.Missing missing = null;
    for (int i = 0; i < directories.size(); i++) {
      Directory directory = directories.get(i);
      long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
      if (remaining <= 0) {
        unknown.add(directory.name() + ": no time left");
        break;
      }
      try {
        SearchRequest search = new SearchRequest(directory.base(), SearchScope.SUB, DereferencePolicy.NEVER, 1,
            (int) Math.max(1, Math.min(remaining, directory.timeout().toMillis()) / 1000), false,
            filterFor(directory.filter(), address.toString()), directory.tenantAttribute()
                .map(a -> new String[] {a}).orElse(new String[] {SearchRequest.NO_ATTRIBUTES}));
        search.setResponseTimeoutMillis(Math.min(remaining, directory.timeout().toMillis()));
        SearchResult result = pool(i).search(search);
        if (result.getEntryCount() > 0) {
          return new Verification.Exists(directory.name(), found(directory, result.getSearchEntries().getFirst()));
        }
        missing = new Verification.Missing(directory.name(), "no entry under " + directory.base() + " for "
            + LogText.forReply(address.toString(), 320), false);
      } catch (LDAPSearchException e) {
        if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED && e.getEntryCount() > 0) {
          return new Verification.Exists(directory.name(), found(directory, e.getSearchEntries().getFirst()));
        }
        unknown.add(directory.name() + ": " + reason(e));
      } catch (LDAPException e) {
        unknown.add(directory.name() + ": " + reason(e));
      }
    }
    if (!unknown.isEmpty()) {
      return new Verification.Unknown(directories.getFirst().name(), String.join("; ", unknown), false);
    }
    return missing;
  }

  /** The entry's DN and, when the directory names one, the tenant that owns the address. */
  private static String found(Directory directory, com.unboundid.ldap.sdk.SearchResultEntry entry) {
    String tenant = directory.tenantAttribute().map(entry::getAttributeValue).orElse(null);
    return "entry " + LogText.forReply(entry.getDN(), 500) + (tenant == null ? ""
        : ", tenant " + LogText.forReply(tenant, 200));
  }

  private static String reason(LDAPException e) {
    String message = e.getDiagnosticMessage() == null ? "" : ": " + e.getDiagnosticMessage();
    return LogText.forReply(e.getResultCode().getName() + message, 1000);
  }

  /** The directory's pool, opened on first use; a failure to open is answered, and tried again next time. */
  private synchronized LDAPConnectionPool pool(int i) throws LDAPException {
    LDAPConnectionPool pool = pools.get(i);
    if (pool == null || pool.isClosed()) {
      pool = open(directories.get(i));
      pools.set(i, pool);
    }
    return pool;
  }

  private static LDAPConnectionPool open(Directory d) throws LDAPException {
    LDAPConnectionOptions options = new LDAPConnectionOptions();
    int timeout = (int) d.timeout().toMillis();
    options.setConnectTimeoutMillis(timeout);
    options.setResponseTimeoutMillis(timeout);
    options.setUseSynchronousMode(false);
    // Checked after the handshake, by LDAPS and after StartTLS alike: the certificate must name the host.
    options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(false));
    SocketFactory sockets = d.implicitTls() ? d.tls().orElseThrow().getSocketFactory() : SocketFactory.getDefault();
    PostConnectProcessor startTls = d.startTls()
        ? new StartTLSPostConnectProcessor(d.tls().orElseThrow().getSocketFactory()) : null;
    BindRequest bind = d.bindDn().isEmpty() ? null : new SimpleBindRequest(d.bindDn().get(), d.password().orElse(""));
    LDAPConnectionPool pool = new LDAPConnectionPool(new SingleServerSet(d.host(), d.port(), sockets, options), bind,
        1, POOL_MAX, startTls);
    pool.setRetryFailedOperationsDueToInvalidConnections(true);
    pool.setMaxWaitTimeMillis(timeout);
    return pool;
  }

  @Override
  public synchronized void close() {
    for (LDAPConnectionPool pool : pools) {
      if (pool != null) {
        pool.close();
      }
    }
  }
}
