package io.hyperprune.engine.graph;

import java.util.Arrays;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The graph's loss: the K models' cross-entropy and penalty / m as the two loss variables
 * {@value ModelGraph#CE} and {@value ModelGraph#PENALTY}, their mean over the models (their sum for
 * independent plain models).
 */
final class Loss {

    private Loss() {}

    /**
     * Adds the loss variables and makes them the graph's loss.
     *
     * @param y the one-hot labels [B, C]
     * @param logits the training logits [K, B, C]
     * @param penalty the per-model penalty [K]
     * @param trainingSamples m of the penalty's 1/m
     */
    static void attach(
            SameDiff sd,
            SDVariable y,
            SDVariable logits,
            int classes,
            SDVariable penalty,
            int models,
            boolean independent,
            long trainingSamples) {
        // One fused, numerically stable softmax cross-entropy on [K*B, C] with the labels repeated per
        // model: mean_k CE_k = the mean over all K*B (model, sample) pairs; for independent models
        // sum_k CE_k = the sum weighted by 1/B. Its output must be the loss variable itself: SameDiff
        // M2.1's loss ops ignore the gradient flowing into them (a following "* K" or per-sample
        // reduction was silently dropped). Also, M2.1's logSoftmax is log(softmax): -inf times a 0
        // label gave NaN losses, and the written-out form made each step slower (docs/performance.md,
        // "Why each kernel exists").
        SDVariable labels = y;
        if (models > 1) {
            SDVariable[] repeated = new SDVariable[models];
            Arrays.fill(repeated, y);
            labels = sd.concat(0, repeated);
        }
        SDVariable flatLogits = logits.reshape(-1, classes);
        SDVariable meanCe = independent && models > 1
                ? sd.loss()
                        .softmaxCrossEntropy(
                                ModelGraph.CE,
                                labels,
                                flatLogits,
                                sd.sizeAt(y, 0).castTo(DataType.FLOAT).rdiv(1.0),
                                LossReduce.SUM,
                                0.0)
                : sd.loss()
                        .softmaxCrossEntropy(
                                ModelGraph.CE, labels, flatLogits, null, LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT, 0.0);
        SDVariable penaltyPerSample = penalty.div((double) trainingSamples);
        // Two loss variables: SameDiff minimises their sum, mean_k CE_k + mean_k penalty_k / m = mean_k loss_k
        // (sums over k for independent models), and reports each one per step.
        SDVariable meanPenalty = independent
                ? sd.sum(ModelGraph.PENALTY, penaltyPerSample)
                : sd.mean(ModelGraph.PENALTY, penaltyPerSample);
        sd.setLossVariables(meanCe, meanPenalty);
    }
}
