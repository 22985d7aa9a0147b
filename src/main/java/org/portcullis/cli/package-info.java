/**
 * The command line (picocli): serve, check-config, why, policy-test and the commands that work on
 * the store beside a running server. Each takes its services from {@link
 * org.portcullis.app.Services}; every option is bounded, every failure an exit code and a sentence.
 */
package org.portcullis.cli;
