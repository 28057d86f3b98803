/** The unified finding every capability emits, modelled on Datadog's security findings. */
@NullMarked
package vigil.model.finding;

import org.jspecify.annotations.NullMarked;
