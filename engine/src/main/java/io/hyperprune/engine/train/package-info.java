/**
 * Training: the epoch loop ({@link io.hyperprune.engine.train.Trainer}), the settings of a run, mini-batches,
 * their lambdas and reparametrisation noise drawn from the run seed ({@code BatchSource}, {@code GaussianNoise}),
 * prefetching on a second thread, and the per-step divergence check.
 *
 * <p>Depends on graph, eval, compiled and kernels; nothing depends on it but the runtime.
 */
package io.hyperprune.engine.train;
