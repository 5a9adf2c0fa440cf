package io.hyperprune.runtime.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Figures of this process and machine that {@code hyperprune bench} records next to its timings. */
final class ProcessFigures {

    private ProcessFigures() {}

    /** VmHWM of this process: the peak resident set size. */
    static double peakRssMb() {
        return rssMb("VmHWM:");
    }

    /**
     * Sets this process's peak resident set size (VmHWM) to its current size, so that the next {@link
     * #peakRssMb} is the peak since now; false where the kernel does not allow it (then the peak is the
     * whole process's). Why: a bench process runs its workloads one after another, and a small workload
     * measured after a big one would report the big one's peak.
     */
    static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** A resident-set figure of /proc/self/status in MiB (VmRSS: now, VmHWM: peak); NaN elsewhere than Linux. */
    static double rssMb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (Exception e) {
            // not Linux: unknown
        }
        return Double.NaN;
    }

    /** The 1-minute load average, or null where there is none: other busy processes distort every timing. */
    static Double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (Exception e) {
            return null;
        }
    }

    /** Best of 5 float32 1024x1024 GEMMs through ND4J's BLAS: the machine's practical peak for this process's threads. */
    static double peakGflops() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        INDArray b = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        a.mmul(b);
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            a.mmul(b);
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        return 2.0 * 1024 * 1024 * 1024 / best / 1e9;
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (Exception e) {
            return "unknown";
        }
    }
}
