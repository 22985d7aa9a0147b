package org.portcullis.lists;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.store.sqlite.SqliteStore;
import org.portcullis.testing.FakeClock;

/** Address-book imports of real-shaped exports (src/test/resources/addressbooks), into a real SQLite store. */
class AddressBookTest {

  @TempDir
  Path dir;
  private SqliteStore store;
  private Whitelists whitelists;

  @BeforeEach
  void open() {
    store = SqliteStore.open(dir.resolve("portcullis.db"));
    whitelists = new Whitelists(store.lists(), new FakeClock());
  }

  @AfterEach
  void close() {
    store.close();
  }

  static byte[] file(String name) throws IOException {
    try (InputStream in = AddressBookTest.class.getResourceAsStream("/addressbooks/" + name)) {
      return in.readAllBytes();
    }
  }

  private static List<String> addresses(AddressBook.Parsed parsed) {
    return parsed.addresses().stream().map(f -> f.line() + ":" + f.address()).toList();
  }

  @Test
  void theReadmeToursContactsFileImportsAsTheReadmeSays() throws Exception {
    byte[] readme = java.nio.file.Files.readAllBytes(Path.of("docs/examples/contacts.csv"));
    Whitelists.Report r = whitelists.importBook("bob@example.test", readme, 1 << 20, "import contacts.csv");
    assertThat(r.read()).isEqualTo(6);
    assertThat(r.added()).isEqualTo(4);
    assertThat(r.duplicates()).isEqualTo(1);
    assertThat(r.rejected()).singleElement().satisfies(x -> {
      assertThat(x.line()).isEqualTo(6);
      assertThat(x.text()).isEqualTo("dan at typo.example");
    });
  }

  @Test
  void anOutlookExportWithBomCrlfQuotedCommasAndNewlinesGivesEveryAddressColumn() throws Exception {
    AddressBook.Parsed parsed = AddressBook.parse(file("outlook.csv"));
    assertThat(parsed.format()).isEqualTo(AddressBook.Format.CSV);
    // Alice's record starts on line 2 and spans two lines (a quoted street with a newline).
    assertThat(addresses(parsed)).containsExactly("2:alice@partner.example", "2:alice.home@partner.example",
        "4:bob@builder.example", "6:dan@typo.example", "7:alice@partner.example");
    assertThat(parsed.rejected()).singleElement().satisfies(r -> {
      assertThat(r.line()).isEqualTo(6);
      assertThat(r.text()).isEqualTo("dan at typo.example");
    });
  }

  @Test
  void aGoogleExportSplitsSeveralAddressesInOneCell() throws Exception {
    AddressBook.Parsed parsed = AddressBook.parse(file("google.csv"));
    assertThat(addresses(parsed)).containsExactly("2:frank@foo.example", "2:frank.work@foo.example",
        "2:frank@corp.example", "3:grace@navy.example");
    assertThat(parsed.rejected()).extracting(AddressBook.Rejected::line).containsExactly(4);
  }

  @Test
  void aVcardFileWithFoldingGroupsAndSeveralEmailsPerContact() throws Exception {
    AddressBook.Parsed parsed = AddressBook.parse(file("contacts.vcf"));
    assertThat(parsed.format()).isEqualTo(AddressBook.Format.VCARD);
    assertThat(addresses(parsed)).containsExactly("5:ivan@home.example", "6:ivan@work.example",
        "15:judy@judy.example");
    assertThat(parsed.rejected()).singleElement().satisfies(r -> assertThat(r.line()).isEqualTo(16));
  }

  @Test
  void onePerLineWithCommentsDisplayNamesAndDomains() throws Exception {
    AddressBook.Parsed parsed = AddressBook.parse(file("plain.txt"));
    assertThat(parsed.format()).isEqualTo(AddressBook.Format.LINES);
    assertThat(addresses(parsed)).containsExactly("2:kim@kim.example", "4:leo@lion.example", "5:mallory.example",
        "6:trusted.example", "8:kim@kim.example");
    assertThat(parsed.rejected()).extracting(AddressBook.Rejected::line).containsExactly(7);
  }

