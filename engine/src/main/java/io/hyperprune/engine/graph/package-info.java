/**
 * Model graphs: the model spec ({@code 784-50-10}, {@code cifar-conv}), the SameDiff graph an evidence
 * and a hypernetwork build for K models per pass ({@link io.hyperprune.engine.graph.ModelGraph}, assembled
 * from the posterior, the layers' forward pass and the loss), the plain
 * models side by side ({@link io.hyperprune.engine.graph.ConstantHypernetwork}), the graph's lambda inputs
 * (the one place lambda becomes t), the checks of what plugins build, and the standalone model a run exports.
 *
 * <p>Depends on the api and ND4J only.
 */
package io.hyperprune.engine.graph;
