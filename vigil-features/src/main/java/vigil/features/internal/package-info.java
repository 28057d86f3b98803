/** What vigil-features keeps to itself: reading the dotted versions its prerequisites state. */
@NullMarked
package vigil.features.internal;

import org.jspecify.annotations.NullMarked;
