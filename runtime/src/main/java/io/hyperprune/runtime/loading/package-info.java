/**
 * Plugin discovery: the host class path and a plugins directory, one class loader per plugin, every jar
 * checked (Java version, bundled ND4J, API version) and every fault kept as a problem to show, never thrown.
 *
 * <p>Depends on the api and boundary.
 */
package io.hyperprune.runtime.loading;
