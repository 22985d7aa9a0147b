package org.portcullis.policy;

import java.util.Set;

/**
 * One policy check: a name, the phases it runs at, and a verdict for a context.
 *
 * <p>Contract: {@link #evaluate} is called from many sessions at once and must be thread-safe; it
 * never writes to the client and never throws for expected outcomes (a DNS timeout is a
 * {@link Verdict.Tempfail}, not an exception). It may block on DNS through
 * {@link CheckContext#await}; the chain bounds it with a timeout and turns a timeout or an
 * exception into a temporary failure (451 4.3.0), never a pass.
 */
public interface Check {

  /** A stable kebab-case name, used in configuration, logs and explanations ({@code helo-fqdn}). */
  String name();

  /** The phases this check runs at. */
  Set<Phase> phases();

  /** Judges the context; returns {@link Verdict#CONTINUE} when it has no opinion. */
  Verdict evaluate(CheckContext context) throws Exception;
}
