package io.hyperprune.engine.compiled;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.LambdaRange;
import io.hyperprune.engine.graph.ConstantHypernetwork;
import io.hyperprune.engine.graph.ModelGraph;
import io.hyperprune.engine.graph.ModelSpec;
import io.hyperprune.engine.kernels.ProductHelper;
import io.hyperprune.engine.kernels.SplitProduct;
import io.hyperprune.engine.train.EpochMetrics;
import io.hyperprune.engine.train.TinyData;
import io.hyperprune.engine.train.Trainer;
import io.hyperprune.engine.train.TrainingSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The compiled training step must train exactly as SameDiff's own fit does. */
class CompiledTrainingStepTest {

    private static final ModelSpec MODEL = ModelSpec.parse("20-16-4");
    private static final List<Double> LAMBDAS = List.of(0.01, 1.0);

    private static Hypernetwork hypernetwork(String id) {
        if (id.equals(ConstantHypernetwork.ID)) {
            return new ConstantHypernetwork();
        }
        return ServiceLoader.load(Hypernetwork.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(h -> h.id().equals(id))
                .findFirst()
                .orElseThrow();
    }

    private static Trainer trainer(String evidence, String hypernetwork, Dataset data, Trainer.Executor executor) {
        return trainer(MODEL, evidence, hypernetwork, data, executor);
    }

    private static Trainer trainer(
            ModelSpec model, String evidence, String hypernetwork, Dataset data, Trainer.Executor executor) {
        boolean plain = hypernetwork.equals(ConstantHypernetwork.ID);
        int models = plain ? 1 : 3;
        ModelGraph graph = ModelGraph.build(
                model,
                TinyData.evidence(evidence),
                ComponentOptions.none(evidence),
                hypernetwork(hypernetwork),
                ComponentOptions.none(hypernetwork),
                models,
                data.train().size(),
                11);
        List<Double> lambdas = plain ? List.of(LAMBDAS.get(1)) : LAMBDAS;
        return new Trainer(
                graph,
                data,
                new TrainingSettings(2, 32, 5e-3, 1.0, 11, lambdas, models, LambdaRange.REFERENCE),
                !plain,
                executor);
    }

    /** The recorded rows by op label. */
    private static java.util.Map<String, OpTimes.Row> byOp(OpTimes times) {
        java.util.Map<String, OpTimes.Row> rows = new java.util.HashMap<>();
        times.rows().forEach(row -> rows.put(row.op(), row));
        return rows;
    }

    /** Largest absolute difference over every trainable variable, after checking both have the same ones. */
    private static double largestDifference(SameDiff a, SameDiff b) {
        double worst = 0;
        for (SDVariable variable : a.variables()) {
            if (variable.getVariableType() != VariableType.VARIABLE) {
                continue;
            }
            INDArray other = b.getVariable(variable.name()).getArr();
            worst = Math.max(worst, variable.getArr().sub(other).amaxNumber().doubleValue());
        }
        return worst;
    }

    @Test
    void everyEvidenceAndHypernetworkTrainsAsSameDiffsFitDoes() {
        Dataset data = TinyData.clusters(20, 4, 256, 64, 4);
        for (String evidence : List.of("variational", "prior-scaled", "weight-decay")) {
            for (String hypernetwork : List.of("constant", "linear", "piecewise")) {
                Trainer compiled = trainer(evidence, hypernetwork, data, Trainer.Executor.COMPILED);
                Trainer session = trainer(evidence, hypernetwork, data, Trainer.Executor.SESSION);
                assertThat(compiled.executor()).isEqualTo(Trainer.Executor.COMPILED);
                assertThat(session.executor()).isEqualTo(Trainer.Executor.SESSION);
                double initial = largestDifference(
                        compiled.graph().sameDiff(), session.graph().sameDiff());
                assertThat(initial).as("same seed, same initial values").isZero();
                Trainer untrained = trainer(evidence, hypernetwork, data, Trainer.Executor.SESSION);
                EpochMetrics compiledMetrics = null;
                EpochMetrics sessionMetrics = null;
                for (int epoch = 1; epoch <= 2; epoch++) {
                    compiledMetrics = compiled.trainEpoch(epoch, step -> {});
                    sessionMetrics = session.trainEpoch(epoch, step -> {});
                }
                String what = evidence + " + " + hypernetwork;
                assertThat(largestDifference(
                                compiled.graph().sameDiff(), untrained.graph().sameDiff()))
                        .as("%s: training moved the weights", what)
                        .isGreaterThan(1e-2);
                assertThat(largestDifference(
                                compiled.graph().sameDiff(), session.graph().sameDiff()))
                        .as(what)
                        .isLessThan(1e-5);
                assertThat(compiledMetrics.testAccuracy()).as(what).isEqualTo(sessionMetrics.testAccuracy());
                assertThat(compiled.graph().sameDiff().getTrainingConfig().getIterationCount())
                        .isEqualTo(
                                session.graph().sameDiff().getTrainingConfig().getIterationCount())
                        .isEqualTo(2 * 8);
                assertThat(compiled.graph().sameDiff().getTrainingConfig().getEpochCount())
                        .isEqualTo(
                                session.graph().sameDiff().getTrainingConfig().getEpochCount());
            }
        }
    }

    @Test
    void theGradientsOfLargeSumsAndProductsTakeTheShortcutsAndStillTrainAsSameDiffsFitDoes() {
        // A first layer of 100 x 50 = 5000 weights per model: above SmallArithmetic's 4096, so its
        // sample's add_bp is an alias and its multiply_bp one multiply.
        ModelSpec wide = ModelSpec.parse("100-50-4");
        Dataset data = TinyData.clusters(100, 4, 256, 64, 7);
        for (String hypernetwork : List.of("constant", "linear")) {
            Trainer compiled = trainer(wide, "variational", hypernetwork, data, Trainer.Executor.COMPILED);
            Trainer session = trainer(wide, "variational", hypernetwork, data, Trainer.Executor.SESSION);
            OpTimes times = new OpTimes();
            assertThat(compiled.recordOpTimes(times)).isTrue();
            times.start();
            for (int epoch = 1; epoch <= 2; epoch++) {
                compiled.trainEpoch(epoch, step -> {});
                session.trainEpoch(epoch, step -> {});
            }
            times.stop();
            java.util.Set<String> ops = new java.util.HashSet<>();
            times.rows().forEach(row -> ops.add(row.op()));
            assertThat(ops).as(hypernetwork).contains("multiply_bp (one gradient, as multiply)");
            assertThat(largestDifference(
                            compiled.graph().sameDiff(), session.graph().sameDiff()))
                    .as(hypernetwork)
                    .isLessThan(1e-5);
        }
    }

    @Test
    void aHypernetworksFirstLayerGradientSharedWithTheProductHelperTrainsAsOnOneThread() {
        // 784 x 32 x (3 samples x 80) = 6 M multiply-adds: split with the minimum lowered.
        ModelSpec mnistLike = ModelSpec.parse("784-80-4");
        Dataset data = TinyData.clusters(784, 4, 256, 64, 8);
        Trainer split = trainer(mnistLike, "variational", "linear", data, Trainer.Executor.COMPILED);
        Trainer single = trainer(mnistLike, "variational", "linear", data, Trainer.Executor.COMPILED);
        split.splitProductsWith(new ProductHelper(1_000_000));
        OpTimes times = new OpTimes();
        assertThat(split.recordOpTimes(times)).isTrue();
        split.trainEpoch(1, step -> {});
        single.trainEpoch(1, step -> {});
        times.start();
        split.trainEpoch(2, step -> {});
        single.trainEpoch(2, step -> {});
        times.stop();
        java.util.Map<String, OpTimes.Row> rows = byOp(times);
        assertThat(rows.get("matmul_bp (weight gradient only, 2 threads)").calls())
                .isEqualTo(split.stepsPerEpoch());
        assertThat(rows).doesNotContainKey("matmul_bp (weight gradient only)");
        assertThat(split.sharesProducts()).isTrue();
        assertThat(single.sharesProducts()).isFalse();
        assertThat(largestDifference(split.graph().sameDiff(), single.graph().sameDiff()))
                .isLessThan(1e-5);
    }

    @Test
    void aMostlyBackgroundInputsFirstLayerRunsOverItsNonZerosAndStillTrainsAsSameDiffsFitDoes() {
        // 3 samples x 48 = 144 output columns, at least SparseInput's 128; ~15 % of the inputs not -1.
        ModelSpec model = ModelSpec.parse("196-48-4");
        Dataset data = TinyData.sparseClusters(196, 4, 256, 64, 9);
        for (String hypernetwork : List.of("linear", "piecewise")) {
            Trainer compiled = trainer(model, "variational", hypernetwork, data, Trainer.Executor.COMPILED);
            Trainer session = trainer(model, "variational", hypernetwork, data, Trainer.Executor.SESSION);
            OpTimes times = new OpTimes();
            assertThat(compiled.recordOpTimes(times)).isTrue();
            compiled.trainEpoch(1, step -> {});
            session.trainEpoch(1, step -> {});
            times.start();
            EpochMetrics compiledMetrics = compiled.trainEpoch(2, step -> {});
            EpochMetrics sessionMetrics = session.trainEpoch(2, step -> {});
            times.stop();
            java.util.Map<String, OpTimes.Row> rows = byOp(times);
            assertThat(rows.get("matmul (sparse input, java)").calls())
                    .as(hypernetwork)
                    .isEqualTo(compiled.stepsPerEpoch());
            assertThat(rows.get("matmul_bp (weight gradient only, sparse input, java)")
                            .calls())
                    .isEqualTo(compiled.stepsPerEpoch());
            Trainer untrained = trainer(model, "variational", hypernetwork, data, Trainer.Executor.SESSION);
            assertThat(largestDifference(
                            compiled.graph().sameDiff(), untrained.graph().sameDiff()))
                    .as("%s: training moved the weights", hypernetwork)
                    .isGreaterThan(1e-2);
            // The products sum in another order than BLAS; Adam's step (lr 5e-3, divided by sqrt(v)) carries those
            // ~1e-7 relative differences into the weights: measured 1.7e-5 after 16 steps, where a wrong product
            // would move a weight by ~lr per step.
            assertThat(largestDifference(
                            compiled.graph().sameDiff(), session.graph().sameDiff()))
                    .as(hypernetwork)
                    .isLessThan(1e-4);
            assertThat(compiledMetrics.testAccuracy()).as(hypernetwork).isEqualTo(sessionMetrics.testAccuracy());
        }
    }

    @Test
    void aSparseFirstLayerAndAdamSharedWithTheHelperTrainExactlyAsOnOneThread() {
        // Every block of the shared work computes the same elements in the same order as one thread does.
        ModelSpec model = ModelSpec.parse("196-48-4");
        Dataset data = TinyData.sparseClusters(196, 4, 256, 64, 9);
        Trainer shared = trainer(model, "variational", "piecewise", data, Trainer.Executor.COMPILED);
        Trainer single = trainer(model, "variational", "piecewise", data, Trainer.Executor.COMPILED);
        shared.splitProductsWith(new ProductHelper(1, 1));
        OpTimes times = new OpTimes();
        assertThat(shared.recordOpTimes(times)).isTrue();
        times.start();
        shared.trainEpoch(1, step -> {});
        times.stop();
        single.trainEpoch(1, step -> {});
        java.util.Map<String, OpTimes.Row> rows = byOp(times);
        assertThat(rows)
                .containsKeys(
                        "matmul (sparse input, 2 threads, java)",
                        "matmul_bp (weight gradient only, sparse input, 2 threads, java)",
                        "update: clip, Adam, apply (2 threads, java)");
        assertThat(rows.get("update: clip, Adam, apply (2 threads, java)").calls())
                .isEqualTo(shared.stepsPerEpoch());
        Trainer untrained = trainer(model, "variational", "piecewise", data, Trainer.Executor.COMPILED);
        assertThat(largestDifference(
                        shared.graph().sameDiff(), untrained.graph().sameDiff()))
                .isGreaterThan(1e-2);
        assertThat(largestDifference(shared.graph().sameDiff(), single.graph().sameDiff()))
                .isZero();
    }

    @Test
    void productsBelowTheHelpersMinimumStayOnTheTrainingThread() {
        // 6 M multiply-adds, below the 20 M the shared helper splits from.
        Trainer trainer = trainer(
                ModelSpec.parse("784-80-4"),
                "variational",
                "linear",
                TinyData.clusters(784, 4, 256, 64, 8),
                Trainer.Executor.COMPILED);
        trainer.splitProductsWith(new ProductHelper(SplitProduct.MIN_MULTIPLY_ADDS));
        trainer.trainEpoch(1, step -> {});
        assertThat(trainer.sharesProducts()).isFalse();
    }

    @Test
    void aSavedAndReloadedGraphContinuesWithItsAdamState(@TempDir Path directory) throws Exception {
        Dataset data = TinyData.clusters(20, 4, 256, 64, 5);
        Trainer straight = trainer("variational", "linear", data, Trainer.Executor.COMPILED);
        Trainer first = trainer("variational", "linear", data, Trainer.Executor.COMPILED);
        straight.trainEpoch(1, step -> {});
        straight.trainEpoch(2, step -> {});
        first.trainEpoch(1, step -> {});
        java.io.File file = directory.resolve("graph.fb").toFile();
        first.graph().sameDiff().save(file, true);
        SameDiff loaded = SameDiff.load(file, true);
        ModelGraph restored = ModelGraph.restore(
                loaded, MODEL, TinyData.evidence("variational"), ComponentOptions.none("variational"), 3);
        Trainer resumed = new Trainer(
                restored,
                data,
                new TrainingSettings(2, 32, 5e-3, 1.0, 11, LAMBDAS, 3, LambdaRange.REFERENCE),
                true,
                Trainer.Executor.COMPILED);
        assertThat(resumed.executor()).isEqualTo(Trainer.Executor.COMPILED);
        resumed.trainEpoch(2, step -> {});
        assertThat(largestDifference(
                        straight.graph().sameDiff(), resumed.graph().sameDiff()))
                .isLessThan(1e-6);
    }

    @Test
    void anOpRepeatingAnEarlierOneIsComputedOnceAndRandomOpsEveryTime() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", org.nd4j.linalg.api.buffer.DataType.FLOAT, 3);
        SDVariable once = sd.math().exp(x).mul(2);
        SDVariable again = sd.math().exp(x).add(1);
        SDVariable noisyA = sd.random().uniform(0, 1, org.nd4j.linalg.api.buffer.DataType.FLOAT, 3);
        SDVariable noisyB = sd.random().uniform(0, 1, org.nd4j.linalg.api.buffer.DataType.FLOAT, 3);
        once.add(again).rename("sum");
        noisyA.sub(noisyB).rename("difference");
        CompiledOutputs outputs =
                CompiledOutputs.compile(sd, "sum", "difference").orElseThrow();
        INDArray input = org.nd4j.linalg.factory.Nd4j.createFromArray(0f, 1f, -1f);
        var result = outputs.run(java.util.Map.of("x", input));
        INDArray exp = org.nd4j.linalg.ops.transforms.Transforms.exp(input, true);
        assertThat(result.get("sum").equalsWithEps(exp.mul(3).add(1), 1e-6)).isTrue();
        assertThat(outputs.repeats())
                .as("the second exp(x) is the first one's output")
                .isEqualTo(1);
        assertThat(result.get("difference").amaxNumber().doubleValue())
                .as("two random draws stay two")
                .isGreaterThan(0);
    }

