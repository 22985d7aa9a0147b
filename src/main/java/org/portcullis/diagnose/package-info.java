/**
 * "Test your server" (seed 001's checklist for a refused sender): {@link Probe}s, one per check,
 * each giving a {@link Finding} with a stable id, a {@link Status}, what was observed and advice in
 * plain words from the {@link Advice} catalogue; {@link Diagnosis} runs them for a {@link Subject}
 * in parallel under one deadline, through the gateway's own resolver, generic-PTR patterns, DNS
 * lists and SPF evaluator, so that it reports the answers the gateway acted on. An answer that did
 * not come ({@link Status#UNKNOWN}) is never shown as a pass.
 */
package org.portcullis.diagnose;
