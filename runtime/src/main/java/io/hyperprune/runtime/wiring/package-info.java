/**
 * Components by SPI and id ({@link io.hyperprune.runtime.wiring.ComponentRegistry}) with did-you-mean
 * suggestions, and their Guice bindings.
 *
 * <p>Depends on loading and boundary.
 */
package io.hyperprune.runtime.wiring;
