/** The store's failures as codes ({@link vigil.spi.store.StoreError}), read from SQL states and SQLite result codes. */
@NullMarked
package vigil.spi.store;

import org.jspecify.annotations.NullMarked;
