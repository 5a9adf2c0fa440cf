package io.hyperprune.runtime.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import io.hyperprune.api.InputException;
import io.hyperprune.engine.graph.ComponentFault;
import io.hyperprune.engine.kernels.NativeBuild;
import io.hyperprune.runtime.boundary.Boundary;
import io.hyperprune.runtime.run.FileWriteException;
import io.hyperprune.runtime.run.IoFailures;
import io.hyperprune.runtime.wiring.ComponentModule;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;

/**
 * Entry point of the {@code hyperprune} command. Exit codes: 0 success, 1 internal error (or a run
 * that did not complete), 2 bad input or usage, or an environment that cannot do what was asked: a
 * file system that refuses a write (no space, no permission, a file in the way) and running out of
 * memory (the heap or off-heap limit the launcher sets; the message says how to raise it). These are
 * fixed by the user, not by a change to hyperprune, so they are not internal errors.
 */
public final class Main {

    static final int OK = 0;
    static final int INTERNAL_ERROR = 1;
    static final int BAD_INPUT = 2;

    /** The launcher's defaults (bin/hyperprune), named in the advice when memory runs out. */
    static final String LAUNCHER_HEAP = "-Xmx1g";

    static final String LAUNCHER_OFF_HEAP = "12g";
    static final String LAUNCHER_PHYSICAL = "16g";

    private Main() {}

    public static void main(String[] args) {
        PrintStream stdout = System.out;
        // SameDiff prints progress lines with System.out: keep them off the machine-readable stdout,
        // and drop its per-op graph-building chatter.
        System.setOut(new PrintStream(new QuietLines(System.err), true));
        try {
            // Before anything loads ND4J: JavaCPP reads the choice once.
            NativeBuild.chooseForThisProcess();
        } catch (InputException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(BAD_INPUT);
        }
        System.exit(run(args, stdout, System.err, System.console() != null));
    }

