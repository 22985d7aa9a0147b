/**
 * The recipient decides (seed 000): each tenant (a recipient domain of ours) and each mailbox may
 * choose what the verdicts of per-recipient checks ({@code on-reject = "per-recipient"}) become for
 * its mail: reject, tag, rewrite-subject, quarantine or accept. {@link org.portcullis.verdicts.Preferences} answers the
 * policy's {@link org.portcullis.policy.RecipientChoices} from memory, reloaded from the store.
 */
package org.portcullis.verdicts;
