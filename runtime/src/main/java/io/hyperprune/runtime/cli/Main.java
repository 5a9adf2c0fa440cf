package io.hyperprune.runtime.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import io.hyperprune.api.InputException;
import io.hyperprune.runtime.wiring.ComponentModule;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;

/**
 * Entry point of the {@code hyperprune} command. Exit codes: 0 success, 1 internal error (or a run
 * that did not complete), 2 bad input or usage.
 */
public final class Main {

    static final int OK = 0;
    static final int INTERNAL_ERROR = 1;
    static final int BAD_INPUT = 2;

    private Main() {}

    public static void main(String[] args) {
        PrintStream stdout = System.out;
        // SameDiff prints progress lines with System.out: keep them off the machine-readable stdout,
        // and drop its per-op graph-building chatter.
        System.setOut(new PrintStream(new QuietLines(System.err), true));
        System.exit(run(args, stdout, System.err, System.console() != null));
    }

    /** Runs one command line; the streams are the command's stdout and stderr. */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean interactive) {
        boolean verbose = List.of(args).contains("--verbose");
        try {
            ComponentRegistry registry = ComponentRegistry.load(pluginsDirectory(args));
            Console console = new Console(out, err, interactive);
            Injector injector = Guice.createInjector(new ComponentModule(registry), new AbstractModule() {
                @Override
                protected void configure() {
                    bind(Console.class).toInstance(console);
                }
            });
            CommandLine commandLine = new CommandLine(HyperpruneCommand.class, new GuiceFactory(injector));
            commandLine.setOut(new java.io.PrintWriter(out, true));
            commandLine.setErr(new java.io.PrintWriter(err, true));
            commandLine.setExecutionStrategy(parseResult -> {
                try {
                    checkDuplicates(parseResult, registry);
                } catch (InputException e) {
                    err.println("error: " + e.getMessage());
                    return BAD_INPUT;
                }
                return new CommandLine.RunLast().execute(parseResult);
            });
            commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> handle(e, err, verbose));
            return commandLine.execute(args);
        } catch (InputException e) {
            err.println("error: " + e.getMessage());
            return BAD_INPUT;
        } catch (RuntimeException e) {
            return handle(e, err, verbose);
        }
    }

    private static int handle(Exception e, PrintStream err, boolean verbose) {
        Throwable cause = e;
        while (!(cause instanceof InputException) && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause instanceof InputException) {
            err.println("error: " + cause.getMessage());
            return BAD_INPUT;
        }
        err.println("internal error: " + e + (verbose ? "" : " (run with --verbose for the stack trace)"));
        if (verbose) {
            e.printStackTrace(err);
        }
        return INTERNAL_ERROR;
    }

    /** A duplicated component id is a configuration error for every command but {@code plugins}, which shows it. */
    private static void checkDuplicates(CommandLine.ParseResult parseResult, ComponentRegistry registry) {
        List<String> duplicates = registry.duplicates();
        if (duplicates.isEmpty() || parseResult.isUsageHelpRequested() || parseResult.isVersionHelpRequested()) {
            return;
        }
        CommandLine.ParseResult sub = parseResult.subcommand();
        if (sub == null || sub.commandSpec().name().equals("plugins") || sub.isUsageHelpRequested()) {
            return;
        }
        throw new InputException(String.join("\n", duplicates));
    }

    /** --plugins-dir, else $HYPERPRUNE_PLUGINS, else the installation's plugins directory. */
    static Optional<Path> pluginsDirectory(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--plugins-dir") && i + 1 < args.length) {
                return Optional.of(Path.of(args[i + 1]));
            }
            if (args[i].startsWith("--plugins-dir=")) {
                return Optional.of(Path.of(args[i].substring("--plugins-dir=".length())));
            }
        }
        String env = System.getenv("HYPERPRUNE_PLUGINS");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env));
        }
        String home = System.getProperty("hyperprune.home");
        return home == null ? Optional.empty() : Optional.of(Path.of(home, "plugins"));
    }
}
