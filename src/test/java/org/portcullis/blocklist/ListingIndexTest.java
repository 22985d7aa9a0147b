package org.portcullis.blocklist;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.portcullis.mail.Cidr;

class ListingIndexTest {

  private static BlocklistStore.Change change(String network, Category category, boolean active) {
    return new BlocklistStore.Change(0, Cidr.parse(network), category, active);
  }

  private static int lookup(ListingIndex index, String address) throws Exception {
    return index.lookup(InetAddress.getByName(address));
  }

  @Test
  void nestedNetworksGiveTheMostSpecificListing() throws Exception {
    ListingIndex index = ListingIndex.EMPTY.apply(List.of(
        change("10.0.0.0/8", Category.MANUAL, true),
        change("10.1.0.0/16", Category.REPORT, true),
        change("10.1.2.0/24", Category.SPAM_TRAP, true),
        change("10.200.0.0/16", Category.SPAM_SOURCE, true),
        change("255.255.255.255", Category.SPAM_SOURCE, true)));
    assertThat(lookup(index, "10.9.9.9")).isEqualTo(Category.MANUAL.code());
    assertThat(lookup(index, "10.1.9.9")).isEqualTo(Category.REPORT.code());
    assertThat(lookup(index, "10.1.2.3")).isEqualTo(Category.SPAM_TRAP.code());
    assertThat(lookup(index, "10.200.1.1")).isEqualTo(Category.SPAM_SOURCE.code());
    assertThat(lookup(index, "11.0.0.0")).isZero();
    assertThat(lookup(index, "255.255.255.255")).isEqualTo(Category.SPAM_SOURCE.code());
    assertThat(lookup(index, "9.255.255.255")).isZero();
    ListingIndex smaller = index.apply(List.of(change("10.1.0.0/16", Category.REPORT, false)));
    assertThat(lookup(smaller, "10.1.9.9")).isEqualTo(Category.MANUAL.code());
    assertThat(lookup(index, "10.1.9.9")).as("the old index is unchanged").isEqualTo(Category.REPORT.code());
  }

  @Test
  void mergesAgreeWithAMapOverRandomChanges() {
    Random random = new Random(42);
    Map<Integer, Integer> model = new HashMap<>();
    ListingIndex index = ListingIndex.EMPTY;
    for (int round = 0; round < 50; round++) {
      List<BlocklistStore.Change> changes = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int address = random.nextInt(4096) | 0xC0000000; // a small space, so removals hit
        boolean active = random.nextInt(3) > 0;
        Category category = Category.values()[random.nextInt(Category.values().length)];
        changes.add(new BlocklistStore.Change(0, Cidr.parse(text(address)), category, active));
        if (active) {
          model.put(address, category.code());
        } else {
          model.remove(address);
        }
      }
      index = index.apply(changes);
    }
    for (int a = 0; a < 4096; a++) {
      int address = a | 0xC0000000;
      assertThat(index.lookupV4(address)).as(text(address)).isEqualTo(model.getOrDefault(address, 0));
    }
    assertThat(index.size()).isEqualTo(model.size());
  }

  private static String text(int a) {
    return (a >>> 24) + "." + (a >>> 16 & 0xFF) + "." + (a >>> 8 & 0xFF) + "." + (a & 0xFF);
  }

  @Test
  void aMillionListingsTakeLittleHeap() {
    Random random = new Random(7);
    List<BlocklistStore.Change> changes = new ArrayList<>();
    for (int i = 0; i < 1_000_000; i++) {
      int a = random.nextInt();
      changes.add(new BlocklistStore.Change(i, Cidr.parse(text(a)), Category.SPAM_SOURCE, true));
    }
    ListingIndex index = ListingIndex.EMPTY.apply(changes);
    changes = null;
    // The structure's own arrays: 4 bytes per address and 1 per code.
    assertThat(index.footprintBytes()).isLessThan(64L * 1024 * 1024).isLessThan(6L * 1024 * 1024);
    assertThat(index.size()).isGreaterThan(999_000);
  }
}
