package io.hyperprune.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class ElementwiseFusionTest {

    private static final long[] SHAPE = {3, 40, 50};

    /**
     * Every op kind a pass computes, forward and backward: exp, log, the four pairwise and scalar
     * operations, per-model sums and squared norms and their gradients, on 6000-element tensors.
     */
    private static SameDiff graph(INDArray a, INDArray b) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("a", a.dup());
        SDVariable y = sd.var("b", b.dup());
        SDVariable eps = sd.placeHolder("eps", DataType.FLOAT, SHAPE);
        SDVariable sigma = sd.math().exp(x).add(1e-5);
        SDVariable w = y.add(sigma.mul(eps)).sub(x.mul(0.5)).div(y.add(2.0)).sub(0.25).div(3.0);
        SDVariable kl = sd.math().log(sigma.add(y)).sum(1, 2).add(sd.squaredNorm(w, 1, 2)).sub(sd.squaredNorm(y.sub(x), 1, 2).mul(0.1));
        SDVariable loss = kl.sum().rename("loss");
        sd.setLossVariables(loss);
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(1e-2)).dataSetFeatureMapping("eps").markLabelsUnused().build());
        return sd;
    }

    private static CompiledTrainingStep compile(SameDiff sd, boolean fusion) {
        return withFusion(fusion, () -> CompiledTrainingStep.compile(sd).orElseThrow());
    }

    /**
     * Runs {@code compile} (which reads the settings) with fusion on, from 4097 elements (this test's
     * tensors are smaller than the production threshold), or off.
     */
    static <T> T withFusion(boolean fusion, java.util.function.Supplier<T> compile) {
        String previous = System.getProperty("hyperprune.fusion");
        String previousLength = System.getProperty("hyperprune.fusion.min-length");
        System.setProperty("hyperprune.fusion", fusion ? "on" : "off");
        System.setProperty("hyperprune.fusion.min-length", "4097");
        try {
            return compile.get();
        } finally {
            restore("hyperprune.fusion", previous);
            restore("hyperprune.fusion.min-length", previousLength);
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    @Test
    void fusedPassesTrainAsTheOpsOneByOneDo() {
        Nd4j.getRandom().setSeed(5);
        INDArray a = Nd4j.rand(DataType.FLOAT, SHAPE).subi(0.5);
        INDArray b = Nd4j.rand(DataType.FLOAT, SHAPE).addi(0.5);
        SameDiff fusedGraph = graph(a, b);
        SameDiff plainGraph = graph(a, b);
        CompiledTrainingStep fused = compile(fusedGraph, true);
        CompiledTrainingStep plain = compile(plainGraph, false);
        OpTimes fusedTimes = new OpTimes();
        OpTimes plainTimes = new OpTimes();
        fused.recordTimes(fusedTimes);
        plain.recordTimes(plainTimes);
        fusedTimes.start();
        plainTimes.start();
        for (int step = 0; step < 4; step++) {
            INDArray eps = Nd4j.randn(DataType.FLOAT, SHAPE);
            fused.run(Map.of("eps", eps));
            plain.run(Map.of("eps", eps));
        }
        for (String name : new String[] {"a", "b"}) {
            INDArray expected = plainGraph.getVariable(name).getArr();
            INDArray actual = fusedGraph.getVariable(name).getArr();
            assertThat(actual.sub(expected).amaxNumber().doubleValue()).as(name).isLessThan(1e-5);
            assertThat(actual.sub(a).amaxNumber().doubleValue()).as("%s moved", name).isGreaterThan(1e-3);
        }
        Set<String> fusedOps = new HashSet<>();
        fusedTimes.rows().forEach(row -> fusedOps.add(row.op()));
        Set<String> plainOps = new HashSet<>();
        plainTimes.rows().forEach(row -> plainOps.add(row.op()));
        assertThat(plainOps).noneMatch(op -> op.startsWith("fused: "));
        assertThat(fusedOps).anyMatch(op -> op.startsWith("fused: ") && op.contains("exp") && op.contains("add_scalar"))
                .anyMatch(op -> op.startsWith("fused: ") && op.contains("reduce_sqnorm_bp"))
                .anyMatch(op -> op.startsWith("fused: ") && op.contains("reduce_sum_bp"));
        // Step 1 runs op by op and shows the shapes; step 2 builds the fused plan (a plan's first
        // execution is not timed), steps 3 and 4 run it.
        fusedTimes.rows().stream().filter(row -> row.op().startsWith("fused: "))
                .forEach(row -> assertThat(row.calls()).as(row.op()).isEqualTo(2));
    }
}
