/** The event model: event types, fields with their types, events as values and as JSON. */
@NullMarked
package vigil.threats.rules.event;

import org.jspecify.annotations.NullMarked;
