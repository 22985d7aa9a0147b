/**
 * One class per check and the catalogue that orders them, with their defaults and which are fixed.
 * A check judges a context and states a verdict; it never writes to the client and never treats an
 * unknown answer as a pass.
 */
package org.portcullis.policy.checks;
