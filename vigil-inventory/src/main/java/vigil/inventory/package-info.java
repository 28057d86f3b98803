/** Reads what is installed in a target: OS detection and package databases over a confined root filesystem. */
@NullMarked
package vigil.inventory;

import org.jspecify.annotations.NullMarked;
