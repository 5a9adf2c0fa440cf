/**
 * Where a command looks for data (the search directories, cache and mirrors of a data request) and
 * the validation samples held out of a loaded training split.
 *
 * <p>Depends on the api and ND4J only.
 */
package io.hyperprune.runtime.data;
