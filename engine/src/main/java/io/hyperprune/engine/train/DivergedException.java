package io.hyperprune.engine.train;

/** The loss became NaN or infinite: the run stops with status {@code diverged}. */
public final class DivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int step;

    DivergedException(int epoch, int step, double loss) {
        super("loss became " + loss + " at epoch " + epoch + ", step " + step
                + "; try a smaller --learning-rate or --clip, or a smaller lambda");
        this.epoch = epoch;
        this.step = step;
    }

    public int epoch() {
        return epoch;
    }

    public int step() {
        return step;
    }
}