    /** Runs one command line; the streams are the command's stdout and stderr. */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean interactive) {
        boolean verbose = List.of(args).contains("--verbose");
        String command = commandName(args);
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
                try {
                    return new CommandLine.RunLast().execute(parseResult);
                } catch (Error e) { // picocli hands only Exceptions to the handler below
                    return handle(e, err, verbose, command);
                }
            });
            commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> handle(e, err, verbose, command));
            return commandLine.execute(args);
        } catch (InputException e) {
            err.println("error: " + e.getMessage());
            return BAD_INPUT;
        } catch (RuntimeException | Error e) {
            return handle(e, err, verbose, command);
        }
    }

    /**
     * One message and exit code for every failure: the user's input (an {@link InputException} anywhere in
     * the cause chain), memory, a file system failure (the path and the OS's reason), else an internal error.
     */
    static int handle(Throwable e, PrintStream err, boolean verbose, String command) {
        Throwable input = firstInChain(e, InputException.class);
        if (input instanceof ComponentFault fault) {
            input = Boundary.fault(fault); // the engine knows the component, the registry its jar
        }
        if (input != null) {
            err.println("error: " + input.getMessage());
            return BAD_INPUT;
        }
        OutOfMemoryError memory = (OutOfMemoryError) firstInChain(e, OutOfMemoryError.class);
        if (memory != null) {
            err.println("error: " + outOfMemory(memory, command));
            return BAD_INPUT;
        }
        Throwable write = firstInChain(e, FileWriteException.class);
        if (write != null) {
            err.println("error: " + write.getMessage());
            return BAD_INPUT;
        }
        java.util.Optional<java.io.IOException> io = IoFailures.find(e);
        if (io.isPresent()) {
            err.println("error: " + IoFailures.describe(io.get()) + " (while running '" + command + "')"
                    + (verbose ? "" : "; --verbose shows where"));
            if (verbose) {
                e.printStackTrace(err);
            }
            return BAD_INPUT;
        }
        java.util.Optional<String> natives = nativeLibraryFailure(e);
        if (natives.isPresent()) {
            err.println("error: " + natives.get());
            return BAD_INPUT;
        }
        err.println("internal error: " + e + (verbose ? "" : " (run with --verbose for the stack trace)"));
        if (verbose) {
            e.printStackTrace(err);
        }
        return INTERNAL_ERROR;
    }

    /** What ran out (heap, off-heap, physical memory), its limit, and the launcher setting that raises it. */
    static String outOfMemory(OutOfMemoryError error, String command) {
        String messages = "";
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            messages += " " + t.getMessage();
        }
        String running = " while running '" + command + "'; give more with HYPERPRUNE_OPTS=";
        if (messages.contains("maxPhysicalBytes") || messages.contains("Physical memory usage")) {
            return "out of physical memory (the process's limit "
                    + System.getProperty("org.bytedeco.javacpp.maxphysicalbytes", "2x the off-heap limit")
                    + ", org.bytedeco.javacpp.maxphysicalbytes)" + running
                    + "-Dorg.bytedeco.javacpp.maxphysicalbytes=24g"
                    + " if the machine has it (the launcher's default is " + LAUNCHER_PHYSICAL
                    + "), or train a smaller model or batch";
        }
        if (messages.contains("maxBytes")
                || messages.contains("totalBytes")
                || messages.contains("Cannot allocate")
                || messages.contains("Direct buffer memory")) {
            return "out of off-heap memory (limit " + System.getProperty("org.bytedeco.javacpp.maxbytes", "the heap's")
                    + ", org.bytedeco.javacpp.maxbytes)" + running
                    + "-Dorg.bytedeco.javacpp.maxbytes=24g (the launcher's default is "
                    + LAUNCHER_OFF_HEAP + "), or train a smaller model or batch";
        }
        return "out of Java heap memory (limit " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB)" + running
                + "-Xmx4g (the launcher's default is " + LAUNCHER_HEAP + ")";
    }

    /**
     * ND4J that cannot load its native library: an environment problem (a CUDA build without the NVIDIA
     * driver, a native build the CPU lacks), not a bug of hyperprune; ND4J reports it as a failed class
     * initialisation, its cause a link error.
     */
    static java.util.Optional<String> nativeLibraryFailure(Throwable e) {
        Throwable link = firstInChain(e, UnsatisfiedLinkError.class);
        boolean nd4jInit = false;
        for (Throwable t = e; t != null && !nd4jInit; t = t.getCause() == t ? null : t.getCause()) {
            nd4jInit = (t instanceof ExceptionInInitializerError || t instanceof NoClassDefFoundError)
                    && java.util.Arrays.stream(t.getStackTrace())
                            .limit(3)
                            .anyMatch(frame -> frame.getClassName().startsWith("org.nd4j.")
                                    || frame.getClassName().startsWith("org.bytedeco."));
            nd4jInit |= t instanceof NoClassDefFoundError
                    && String.valueOf(t.getMessage()).replace('/', '.').contains("org.nd4j.");
        }
        if (link == null && !nd4jInit) {
            return java.util.Optional.empty();
        }
        String reason = link != null ? String.valueOf(link.getMessage()) : String.valueOf(e);
        return java.util.Optional.of("ND4J's native library could not be loaded (" + reason + "). A CUDA build"
                + " (mvn -Pcuda) needs the NVIDIA driver (libcuda.so.1) and CUDA 11.6 on this machine; without a GPU,"
                + " use the CPU build. On the CPU build, HYPERPRUNE_NATIVE_BUILD=generic selects the build for any x86-64"
                + " CPU; 'hyperprune doctor' shows which build runs");
    }

    private static Throwable firstInChain(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    /** The subcommand of a command line, for messages: its first word that is not an option or an option's value. */
    static String commandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--plugins-dir")) {
                i++;
            } else if (!args[i].startsWith("-")) {
                return args[i];
            }
        }
        return "hyperprune";
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
