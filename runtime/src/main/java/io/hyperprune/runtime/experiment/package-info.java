/**
 * Experiment grids: the grid of runs, one owner per run ({@link io.hyperprune.runtime.experiment.Claim}),
 * worker processes and shards, pruning every finished run, and the tables computed from all of them.
 *
 * <p>Depends on run, pruning, report (the results table's schema), wiring and boundary; not on cli.
 */
package io.hyperprune.runtime.experiment;
