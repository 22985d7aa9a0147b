package org.portcullis.policy;

/**
 * A check the protocol layer asks for when it meets a {@link ProtocolProblem}, instead of one the
 * chain runs at every phase: a malformed address or a full connection table stops the command
 * before any other check could judge it. It is catalogued, configured, rendered and explained like
 * every other check; {@link CheckContext#problem()} holds what was found.
 */
public interface ProtocolCheck extends Check {}
