/**
 * The Threats wing (ADR 0046): the batch's {@code signals} sections read and checked ({@link
 * vigil.threats.wing.SignalReader}), stored as threat findings in a stream scope per host with their own life cycle,
 * mutes and each host's sensor state ({@link vigil.threats.wing.SignalStore}), and their API routes. It plugs into the
 * core through {@code vigil.server.wing}; the core never names it. It runs no rules: the agent does.
 */
@NullMarked
package vigil.threats.wing;

import org.jspecify.annotations.NullMarked;
