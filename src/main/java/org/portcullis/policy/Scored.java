package org.portcullis.policy;

/**
 * What a check whose {@code on-reject} is {@code score} found: its refusal or tag, which decides
 * nothing alone, and the points it adds to the message's score ({@link ScoreActions}).
 */
public record Scored(Finding finding, double points) {}
