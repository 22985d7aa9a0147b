package org.portcullis.lists;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where allow and deny entries, recipients' whitelists and whitelist requests are kept.
 * Implemented by each store; thread-safe; failures throw {@code StoreException}. Every change
 * bumps {@link #version()}, so readers in other processes see it.
 */
public interface AccessListStore {

  /** Stores a new entry (its id and creation time are assigned) and returns it. */
  ListEntry add(ListEntry entry);

  /** Removes an entry; false if there was none with this id. */
  boolean remove(long id);

  /** Every entry, expired ones included, by id. */
  List<ListEntry> entries();

  /** Deletes allow and deny entries that expired before {@code expiredBefore}; returns how many. */
  int pruneExpired(Instant expiredBefore);

  /** Adds senders to an owner's whitelist in one transaction; returns how many were not there yet. */
  int addToWhitelist(String owner, Collection<String> senders, String source, Instant now);

  /** Removes a sender from an owner's whitelist; false if it was not there. */
  boolean removeFromWhitelist(String owner, String sender);

  /** One owner's whitelist, sorted. */
  List<String> whitelist(String owner);

  /** Every whitelist: owner to senders. */
  Map<String, Set<String>> whitelists();

  /** Changes whenever entries or whitelists change, whoever changed them. */
  long version();

  /**
   * Stores a new pending request (id, status and times are assigned) and returns it; if a pending
   * request from the same address, IP and recipient exists, returns that one instead (a repeated
   * submission is merged, not queued twice).
   */
  WhitelistRequest submit(WhitelistRequest request);

  /** The request whose status page has this token. */
  Optional<WhitelistRequest> requestByToken(String token);

  /** Requests, newest first, optionally only those with one status. */
  List<WhitelistRequest> requests(Optional<WhitelistRequest.Status> status, int limit);

  Optional<WhitelistRequest> request(long id);

  /**
   * Approves a pending request: in one transaction stores {@code entry} and marks the request
   * approved with it. Empty if the request is missing or no longer pending.
   */
  Optional<ListEntry> approve(long requestId, ListEntry entry, String message, Instant at);

  /** Declines a pending request with a message; false if it is missing or no longer pending. */
  boolean decline(long requestId, String message, Instant at);
}
