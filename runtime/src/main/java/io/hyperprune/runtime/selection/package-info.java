/**
 * Model selection over trained runs: the best (lambda, criterion, deletion fraction) of a run under a
 * parameter budget or an accuracy target, judged on the run's validation split.
 *
 * <p>Depends on the engine, run and pruning.
 */
package io.hyperprune.runtime.selection;
