package org.portcullis.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.access.AdminUsers;
import org.portcullis.store.sqlite.SqliteStore;

/** Tenant administrators on a real SQLite store: their domains, what they own, and logins kept apart from /admin's. */
class TenantAdminsTest {

  private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();

  @TempDir
  Path dir;

  @Test
  void ownsItsDomainsExactlyAndNothingAroundThem() {
    TenantAdmin acme = new TenantAdmin("acme", Set.of("A.Example"), false);
    assertThat(acme.owns("carol@a.example")).isTrue();
    assertThat(acme.owns("Carol@A.EXAMPLE")).isTrue();
    assertThat(acme.owns("a.example")).isTrue();
    assertThat(acme.owns("a.example.")).isTrue();
    assertThat(acme.owns("carol@x.a.example")).as("a subdomain is another tenant's").isFalse();
    assertThat(acme.owns("carol@ba.example")).as("a suffix is not a domain").isFalse();
    assertThat(acme.owns("carol@a.example.evil")).isFalse();
    assertThat(acme.owns("a.example@b.example")).as("the domain is after the last @").isFalse();
    assertThat(acme.owns("")).isFalse();
    assertThat(acme.owns(null)).isFalse();
    assertThat(acme.own(List.of("x@b.example", "y@a.example", "z@A.example"))).containsExactly("y@a.example",
        "z@A.example");
    assertThatThrownBy(() -> new TenantAdmin("none", Set.of(), false)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void createdChangedAndRemovedOnTheStore() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir.resolve("portcullis.db"))) {
      TenantAdmins tenants = new TenantAdmins(store.tenantUsers(), store.tenants(), List.of("a.example", "b.example",
          "c.example"), Clock.systemUTC());
      tenants.create("acme", "correct horse battery", Set.of("a.example", "C.example"), false);
      assertThat(tenants.find("acme")).hasValueSatisfying(t -> {
        assertThat(t.domainList()).containsExactly("a.example", "c.example");
        assertThat(t.answersRequests()).isFalse();
      });
      assertThatThrownBy(() -> tenants.create("evil", "correct horse battery", Set.of("elsewhere.example"), false))
          .as("only our domains").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not one of our");
      assertThat(tenants.find("evil")).isEmpty();
      assertThatThrownBy(() -> tenants.create("acme", "another horse battery", Set.of("b.example"), false))
          .as("a name is taken once").isInstanceOf(IllegalArgumentException.class);
      assertThat(tenants.find("acme").orElseThrow().domainList()).containsExactly("a.example", "c.example");

      tenants.change("acme", Optional.of(Set.of("b.example")), Optional.of(true));
      TenantAdmin changed = tenants.find("acme").orElseThrow();
      assertThat(changed.domainList()).containsExactly("b.example");
      assertThat(changed.answersRequests()).isTrue();
      assertThat(tenants.byToken("tenant.acme")).contains(changed);
      assertThat(tenants.byToken("acme")).as("only tenant.NAME tokens").isEmpty();

      assertThat(tenants.login(CLIENT, "acme", "correct horse battery")).isInstanceOf(AdminUsers.Login.Accepted.class);
      assertThat(tenants.login(CLIENT, "acme", "wrong horse battery")).isInstanceOf(AdminUsers.Login.Rejected.class);
      assertThat(new AdminUsers(store.adminUsers(), Clock.systemUTC()).login(CLIENT, "acme", "correct horse battery"))
          .as("a tenant's password never opens /admin").isInstanceOf(AdminUsers.Login.Rejected.class);

      assertThat(tenants.remove("acme")).isTrue();
      assertThat(tenants.remove("acme")).isFalse();
      assertThat(tenants.find("acme")).isEmpty();
      assertThat(tenants.login(CLIENT, "acme", "correct horse battery")).isInstanceOf(AdminUsers.Login.Rejected.class);
      tenants.create("zeta", "correct horse battery", Set.of("a.example"), true);
    }
    try (SqliteStore store = SqliteStore.open(dir.resolve("portcullis.db"))) {
      assertThat(store.tenants().list()).as("kept across a restart")
          .containsExactly(new TenantAdmin("zeta", Set.of("a.example"), true));
    }
  }
}
