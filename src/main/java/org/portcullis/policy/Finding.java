package org.portcullis.policy;

/**
 * A verdict other than "continue", with the check that gave it.
 *
 * @param check the check's name
 * @param phase the phase it was evaluated at
 * @param verdict the verdict (after the check's {@link RejectAction})
 * @param observed true if the check is in observe mode: logged and recorded, no effect
 */
public record Finding(String check, Phase phase, Verdict verdict, boolean observed) {}
