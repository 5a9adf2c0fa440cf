package io.hyperprune.runtime.experiment;

import static java.util.Objects.requireNonNull;

import io.hyperprune.runtime.run.Json;
import io.hyperprune.runtime.run.RunSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One cell of an experiment grid: a run spec, its restart index, and its directory name, which is a
 * stable hash of the spec (the same spec always maps to the same directory, on any machine, so a grid
 * can be resumed, sharded and merged).
 */
public record GridRun(String name, RunSpec spec, int restart) {

    public GridRun {
        requireNonNull(name, "name is null");
        requireNonNull(spec, "spec is null");
    }

    static GridRun of(RunSpec spec, int restart) {
        String model = spec.plain() ? spec.evidence() : spec.evidence() + "+" + spec.hypernetwork();
        String lambda = spec.plain() && spec.lambdas().size() == 1
                ? "-lambda" + spec.lambdas().get(0)
                : "";
        return new GridRun(model + lambda + "-r" + restart + "-" + hash(Json.write(spec)), spec, restart);
    }

    /** "variational" for a plain model, "variational+piecewise" for a hypernetwork. */
    public String model() {
        return spec.plain() ? spec.evidence() : spec.evidence() + "+" + spec.hypernetwork();
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
