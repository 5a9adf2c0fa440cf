/**
 * Numerical kernels that replace slow libnd4j ops of these nets with Java loops the JIT vectorises
 * (the fused Adam step, exp and log, sparse and split products, small arithmetic, gradients), each tested
 * against libnd4j's result, and the threads they run on ({@code ProductHelper}, {@code NativeThreads}).
 *
 * <p>Depends on ND4J and, for thread choices, the model spec of graph; on no other part of the engine.
 */
package io.hyperprune.engine.kernels;
