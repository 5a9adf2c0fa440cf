package io.hyperprune.runtime.boundary;

import io.hyperprune.api.InputException;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Every call into plugin code goes through here: it records which plugin class each thread is running
 * (so a plugin that ends the process with {@code System.exit} is named on stderr by a shutdown hook)
 * and turns whatever the plugin throws into a {@link PluginFault} naming it.
 */
public final class PluginCalls {

    /** What a thread is doing inside a plugin, for the exit message. */
    record Activity(String className, String origin, String doing) {}

    /** Exit status when a plugin ends the process: its fault, as bad input is. */
    static final int PLUGIN_EXIT_STATUS = 2;

    private static final Map<Thread, Activity> IN_FLIGHT = new ConcurrentHashMap<>();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();

    private PluginCalls() {}

    /**
     * Runs {@code body} as {@code plugin}'s method {@code method}. An {@link InputException} with a
     * message passes unchanged (the SPIs ask plugins to report the user's mistakes that way); any other
     * exception or linkage error becomes a {@link PluginFault}.
     */
    public static <T> T call(PluginRef plugin, String method, Supplier<T> body) {
        Activity previous = enter(
                plugin.className(),
                plugin.origin(),
                "running " + method + " of " + plugin.kind() + " '" + plugin.id() + "'");
        try {
            return body.get();
        } catch (PluginFault e) {
            throw e;
        } catch (InputException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new PluginFault(plugin, method + " failed: " + describe(e), e);
            }
            throw e;
        } catch (Exception | LinkageError | StackOverflowError | AssertionError e) {
            throw new PluginFault(plugin, method + " failed: " + describe(e), e);
        } finally {
            leave(previous);
        }
    }

    /** Like {@link #call} for a method without a result. */
    public static void run(PluginRef plugin, String method, Runnable body) {
        call(plugin, method, () -> {
            body.run();
            return null;
        });
    }

    /**
     * Runs plugin code that reports its own faults (the loader creating an instance) with the current
     * thread marked as inside {@code className}, for the exit message; exceptions pass unchanged.
     */
    public static <T> T tracked(String className, String origin, String doing, Supplier<T> body) {
        Activity previous = enter(className, origin, doing);
        try {
            return body.get();
        } finally {
            leave(previous);
        }
    }

    private static Activity enter(String className, String origin, String doing) {
        watchExit();
        return IN_FLIGHT.put(Thread.currentThread(), new Activity(className, origin, doing));
    }

    private static void leave(Activity previous) {
        if (previous == null) {
            IN_FLIGHT.remove(Thread.currentThread());
        } else {
            IN_FLIGHT.put(Thread.currentThread(), previous);
        }
    }

    /** {@code ExceptionClass: message} (or "no message"), its root cause and where the plugin threw it. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.getClass().getSimpleName())
                .append(": ")
                .append(e.getMessage() == null || e.getMessage().isBlank() ? "no message" : e.getMessage());
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e) {
            text.append(" (caused by ")
                    .append(root.getClass().getSimpleName())
                    .append(": ")
                    .append(root.getMessage() == null ? "no message" : root.getMessage())
                    .append(')');
        }
        StackTraceElement[] trace = e.getStackTrace();
        if (trace.length > 0) {
            // Class, method, file and line only: StackTraceElement.toString adds the class loader's name.
            StackTraceElement top = trace[0];
            text.append(" at ")
                    .append(top.getClassName())
                    .append('.')
                    .append(top.getMethodName())
                    .append('(')
                    .append(top.getFileName() == null ? "unknown source" : top.getFileName())
                    .append(top.getLineNumber() > 0 ? ":" + top.getLineNumber() : "")
                    .append(')');
        }
        return text.toString();
    }

    /** Registers, once, the hook that names a plugin ending the process. */
    private static void watchExit() {
        if (HOOKED.get() || !HOOKED.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> reportExit(System.err), "hyperprune-plugin-exit"));
        } catch (IllegalStateException e) {
            // the process is already ending
        }
    }

    /**
     * At shutdown: if a thread inside a plugin is the one that called {@code System.exit} (its stack
     * holds {@code Runtime.exit}; Ctrl-C and the normal exit do not), say which plugin class did it and
     * end with status 2 instead of the plugin's.
     */
    static void reportExit(PrintStream err) {
        for (Map.Entry<Thread, Activity> entry : IN_FLIGHT.entrySet()) {
            if (calledExit(entry.getKey())) {
                err.println(exitMessage(entry.getValue()));
                err.flush();
                Runtime.getRuntime().halt(PLUGIN_EXIT_STATUS);
            }
        }
    }

    static String exitMessage(Activity activity) {
        String where = activity.origin().equals("classpath") ? "the class path" : activity.origin();
        return "error: plugin class " + activity.className() + " from " + where + " called System.exit while "
                + activity.doing() + "; a plugin must not end the process: remove it from the plugins directory"
                + " or fix it";
    }

    static boolean calledExit(Thread thread) {
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals("java.lang.Runtime")
                    && frame.getMethodName().equals("exit")) {
                return true;
            }
        }
        return false;
    }
}
