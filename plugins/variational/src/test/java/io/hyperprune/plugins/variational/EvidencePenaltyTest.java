package io.hyperprune.plugins.variational;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.ParameterSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The penalties of L1, L2, L3 (METHOD.md) on tiny hand-made tensors, checked against the formulas. */
class EvidencePenaltyTest {

    private static final ParameterSpec WEIGHT =
            new ParameterSpec("dense0/W", new long[] {2, 3}, ParameterSpec.Kind.WEIGHT, 2, 3);

    // Two models on the model axis, so the per-model reduction is exercised too.
    private static final float[][] MU = {{0.5f, -1f, 0f, 2f, 0.1f, -0.3f}, {1f, 1f, 1f, -1f, -1f, -1f}};
    private static final float[][] LOG_SIGMA = {{-3f, -1f, 0f, -2f, 0.5f, -4f}, {-3f, -3f, -3f, -3f, -3f, -3f}};

    @Test
    void variationalPenaltyIsLambdaTimesClosedFormKl() {
        double[] penalty = penalty(new VariationalEvidence(), Map.of(), 0.1, 10);
        assertThat(penalty[0]).isCloseTo(0.1 * klToPrior(0, 1.0), within(1e-3));
        assertThat(penalty[1]).isCloseTo(10 * klToPrior(1, 1.0), within(1e-2));
    }

    @Test
    void variationalRespectsThePriorSigmaOption() {
        double[] penalty = penalty(new VariationalEvidence(), Map.of("prior-sigma", "0.5"), 1, 1);
        assertThat(penalty[0]).isCloseTo(klToPrior(0, 0.5), within(1e-3));
    }

    @Test
    void priorScaledPenaltyIsKlToThePriorShrunkByLambda() {
        double[] penalty = penalty(new PriorScaledEvidence(), Map.of(), 0.01, 100);
        assertThat(penalty[0]).isCloseTo(klToPrior(0, 1 / Math.sqrt(0.01)), within(1e-3));
        assertThat(penalty[1]).isCloseTo(klToPrior(1, 1 / Math.sqrt(100)), within(1e-2));
    }

    @Test
    void weightDecayPenaltyIsLambdaTimesSquaredNormOverPriorSigma() {
        double[] penalty = penalty(new WeightDecayEvidence(), Map.of("prior-sigma", "2"), 3, 0.5);
        double norm0 = 0;
        double norm1 = 0;
        for (int i = 0; i < 6; i++) {
            norm0 += MU[0][i] * MU[0][i];
            norm1 += MU[1][i] * MU[1][i];
        }
        assertThat(penalty[0]).isCloseTo(3 * norm0 / 2, within(1e-4));
        assertThat(penalty[1]).isCloseTo(0.5 * norm1 / 2, within(1e-4));
    }

