/**
 * Where a command looks for data: the search directories, cache and mirrors of a data request.
 *
 * <p>Depends on the api only.
 */
package io.hyperprune.runtime.data;