  @Test
  void utf16WithBomAndWindows1252AreRead() throws Exception {
    String text = "Name,E-mail Address\r\nZoë,zoe@umlaut.example\r\n";
    byte[] utf16 = ("\uFEFF" + text).getBytes(StandardCharsets.UTF_16LE);
    assertThat(addresses(AddressBook.parse(utf16))).containsExactly("2:zoe@umlaut.example");
    assertThat(addresses(AddressBook.parse(text.getBytes(Charset.forName("windows-1252")))))
        .containsExactly("2:zoe@umlaut.example");
  }

  @Test
  void brokenFilesAreMalformedAndChangeNothing() throws Exception {
    assertThatThrownBy(() -> whitelists.importBook("bob@example.test", file("broken.csv"), 1_000_000, "test"))
        .isInstanceOf(AddressBook.MalformedAddressBook.class).hasMessageStartingWith("broken CSV");
    assertThatThrownBy(() -> whitelists.importBook("bob@example.test", file("broken.vcf"), 1_000_000, "test"))
        .isInstanceOf(AddressBook.MalformedAddressBook.class).hasMessage("line 4: BEGIN:VCARD inside the card that began on line 1");
    assertThatThrownBy(() -> whitelists.importBook("bob@example.test", file("nomail.csv"), 1_000_000, "test"))
        .isInstanceOf(AddressBook.MalformedAddressBook.class).hasMessageContaining("no e-mail column");
    assertThatThrownBy(() -> whitelists.importBook("bob@example.test", new byte[] {'a', 0, 'b'}, 1_000_000, "test"))
        .isInstanceOf(AddressBook.MalformedAddressBook.class).hasMessageContaining("not a text file");
    assertThatThrownBy(() -> whitelists.importBook("bob@example.test", file("outlook.csv"), 100, "test"))
        .isInstanceOf(AddressBook.MalformedAddressBook.class).hasMessageContaining("at most 100");
    assertThatThrownBy(() -> AddressBook.parse("BEGIN:VCARD\nEMAIL:a@b.example\n".getBytes()))
        .hasMessage("the card that began on line 1 has no END:VCARD");
    assertThat(whitelists.list("bob@example.test")).isEmpty();
    assertThat(store.lists().version()).isZero();
  }

  @Test
  void anImportReportsReadAddedDuplicatesAndRejectedAndASecondImportAddsNothingNew() throws Exception {
    Whitelists.Report first = whitelists.importBook("Bob@Example.TEST", file("outlook.csv"), 1_000_000, "test");
    assertThat(first.read()).isEqualTo(6);
    assertThat(first.added()).isEqualTo(4);
    assertThat(first.duplicates()).isEqualTo(1);
    assertThat(first.rejected()).hasSize(1);
    assertThat(whitelists.list("bob@example.test")).containsExactly("alice.home@partner.example",
        "alice@partner.example", "bob@builder.example", "dan@typo.example");
    Whitelists.Report again = whitelists.importBook("bob@example.test", file("outlook.csv"), 1_000_000, "test");
    assertThat(again.added()).isZero();
    assertThat(again.duplicates()).isEqualTo(5);
  }

  @Test
  void singleAddsAreValidatedAllOrNothing() {
    assertThatThrownBy(() -> whitelists.add("example.test", List.of("ok@partner.example", "bad address"), "test"))
        .hasMessageContaining("\"bad address\" is neither an address nor a domain");
    assertThat(whitelists.list("example.test")).isEmpty();
    assertThat(whitelists.add("example.test", List.of("ok@partner.example", "@whole.example"), "test").added())
        .isEqualTo(2);
    assertThat(whitelists.list("example.test")).containsExactly("ok@partner.example", "whole.example");
    assertThat(whitelists.remove("example.test", "whole.example")).isTrue();
    assertThat(whitelists.remove("example.test", "whole.example")).isFalse();
    assertThatThrownBy(() -> whitelists.add("not an owner", List.of("a@b.example"), "test"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