    @Test
    void reshapesOfContiguousArraysAreViewsThatFollowEachStepsValues() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3);
        sd.expandDims(x.reshape(3, 2), 0).mul(2).rename("doubled");
        CompiledOutputs outputs = CompiledOutputs.compile(sd, "doubled").orElseThrow();
        for (float start : new float[] {1, 10}) {
            INDArray input = org.nd4j.linalg.factory.Nd4j.linspace(
                            start, start + 5, 6, org.nd4j.linalg.api.buffer.DataType.FLOAT)
                    .reshape(2, 3);
            INDArray doubled = outputs.run(java.util.Map.of("x", input)).get("doubled");
            assertThat(doubled).isEqualTo(input.reshape(1, 3, 2).mul(2));
        }
        assertThat(outputs.views()).as("the reshape and the expand_dims").isEqualTo(2);
    }

    @Test
    void deadArraysAreReusedForLaterOutputsAndEveryStepStillComputesItsOwnValues() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 300);
        SDVariable a = sd.math().exp(x.mul(0.5)); // x*0.5 dies here
        SDVariable b = a.add(1).mul(a); // a+1 dies here, a too
        SDVariable c = sd.math().log(b).sub(x); // log(b) dies here
        c.mul(c).sum().rename("total");
        c.rename("c");
        CompiledOutputs outputs = CompiledOutputs.compile(sd, "c", "total").orElseThrow();
        for (float scale : new float[] {1, -2}) {
            INDArray input = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 300)
                    .muli(scale);
            var result = outputs.run(java.util.Map.of("x", input));
            INDArray ea = org.nd4j.linalg.ops.transforms.Transforms.exp(input.mul(0.5), true);
            INDArray expected = org.nd4j.linalg.ops.transforms.Transforms.log(
                            ea.add(1).mul(ea), true)
                    .sub(input);
            assertThat(result.get("c").equalsWithEps(expected, 1e-5)).isTrue();
            assertThat(result.get("total").getDouble(0))
                    .isCloseTo(
                            expected.mul(expected).sumNumber().doubleValue(),
                            org.assertj.core.data.Offset.offset(1e-2));
        }
        assertThat(outputs.reused())
                .as("outputs placed in arrays of ops whose values were consumed")
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void plansOfOlderShapesAreReleasedAndBuiltAgainWhenAskedFor() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", org.nd4j.linalg.api.buffer.DataType.FLOAT, -1, 3);
        sd.math().exp(x).mul(2).sum(1).rename("out");
        CompiledOutputs outputs = CompiledOutputs.compile(sd, "out").orElseThrow();
        // More batch sizes than plans kept, twice round: every call still computes its own values.
        for (int round = 0; round < 2; round++) {
            for (int rows = 1; rows <= CompiledOutputs.MAX_PLANS + 2; rows++) {
                INDArray input = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, rows, 3);
                INDArray expected = org.nd4j.linalg.ops.transforms.Transforms.exp(input, true)
                        .mul(2)
                        .sum(1);
                assertThat(outputs.run(java.util.Map.of("x", input)).get("out").equalsWithEps(expected, 1e-5))
                        .as("%d rows, round %d", rows, round)
                        .isTrue();
                assertThat(outputs.plans()).isLessThanOrEqualTo(CompiledOutputs.MAX_PLANS);
            }
        }
    }

    @Test
    void shapesAreComputedOnceWhenThePlanIsBuilt() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 6);
        SDVariable y = sd.placeHolder("y", org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 2);
        sd.reshape(x, sd.shape(y)).mul(y).rename("product");
        CompiledOutputs outputs = CompiledOutputs.compile(sd, "product").orElseThrow();
        for (float start : new float[] {1, 10}) {
            INDArray x1 = org.nd4j.linalg.factory.Nd4j.linspace(
                            start, start + 5, 6, org.nd4j.linalg.api.buffer.DataType.FLOAT)
                    .reshape(1, 6);
            INDArray y1 = org.nd4j.linalg.factory.Nd4j.linspace(
                            -start, 5 - start, 6, org.nd4j.linalg.api.buffer.DataType.FLOAT)
                    .reshape(3, 2);
            assertThat(outputs.run(java.util.Map.of("x", x1, "y", y1)).get("product"))
                    .isEqualTo(x1.dup().reshape(3, 2).mul(y1));
        }
        assertThat(outputs.folded())
                .as("shape_of(y), right for the second step's values too")
                .isEqualTo(1);
    }

    @Test
    void opTimesListEveryExecutedOpWhileRecording() {
        Dataset data = TinyData.clusters(20, 4, 256, 64, 6);
        Trainer trainer = trainer("variational", "linear", data, Trainer.Executor.COMPILED);
        OpTimes times = new OpTimes();
        assertThat(trainer.recordOpTimes(times)).isTrue();
        trainer.trainEpoch(1, step -> {});
        assertThat(times.rows()).as("not recording yet").isEmpty();
        times.start();
        trainer.trainEpoch(2, step -> {});
        times.stop();
        trainer.trainEpoch(3, step -> {});
        java.util.Map<String, OpTimes.Row> rows = byOp(times);
        int steps = trainer.stepsPerEpoch();
        assertThat(rows.get("update: clip, Adam, apply (java)").calls()).isEqualTo(steps);
        assertThat(rows.get("placeholders (copy in)").calls()).isEqualTo(steps);
        // The first layer's by BLAS, every hypernetwork product's in Java (their left side is computed from t).
        assertThat(rows.get("matmul_bp (weight gradient only)").calls()).isEqualTo(steps);
        assertThat(rows.get("matmul_bp (weight gradient only, java)").calls()).isEqualTo(8L * steps);
        assertThat(rows.get("thresholdedrelu_bp (java)").calls()).isEqualTo(steps);
        assertThat(rows).containsKeys("matmul", "exp (java)", "reduce_sqnorm_bp (java)");
        assertThat(rows.get("log of exp + c (java)").calls())
                .as("the KL's log(sigma) from log-sigma and exp(log-sigma)")
                .isEqualTo(4L * steps);
        assertThat(rows).doesNotContainKey("log (java)");
        assertThat(rows.get("exp (java)").calls())
                .as("exp's gradient reuses the forward exp")
                .isEqualTo(4L * steps);
        assertThat(times.rows().get(0).seconds())
                .isGreaterThanOrEqualTo(
                        times.rows().get(times.rows().size() - 1).seconds());
        assertThat(times.csv()).startsWith("op,calls,total_ms,us_per_call,share\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> trainer.recordOpTimes(new OpTimes()))
                .isInstanceOf(IllegalStateException.class);
    }
}
