package io.hyperprune.runtime.cli;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import io.hyperprune.runtime.experiment.ExperimentDirectory;
import io.hyperprune.runtime.report.ReportWriter;
import io.hyperprune.runtime.run.OutputDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hyperprune report}: figures and tables of one experiment, or of several shards merged. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description =
                "Write report.html, report.md and figures from experiment directories (several directories = shards, merged).")
final class ReportCommand implements Callable<Integer> {

    private final Console console;

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Experiment directories.")
    List<Path> directories;

    @Option(names = "--out", description = "Where to write the report (default: the first directory).")
    Path out;

    @Inject
    ReportCommand(Console console) {
        this.console = requireNonNull(console, "console is null");
    }

    @Override
    public Integer call() {
        Path target = out != null ? out : directories.get(0);
        OutputDirectory.check(target, "--out");
        writeReport(directories, target, console);
        return 0;
    }

    static void writeReport(List<Path> directories, Path out, Console console) {
        // Every directory of one experiment records the same grid; directories of different experiments add theirs.
        List<String> gridRuns = directories.stream()
                .flatMap(directory -> ExperimentDirectory.gridRunNames(directory).stream())
                .distinct()
                .toList();
        ReportWriter.Result result = ReportWriter.write(directories, out, gridRuns);
        console.out().print(result.markdownText());
        if (!result.missingRuns().isEmpty()) {
            console.err()
                    .println("warning: " + result.missingRuns().size() + " of " + gridRuns.size()
                            + " runs of the grid have no results in " + directories + ": "
                            + ReportWriter.runNames(result.missingRuns())
                            + " (never ran, still running, or failed); the report shows the others");
        }
        console.err().println("report: " + result.html().toAbsolutePath());
    }
}
