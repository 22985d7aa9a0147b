/**
 * Content scanners asked at the end of DATA, before the reply: spamd (SPAMC/1.5), rspamd
 * ({@code /checkv2}) and clamd ({@code INSTREAM}). Each client speaks one protocol and bounds what
 * it reads; {@link org.portcullis.scan.GuardedScanner} adds what every scanner needs around it (a
 * size cap, a concurrency cap, one total deadline, a circuit breaker) and turns every failure into a
 * {@link org.portcullis.scan.ScanResult.Failed}, never a pass.
 */
package org.portcullis.scan;
