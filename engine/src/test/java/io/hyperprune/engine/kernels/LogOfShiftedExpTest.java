package io.hyperprune.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class LogOfShiftedExpTest {

    private static final float C = 1e-5f;

    /** log(fl(fl(exp(x)) + c)) as the two ops compute it, from the same e. */
    private static INDArray reference(INDArray e) {
        return Transforms.log(e.add(C), true);
    }

    @Test
    void equalsTheLogOfTheShiftedExpToFloatRoundingAndFallsBackWhereTheSeriesWouldNotHold() {
        SplittableRandom random = new SplittableRandom(9);
        // 10000 elements: two full chunks and a partial one. log-sigma around -3 as trained, and chunks
        // reaching below ln(128 c) = -6.66, where e + c must be computed as the ops do.
        float[] typical = new float[10000];
        float[] wide = new float[10000];
        for (int i = 0; i < typical.length; i++) {
            typical[i] = (float) random.nextDouble(-6.5, 3);
            wide[i] = (float) random.nextDouble(-20, 20);
        }
        for (float[] values : new float[][] {typical, wide}) {
            INDArray x = Nd4j.createFromArray(values).reshape(2, 5000);
            INDArray e = Transforms.exp(x, true);
            INDArray out = Nd4j.create(DataType.FLOAT, 2, 5000);
            new LogOfShiftedExp(x, e, C, out).run();
            INDArray expected = reference(e);
            for (int i = 0; i < values.length; i++) {
                double exact = Math.log(Math.exp(values[i]) + C);
                assertThat((double) out.getFloat(i))
                        .as("x = %s", values[i])
                        .isCloseTo(exact, within(3e-7 * Math.max(1, Math.abs(exact))))
                        .isCloseTo(expected.getDouble(i), within(3e-7 * Math.max(1, Math.abs(exact))));
            }
        }
    }

    @Test
    void specialValuesComeOutAsTheOpsWould() {
        INDArray x = Nd4j.createFromArray(new float[] {-3f, 100f, Float.NaN, -200f});
        INDArray e = Transforms.exp(x, true);
        INDArray out = Nd4j.create(DataType.FLOAT, 4);
        new LogOfShiftedExp(x, e, C, out).run();
        INDArray expected = reference(e);
        assertThat(out.getFloat(1))
                .as("exp overflows: log(inf)")
                .isEqualTo(expected.getFloat(1))
                .isInfinite();
        assertThat(out.getFloat(2)).isNaN();
        assertThat(out.getFloat(3)).as("exp underflows: log(c)").isEqualTo(expected.getFloat(3));
        assertThat(out.getFloat(0)).isCloseTo(expected.getFloat(0), within(3e-7f));
    }
}
