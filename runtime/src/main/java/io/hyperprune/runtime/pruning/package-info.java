/**
 * The pruning procedure: scores by a criterion, exact-fraction masks, accuracy at every deletion level
 * ({@link io.hyperprune.runtime.pruning.PruningSweep}), its table ({@code prune.csv}), and the agreement of
 * two models' scores.
 *
 * <p>Depends on the engine, run and boundary.
 */
package io.hyperprune.runtime.pruning;
