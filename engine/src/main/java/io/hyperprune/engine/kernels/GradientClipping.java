package io.hyperprune.engine.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Gradient clipping by value (the reference's {@code clip_grad_value_(1.0)}), which SameDiff M2.1's
 * TrainingConfig does not offer. SameDiff's training session applies every Regularization whose step
 * is {@link ApplyStep#BEFORE_UPDATER} to the raw gradient right before the updater (Adam) sees it;
 * clamping the gradient in place there is exactly clip-then-step. It adds nothing to the loss.
 */
public final class GradientClipping implements Regularization {

    private final double clipValue;

    public GradientClipping(@JsonProperty("clipValue") double clipValue) {
        if (!(clipValue > 0)) {
            throw new IllegalArgumentException("clip value must be positive, got " + clipValue);
        }
        this.clipValue = clipValue;
    }

    public double getClipValue() {
        return clipValue;
    }

    @Override
    public ApplyStep applyStep() {
        return ApplyStep.BEFORE_UPDATER;
    }

    @Override
    public void apply(INDArray param, INDArray gradView, double lr, int iteration, int epoch) {
        Transforms.min(gradView, clipValue, false);
        Transforms.max(gradView, -clipValue, false);
    }

    @Override
    public double score(INDArray param, int iteration, int epoch) {
        return 0;
    }

    @Override
    public Regularization clone() {
        return new GradientClipping(clipValue);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GradientClipping g && g.clipValue == clipValue;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(clipValue);
    }
}