    @Test
    void closedFormKlAgreesWithMonteCarloEstimate() {
        // KL(q || p) = E_q[log q(w) - log p(w)], estimated from 400k samples of model 0.
        double closedForm = klToPrior(0, 1.0);
        SplittableRandom random = new SplittableRandom(7);
        int samples = 400_000;
        double sum = 0;
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < 6; i++) {
                double sigma = 1e-5 + Math.exp(LOG_SIGMA[0][i]);
                double eps = gaussian(random);
                double w = MU[0][i] + sigma * eps;
                double logQ = -Math.log(sigma) - 0.5 * eps * eps;
                double logP = -0.5 * w * w;
                sum += logQ - logP;
            }
        }
        assertThat(sum / samples).isCloseTo(closedForm, within(0.01 * closedForm));
    }

    @Test
    void trainingWeightIsMeanPlusSigmaTimesNoiseAndEvaluationWeightIsMean() {
        SameDiff sd = SameDiff.create();
        Map<String, SDVariable> posterior = posterior(sd, new VariationalEvidence());
        INDArray noise = Nd4j.createFromArray(new float[][][] {{{1, -1, 2}, {0, 0.5f, -2}}, {{0, 0, 0}, {1, 1, 1}}});
        SDVariable eps = sd.constant("eps", noise);
        VariationalEvidence evidence = new VariationalEvidence();
        INDArray sampled = evidence.trainingWeight(sd, WEIGHT, posterior, eps, options("variational", Map.of()))
                .eval();
        INDArray mean = evidence.evaluationWeight(sd, WEIGHT, posterior, options("variational", Map.of()))
                .eval();
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < 6; i++) {
                double sigma = 1e-5 + Math.exp(LOG_SIGMA[k][i]);
                assertThat(sampled.getDouble(k, i / 3, i % 3))
                        .isCloseTo(MU[k][i] + sigma * noise.getDouble(k, i / 3, i % 3), within(1e-5));
                assertThat(mean.getDouble(k, i / 3, i % 3)).isEqualTo(MU[k][i], within(0.0));
            }
        }
    }

    @Test
    void penaltyGradientsMatchFiniteDifferences() {
        for (Evidence evidence :
                new Evidence[] {new VariationalEvidence(), new PriorScaledEvidence(), new WeightDecayEvidence()}) {
            SameDiff sd = SameDiff.create();
            Map<String, SDVariable> posterior = posterior(sd, evidence);
            SDVariable lambda = sd.constant("lambda", Nd4j.createFromArray(0.5f, 4f));
            SDVariable loss = evidence.penalty(sd, WEIGHT, posterior, lambda, options(evidence.id(), Map.of()))
                    .sum();
            sd.setLossVariables(loss);
            String[] names = posterior.values().stream().map(SDVariable::name).toArray(String[]::new);
            Map<String, INDArray> gradients = sd.calculateGradients(Map.of(), names);
            for (String name : names) {
                INDArray value = sd.getVariable(name).getArr();
                for (int index = 0; index < value.length(); index++) {
                    float original = value.getFloat(index);
                    double h = 1e-2;
                    value.putScalar(index, original + h);
                    double up = loss.eval().getDouble(0);
                    value.putScalar(index, original - h);
                    double down = loss.eval().getDouble(0);
                    value.putScalar(index, original);
                    double numeric = (up - down) / (2 * h);
                    double analytic = gradients.get(name).getDouble(index);
                    assertThat(Double.isFinite(analytic)).isTrue();
                    assertThat(analytic)
                            .as("%s d/d %s[%d]", evidence.id(), name, index)
                            .isCloseTo(numeric, within(2e-2 * Math.max(1, Math.abs(numeric))));
                }
            }
        }
    }

    @Test
    void penaltiesAreNonNegativeAtInitialisation() {
        for (Evidence evidence :
                new Evidence[] {new VariationalEvidence(), new PriorScaledEvidence(), new WeightDecayEvidence()}) {
            for (double p : penalty(evidence, Map.of(), 0.001, 100)) {
                assertThat(p).isGreaterThanOrEqualTo(0);
            }
        }
    }

    private static double[] penalty(Evidence evidence, Map<String, String> options, double lambda0, double lambda1) {
        SameDiff sd = SameDiff.create();
        Map<String, SDVariable> posterior = posterior(sd, evidence);
        SDVariable lambda = sd.constant("lambda", Nd4j.createFromArray((float) lambda0, (float) lambda1));
        INDArray result = evidence.penalty(sd, WEIGHT, posterior, lambda, options(evidence.id(), options))
                .eval();
        assertThat(result.shape()).containsExactly(2L);
        return result.toDoubleVector();
    }

    private static Map<String, SDVariable> posterior(SameDiff sd, Evidence evidence) {
        Map<String, SDVariable> posterior = new LinkedHashMap<>();
        for (var tensor : evidence.posterior(WEIGHT, options(evidence.id(), Map.of()))) {
            float[][] values = tensor.role().equals(GaussianPosterior.LOG_SIGMA) ? LOG_SIGMA : MU;
            posterior.put(
                    tensor.role(),
                    sd.var(
                            tensor.role(),
                            Nd4j.createFromArray(values).reshape(2, 2, 3).castTo(DataType.FLOAT)));
        }
        return posterior;
    }

    /** Closed-form KL(q || N(0, s^2)) of model k, in double precision. */
    private static double klToPrior(int k, double s) {
        double kl = 0;
        for (int i = 0; i < 6; i++) {
            double sigma = 1e-5 + Math.exp(LOG_SIGMA[k][i]);
            kl += Math.log(s / sigma) + (sigma * sigma + MU[k][i] * MU[k][i]) / (2 * s * s) - 0.5;
        }
        return kl;
    }

    private static ComponentOptions options(String component, Map<String, String> values) {
        return new ComponentOptions(component, values);
    }

    private static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
