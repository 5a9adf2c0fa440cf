package io.hyperprune.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorTensor;
import io.hyperprune.api.PosteriorView;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The contract every {@link Evidence} passes: extend it and return yours from {@link #evidence()}. */
public abstract class EvidenceContract {

    private static final ParameterSpec WEIGHT =
            new ParameterSpec("dense0/W", new long[] {5, 4}, ParameterSpec.Kind.WEIGHT, 5, 4);

    protected abstract Evidence evidence();

    protected ComponentOptions options() {
        return ComponentOptions.none(evidence().id());
    }

    /** Whether the penalty is non-negative for every posterior (true for a KL or a squared norm with lambda > 0). */
    protected boolean penaltyIsNonNegative() {
        return true;
    }

    /** The posterior tensors at their initial values, with a model axis of 2. */
    private Map<String, SDVariable> posterior(SameDiff sd) {
        Map<String, SDVariable> posterior = new LinkedHashMap<>();
        long seed = 3;
        for (PosteriorTensor tensor : evidence().posterior(WEIGHT, options())) {
            INDArray value = tensor.init().create(WEIGHT.shape(), seed++);
            posterior.put(tensor.role(), sd.var(tensor.role(), Nd4j.stack(0, value, value.dup())));
        }
        return posterior;
    }

    @Test
    void posteriorRolesAreDistinctAndInitialisable() {
        List<PosteriorTensor> tensors = evidence().posterior(WEIGHT, options());
        assertThat(tensors).isNotEmpty();
        assertThat(new HashSet<>(tensors.stream().map(PosteriorTensor::role).toList()))
                .hasSize(tensors.size());
        for (PosteriorTensor tensor : tensors) {
            assertThat(tensor.init().create(WEIGHT.shape(), 1).shape()).containsExactly(WEIGHT.shape());
        }
    }

    @Test
    void weightsKeepTheModelAxisAndPenaltyIsOnePerModel() {
        SameDiff sd = SameDiff.create();
        Map<String, SDVariable> posterior = posterior(sd);
        SDVariable noise = evidence().stochastic() ? sd.constant(Nd4j.randn(DataType.FLOAT, 2, 5, 4)) : null;
        assertThat(evidence()
                        .trainingWeight(sd, WEIGHT, posterior, noise, options())
                        .eval()
                        .shape())
                .containsExactly(2L, 5L, 4L);
        assertThat(evidence()
                        .evaluationWeight(sd, WEIGHT, posterior, options())
                        .eval()
                        .shape())
                .containsExactly(2L, 5L, 4L);
        INDArray penalty = evidence()
                .penalty(sd, WEIGHT, posterior, sd.constant(Nd4j.createFromArray(0.01f, 100f)), options())
                .eval();
        assertThat(penalty.shape()).containsExactly(2L);
        for (double p : penalty.toDoubleVector()) {
            assertThat(Double.isFinite(p)).isTrue();
            if (penaltyIsNonNegative()) {
                assertThat(p).isGreaterThanOrEqualTo(0);
            }
        }
    }

    @Test
    void thePruningViewMatchesTheParameterShape() {
        Map<String, INDArray> values = new LinkedHashMap<>();
        long seed = 5;
        for (PosteriorTensor tensor : evidence().posterior(WEIGHT, options())) {
            values.put(tensor.role(), tensor.init().create(WEIGHT.shape(), seed++));
        }
        PosteriorView view = evidence().view(WEIGHT, values, options());
        assertThat(view.mean().shape()).containsExactly(WEIGHT.shape());
        view.sigma().ifPresent(sigma -> {
            for (float s : sigma.castTo(DataType.FLOAT).dup().data().asFloat()) {
                assertThat(s).isPositive();
            }
        });
    }
}
