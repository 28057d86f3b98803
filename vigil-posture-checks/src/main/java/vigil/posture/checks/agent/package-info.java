/** The agent's side of posture checks: a collector that scans its host on a schedule and sends the verdicts. */
@NullMarked
package vigil.posture.checks.agent;

import org.jspecify.annotations.NullMarked;
