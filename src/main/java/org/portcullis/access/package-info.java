/**
 * Who may use the API and the admin pages: API tokens kept as SHA-256 hashes with scopes, admin
 * users with Argon2id passwords, and the login throttle per client network and account.
 */
package org.portcullis.access;
