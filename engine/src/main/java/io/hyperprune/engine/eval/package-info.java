/**
 * Evaluation with the posterior means: accuracy at any lambdas, with per-lambda keep-masks for pruning,
 * the training-loss probe and the posterior tensors pruning scores
 * ({@link io.hyperprune.engine.eval.Evaluator}).
 *
 * <p>Depends on graph and compiled (evaluation runs compiled like a training step).
 */
package io.hyperprune.engine.eval;
