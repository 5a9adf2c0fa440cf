package io.hyperprune.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ProcessFiguresTest {

    @Test
    void aResetPeakForgetsMemoryFreedBeforeIt() {
        assumeTrue(!Double.isNaN(ProcessFigures.peakRssMb()), "Linux only");
        // 400 MB touched, then freed: the process's peak keeps it, a peak since the reset does not.
        INDArray big = Nd4j.createUninitializedDetached(DataType.FLOAT, 100_000_000L);
        big.assign(1f);
        double withBig = ProcessFigures.rssMb("VmRSS:");
        big.close();
        assertThat(ProcessFigures.peakRssMb()).isGreaterThan(withBig - 50); // the kernel updates the peak lazily
        assertThat(ProcessFigures.resetPeakRss()).isTrue();
        assertThat(ProcessFigures.peakRssMb()).isLessThan(withBig - 300);
    }
}
