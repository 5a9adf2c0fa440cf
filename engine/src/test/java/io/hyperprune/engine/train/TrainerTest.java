package io.hyperprune.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.LambdaRange;
import io.hyperprune.engine.graph.ConstantHypernetwork;
import io.hyperprune.engine.graph.ModelGraph;
import io.hyperprune.engine.graph.ModelSpec;
import io.hyperprune.engine.kernels.GradientClipping;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

class TrainerTest {

    private static final ModelSpec MODEL = ModelSpec.parse("20-16-4");

    static Evidence evidence(String id) {
        return TinyData.evidence(id);
    }

    static Trainer trainer(String evidenceId, Dataset data, long seed, double lambda) {
        return TinyData.trainer(MODEL, evidenceId, data, seed, lambda);
    }

    @Test
    void everyEvidenceLearnsASeparableProblem() {
        Dataset data = TinyData.clusters(20, 4, 1024, 256, 1);
        for (String id : List.of("variational", "prior-scaled", "weight-decay")) {
            Trainer trainer = trainer(id, data, 3, 0.01);
            EpochMetrics last = null;
            for (int epoch = 1; epoch <= 4; epoch++) {
                last = trainer.trainEpoch(epoch, step -> {});
            }
            assertThat(last.testAccuracy().get(0)).as(id).isGreaterThan(0.95);
            assertThat(last.loss()).as(id).isFinite();
            assertThat(last.penalty()).as(id).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void sameSeedGivesBitIdenticalWeights() {
        Dataset data = TinyData.clusters(20, 4, 512, 128, 2);
        Trainer first = trainer("variational", data, 11, 1);
        Trainer second = trainer("variational", data, 11, 1);
        Trainer other = trainer("variational", data, 12, 1);
        for (int epoch = 1; epoch <= 2; epoch++) {
            first.trainEpoch(epoch, step -> {});
            second.trainEpoch(epoch, step -> {});
            other.trainEpoch(epoch, step -> {});
        }
        for (SDVariable variable : first.graph().sameDiff().variables()) {
            if (variable.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
                INDArray a = variable.getArr();
                INDArray b =
                        second.graph().sameDiff().getVariable(variable.name()).getArr();
                INDArray c =
                        other.graph().sameDiff().getVariable(variable.name()).getArr();
                assertThat(a.data().asFloat())
                        .as(variable.name())
                        .containsExactly(b.data().asFloat());
                assertThat(a.equals(c))
                        .as("a different seed must change " + variable.name())
                        .isFalse();
            }
        }
    }

    @Test
    void trainingWithoutEvaluationGivesTheSameWeightsAndFinalFigures() {
        Dataset data = TinyData.clusters(20, 4, 512, 128, 9);
        Trainer evaluatedEveryEpoch = trainer("variational", data, 13, 1);
        Trainer evaluatedLastOnly = trainer("variational", data, 13, 1);
        for (int epoch = 1; epoch <= 2; epoch++) {
            EpochMetrics skipped = evaluatedLastOnly.trainEpoch(epoch, step -> {}, false);
            assertThat(skipped.evaluated()).isFalse();
            assertThat(skipped.loss()).isNaN();
            assertThat(skipped.trainSeconds()).isPositive();
            assertThat(evaluatedEveryEpoch.trainEpoch(epoch, step -> {}).evaluated())
                    .isTrue();
        }
        EpochMetrics a = evaluatedEveryEpoch.trainEpoch(3, step -> {});
        EpochMetrics b = evaluatedLastOnly.trainEpoch(3, step -> {}, true);
        assertThat(b.testAccuracy()).isEqualTo(a.testAccuracy());
        assertThat(b.trainAccuracy()).isEqualTo(a.trainAccuracy());
        assertThat(b.loss()).isEqualTo(a.loss());
        for (SDVariable variable : evaluatedEveryEpoch.graph().sameDiff().variables()) {
            if (variable.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
                assertThat(evaluatedLastOnly
                                .graph()
                                .sameDiff()
                                .getVariable(variable.name())
                                .getArr()
                                .data()
                                .asFloat())
                        .as(variable.name())
                        .containsExactly(variable.getArr().data().asFloat());
            }
        }
    }

    @Test
    void savedAndLoadedModelPredictsIdentically(@TempDir Path dir) {
        Dataset data = TinyData.clusters(20, 4, 512, 128, 3);
        Trainer trainer = trainer("prior-scaled", data, 5, 10);
        trainer.trainEpoch(1, step -> {});
        File file = dir.resolve("model.fb").toFile();
        trainer.graph().sameDiff().save(file, true);
        SameDiff loaded = SameDiff.load(file, true);
        ModelGraph restored =
                ModelGraph.restore(loaded, MODEL, evidence("prior-scaled"), ComponentOptions.none("prior-scaled"), 1);
        Trainer again = new Trainer(
                restored,
                data,
                new TrainingSettings(1, 32, 5e-3, 1.0, 5, List.of(10.0), 1, LambdaRange.REFERENCE),
                false);
        Map<String, INDArray> inputs = Map.of(
                ModelGraph.X,
                data.test().features(),
                ModelGraph.LAMBDA,
                Nd4j.createFromArray(10f),
                ModelGraph.T,
                Nd4j.createFromArray(0.8f),
                ModelGraph.MASK_PREFIX + "dense0/W",
                Nd4j.ones(DataType.FLOAT, 20, 16),
                ModelGraph.MASK_PREFIX + "dense1/W",
                Nd4j.ones(DataType.FLOAT, 16, 4));
        INDArray before = trainer.graph()
                .sameDiff()
                .output(inputs, ModelGraph.LOGITS_EVAL)
                .get(ModelGraph.LOGITS_EVAL);
        INDArray after = loaded.output(inputs, ModelGraph.LOGITS_EVAL).get(ModelGraph.LOGITS_EVAL);
        assertThat(after.data().asFloat()).containsExactly(before.data().asFloat());
        assertThat(again.testAccuracy(List.of(10.0), Map.of()))
                .isEqualTo(trainer.testAccuracy(List.of(10.0), Map.of()));
        assertThat(loaded.getTrainingConfig().getRegularization()).containsExactly(new GradientClipping(1.0));
    }

    @Test
    void theCifarNetTrainsOneAndTwoModelsAndBothExecutorsAgree() {
        // Every CIFAR run used to fail at its first step: the gradient of the per-model slice of a weight
        // tensor (a strided slice) is broken in libnd4j M2.1.
        Dataset data = TinyData.images(8, 4, 6);
        ModelSpec conv = ModelSpec.parse(ModelSpec.CIFAR_CONV);
        for (List<Double> lambdas : List.of(List.of(1.0), List.of(0.01, 1.0))) {
            Map<Trainer.Executor, float[]> outputWeights = new java.util.EnumMap<>(Trainer.Executor.class);
            for (Trainer.Executor executor : Trainer.Executor.values()) {
                ModelGraph graph = ModelGraph.build(
                        conv,
                        evidence("variational"),
                        ComponentOptions.none("variational"),
                        lambdas.size() == 1
                                ? new ConstantHypernetwork()
                                : ConstantHypernetwork.independent(lambdas, LambdaRange.REFERENCE),
                        ComponentOptions.none("constant"),
                        lambdas.size(),
                        true,
                        8,
                        7);
                String output = graph.sameDiff().variables().stream()
                        .map(SDVariable::name)
                        .filter(name -> name.startsWith("dense2/W/")
                                && graph.sameDiff().getVariable(name).getVariableType()
                                        == org.nd4j.autodiff.samediff.VariableType.VARIABLE)
                        .findFirst()
                        .orElseThrow();
                float[] before = graph.sameDiff()
                        .getVariable(output)
                        .getArr()
                        .dup()
                        .data()
                        .asFloat();
                Trainer trainer = new Trainer(
                        graph,
                        data,
                        new TrainingSettings(1, 4, 1e-3, 1.0, 7, lambdas, 1, LambdaRange.REFERENCE),
                        false,
                        executor);
                EpochMetrics metrics = trainer.trainEpoch(1, step -> {});
                assertThat(trainer.executor()).isEqualTo(executor);
                assertThat(metrics.loss())
                        .as("%s, lambdas %s", executor, lambdas)
                        .isFinite();
                assertThat(metrics.testAccuracy()).hasSize(lambdas.size());
                float[] after =
                        graph.sameDiff().getVariable(output).getArr().data().asFloat();
                assertThat(after).as("%s trained the output layer", executor).isNotEqualTo(before);
                outputWeights.put(executor, after);
            }
            assertThat(outputWeights.get(Trainer.Executor.COMPILED))
                    .as("lambdas %s", lambdas)
                    .containsExactly(
                            outputWeights.get(Trainer.Executor.SESSION), org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void gradientClippingClampsEveryGradientElementBeforeTheUpdater() {
        SameDiff sd = SameDiff.create();
        SDVariable w = sd.var("w", Nd4j.createFromArray(0f, 0f, 0f));
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, 1, 3);
        SDVariable loss = x.mul(w).sum(); // d loss / d w = x
        sd.setLossVariables(loss);
        sd.setTrainingConfig(TrainingConfig.builder()
                .updater(new Sgd(1.0))
                .regularization(new GradientClipping(1.0))
                .dataSetFeatureMapping("x")
                .markLabelsUnused()
                .build());
        sd.fit(new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[] {Nd4j.createFromArray(new float[][] {{5f, -0.25f, -7f}})}, new INDArray[0]));
        // SGD step w -= lr * clip(x): gradients 5 and -7 are clamped to 1 and -1, -0.25 passes.
        assertThat(w.getArr().data().asFloat()).containsExactly(-1f, 0.25f, 1f);
    }

    @Test
    void aNonFiniteLossStopsTrainingWithEpochAndStep() {
        Dataset data = TinyData.clusters(20, 4, 256, 64, 4);
        // A huge lambda with weight decay overflows the loss to infinity in float32.
        Trainer trainer = trainer("weight-decay", data, 1, 1e38);
        assertThatThrownBy(() -> trainer.trainEpoch(1, step -> {}))
                .isInstanceOf(DivergedException.class)
                .hasMessageContaining("epoch 1");
    }

    @Test
    void aHypernetworkMatchesAPlainModelTrainedAtTheSameLambda() {
        // The synthetic plugin's problem, small: 784 features, 10 classes.
        io.hyperprune.api.DatasetProvider synthetic =
                ServiceLoader.load(io.hyperprune.api.DatasetProvider.class).stream()
                        .map(ServiceLoader.Provider::get)
                        .filter(p -> p.id().equals("synthetic"))
                        .findFirst()
                        .orElseThrow();
        Dataset data = synthetic.load(new io.hyperprune.api.DataRequest(
                List.of(),
                Path.of("unused"),
                true,
                List.of(),
                0,
                new ComponentOptions(
                        "synthetic", Map.of("train-size", "2000", "test-size", "500", "separation", "0.3"))));
        ModelSpec model = ModelSpec.parse("784-50-10");
        Evidence evidence = evidence("variational");
        Hypernetwork linear = ServiceLoader.load(Hypernetwork.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(h -> h.id().equals("linear"))
                .findFirst()
                .orElseThrow();
        double lambda = 0.01;
        Trainer plain = new Trainer(
                ModelGraph.build(
                        model,
                        evidence,
                        ComponentOptions.none("variational"),
                        new ConstantHypernetwork(),
                        ComponentOptions.none("constant"),
                        1,
                        2000,
                        1),
                data,
                new TrainingSettings(3, 64, 2e-3, 1.0, 1, List.of(lambda), 1, LambdaRange.REFERENCE),
                false);
        Trainer hyper = new Trainer(
                ModelGraph.build(
                        model,
                        evidence,
                        ComponentOptions.none("variational"),
                        linear,
                        ComponentOptions.none("linear"),
                        5,
                        2000,
                        1),
                data,
                new TrainingSettings(3, 64, 2e-3, 1.0, 1, List.of(lambda), 5, LambdaRange.REFERENCE),
                true);
        for (int epoch = 1; epoch <= 3; epoch++) {
            plain.trainEpoch(epoch, step -> {});
            hyper.trainEpoch(epoch, step -> {});
        }
        double plainAccuracy = plain.testAccuracy(List.of(lambda), Map.of()).get(0);
        double hyperAccuracy = hyper.testAccuracy(List.of(lambda), Map.of()).get(0);
        assertThat(plainAccuracy).isGreaterThan(0.9);
        // Stated tolerance: within 3 percentage points of test accuracy.
        assertThat(hyperAccuracy).isCloseTo(plainAccuracy, org.assertj.core.api.Assertions.within(0.03));
    }

    @Test
    void accuracyIsReportedForEveryRequestedLambda() {
        Dataset data = TinyData.clusters(20, 4, 256, 64, 5);
        Evidence evidence = evidence("variational");
        Hypernetwork constant = new ConstantHypernetwork();
        ModelGraph graph = ModelGraph.build(
                MODEL,
                evidence,
                ComponentOptions.none("variational"),
                constant,
                ComponentOptions.none("constant"),
                1,
                data.train().size(),
                0);
        Trainer trainer = new Trainer(
                graph, data, new TrainingSettings(1, 32, 5e-3, 1.0, 0, List.of(1.0), 1, LambdaRange.REFERENCE), false);
        assertThat(trainer.testAccuracy(List.of(0.1, 1.0, 10.0), Map.of())).hasSize(3);
    }
}
