/**
 * The plugin boundary: every component the runtime hands out is a guarded wrapper that keeps the id read
 * at load, checks each result against its SPI's contract and turns every fault into a
 * {@link io.hyperprune.runtime.boundary.PluginFault} naming the plugin's jar.
 *
 * <p>Depends on the api and the engine's tensor checks.
 */
package io.hyperprune.runtime.boundary;
