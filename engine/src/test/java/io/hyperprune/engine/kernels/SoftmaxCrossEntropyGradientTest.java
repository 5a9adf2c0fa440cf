package io.hyperprune.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.loss.bp.SoftmaxCrossEntropyLossBp;
import org.nd4j.linalg.factory.Nd4j;

class SoftmaxCrossEntropyGradientTest {

    @Test
    void equalsLibnd4jsLogitGradientForEveryReductionAndWeight() {
        Nd4j.getRandom().setSeed(5);
        INDArray logits = Nd4j.randn(DataType.FLOAT, 1280, 10).muli(6); // large logits: the max shift matters
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, 1280, 10);
        for (int i = 0; i < 1280; i++) {
            oneHot.putScalar(i, (i * 7) % 10, 1f);
        }
        INDArray soft = Nd4j.rand(DataType.FLOAT, 1280, 10); // label sums other than 1
        for (LossReduce reduce : LossReduce.values()) {
            for (float w : new float[] {1f, 1f / 256, 0f}) {
                for (INDArray labels : new INDArray[] {oneHot, soft}) {
                    INDArray weight = Nd4j.scalar(DataType.FLOAT, w);
                    INDArray expected = Nd4j.create(DataType.FLOAT, 1280, 10);
                    Nd4j.exec(DynamicCustomOp.builder("softmax_cross_entropy_loss_grad")
                            .addInputs(logits, weight, labels)
                            .addOutputs(expected, Nd4j.create(DataType.FLOAT), Nd4j.create(DataType.FLOAT, 1280, 10))
                            .addIntegerArguments(reduce.ordinal())
                            .addFloatingPointArguments(0.0)
                            .build());
                    INDArray[] args = {logits, weight, labels};
                    DynamicCustomOp op = op(reduce, 0.0);
                    assertThat(SoftmaxCrossEntropyGradient.applies(op, args)).isTrue();
                    INDArray actual = Nd4j.create(DataType.FLOAT, 1280, 10);
                    SoftmaxCrossEntropyGradient.of(op, args, actual).run();
                    double scale = Math.max(1e-30, expected.amaxNumber().doubleValue());
                    assertThat(actual.sub(expected).amaxNumber().doubleValue() / scale)
                            .as("%s, weight %s", reduce, w)
                            .isLessThan(1e-6);
                    if (w != 0 && reduce != LossReduce.MEAN_BY_WEIGHT) {
                        assertThat(expected.amaxNumber().doubleValue())
                                .as("a gradient that can differ")
                                .isPositive();
                    }
                }
            }
        }
    }

    @Test
    void leavesSmoothingAndPerSampleWeightsToLibnd4j() {
        INDArray logits = Nd4j.ones(DataType.FLOAT, 4, 3);
        INDArray scalar = Nd4j.scalar(1f);
        assertThat(SoftmaxCrossEntropyGradient.applies(
                        op(LossReduce.SUM, 0.1), new INDArray[] {logits, scalar, logits}))
                .as("label smoothing")
                .isFalse();
        INDArray perSample = Nd4j.ones(DataType.FLOAT, 4);
        assertThat(SoftmaxCrossEntropyGradient.applies(
                        op(LossReduce.SUM, 0.0), new INDArray[] {logits, perSample, logits}))
                .as("a weight per sample")
                .isFalse();
        INDArray transposed = Nd4j.ones(DataType.FLOAT, 3, 4).transpose();
        assertThat(SoftmaxCrossEntropyGradient.applies(
                        op(LossReduce.SUM, 0.0), new INDArray[] {transposed, scalar, logits}))
                .as("logits not in C order")
                .isFalse();
    }

    private static SoftmaxCrossEntropyLossBp op(LossReduce reduce, double smoothing) {
        SameDiff sd = SameDiff.create();
        SDVariable logits = sd.placeHolder("logits", DataType.FLOAT, -1, 10);
        SDVariable weight = sd.constant("w", Nd4j.scalar(1f));
        SDVariable labels = sd.placeHolder("labels", DataType.FLOAT, -1, 10);
        return new SoftmaxCrossEntropyLossBp(sd, reduce, logits, weight, labels, smoothing);
    }
}
