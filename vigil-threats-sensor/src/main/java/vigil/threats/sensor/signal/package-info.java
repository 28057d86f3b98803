/**
 * Rule matches made into signals (issue 12, ADR 0047): what the agent sends in its batch's {@code signals} section
 * and {@code vigil threats watch} prints ({@code docs/threats-signals.md}); repeats folded and bursts limited
 * ({@link vigil.threats.sensor.signal.SignalThrottle}); the rules' {@code kill} and {@code hash} actions carried out
 * ({@link vigil.threats.sensor.signal.Actions}); the sensor, the engine and the signals run together
 * ({@link vigil.threats.sensor.signal.ThreatPipeline}).
 */
@NullMarked
package vigil.threats.sensor.signal;

import org.jspecify.annotations.NullMarked;
