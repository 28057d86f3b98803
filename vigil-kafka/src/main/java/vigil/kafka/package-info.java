/**
 * Optional module: Apache Kafka between the server's intake and its workers. Intake checks a batch, writes it to a
 * topic keyed by organization and agent (so one agent's batches stay in order on one partition) and answers once
 * the brokers hold it; every server instance runs a worker in one consumer group, which stores each batch exactly
 * once through the server's idempotent store.
 */
@NullMarked
package vigil.kafka;

import org.jspecify.annotations.NullMarked;
