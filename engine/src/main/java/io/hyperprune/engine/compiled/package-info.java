/**
 * The compiled executor: a SameDiff graph's training step ({@link io.hyperprune.engine.compiled.CompiledTrainingStep})
 * and evaluation outputs ({@link io.hyperprune.engine.compiled.CompiledOutputs}) run without SameDiff's
 * session, whose per-op bookkeeping cost our small nets most of a step. The graph of a run never
 * changes, so the work of the session is done once, in passes, each its own class:
 *
 * <ol>
 *   <li>{@code OpSchedule}: which ops the wanted outputs (gradients, logits) depend on, in execution
 *       order, and whether all of them can run outside the session (else compiling gives empty and the
 *       caller keeps SameDiff's {@code fit} or {@code output}). Once per compile.</li>
 *   <li>{@code Plan}: one per placeholder shape signature (in practice the full and the last
 *       mini-batch). Wires every op's context and arrays on the first step, then runs the list of
 *       steps; it holds no policy of its own, but asks:
 *     <ul>
 *       <li>{@code MemoryPlan}: liveness (its own pass over the schedule) and the pools of free
 *           arrays, so a later op's output reuses the array of a value nothing reads any more;</li>
 *       <li>{@code Repeats}: an op computing what an earlier op computed takes its outputs;</li>
 *       <li>{@code Rewrites}: which ops run as Java kernels ({@code engine.kernels}), as half of
 *           themselves, as aliases or as views, one method per rule.</li>
 *     </ul></li>
 *   <li>{@code CompiledTrainingStep}: after a plan's step, the regularizations, the updater and the
 *       parameter update (the fused Java Adam pass when the config is one it reproduces, else
 *       SameDiff's updaters), with SameDiff's own updater state and iteration count.</li>
 * </ol>
 *
 * <p>{@link io.hyperprune.engine.compiled.OpTimes} times the ops of the steps by label (for
 * {@code hyperprune bench --profile}).
 *
 * <p>Dependencies: the JDK, ND4J/SameDiff ({@code org.nd4j}) and {@code io.hyperprune.engine.kernels}
 * only; not the api module, nor the engine's {@code graph}, {@code train} or {@code eval} packages,
 * which use this one ({@code train.Trainer} the training step, {@code eval.Evaluator} the outputs).
 * ({@code kernels.ProductHelper} names {@code CompiledTrainingStep} in its documentation only.)
 */
package io.hyperprune.engine.compiled;
