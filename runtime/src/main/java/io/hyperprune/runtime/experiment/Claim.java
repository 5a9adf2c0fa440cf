package io.hyperprune.runtime.experiment;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.InputException;
import io.hyperprune.runtime.run.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Exclusive ownership of a run (or an experiment directory) by one process, on one machine or on
 * several sharing a file system: a claim file created exclusively (a hard link to a complete temp
 * file, so a reader never sees a half-written claim; the classic lock that also holds on NFS) naming
 * its owner's host, pid, process start and a random token.
 *
 * <p>A claim is stale, and taken over, when its owner is gone: on the same host, when that pid no
 * longer runs (or is another process now); on another host, when the owner stopped renewing it: a
 * live owner touches its claims every {@link #HEARTBEAT}, and a claim untouched for
 * {@link #STALE_AFTER} (measured by the shared file system's clock) is stale. A stale claim is deleted
 * under a short takeover lock, and only if it is still the one judged stale, so two processes never both win.
 * Whether another host's claim is live shows only over time: {@link #sighting} and {@link #renewedSince} let
 * a process watch it until it is renewed (live) or stale.
 */
public final class Claim implements AutoCloseable {

    /** {@code -Dhyperprune.claim-stale-seconds}: how long another host's claim may go unrenewed. */
    static final String STALE_PROPERTY = "hyperprune.claim-stale-seconds";

    static final Duration STALE_AFTER = staleAfter(System.getProperty(STALE_PROPERTY));
    /** Eight renewals per {@link #STALE_AFTER}: 15 s by default, so a few missed ones (a slow disk) are harmless. */
    static final Duration HEARTBEAT = STALE_AFTER.dividedBy(8);

    /** How often a process watching another host's claim looks at it again. */
    static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);

    static final Duration TAKEOVER_TIMEOUT = Duration.ofSeconds(10);

    private static final Set<Claim> HELD = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService HEARTBEATS = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "claim-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    static {
        HEARTBEATS.scheduleAtFixedRate(
                () -> HELD.forEach(Claim::renew), HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        // A process ended by a signal (SIGTERM, SIGINT) gives its claims back; after kill -9 they turn stale.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> HELD.forEach(Claim::close), "claim-release"));
    }

    /** Who holds a claim. */
    public record Owner(String host, long pid, String processStart, String token, String since) {

        static Owner current() {
            ProcessHandle self = ProcessHandle.current();
            return new Owner(
                    Hosts.name(),
                    self.pid(),
                    self.info().startInstant().map(Instant::toString).orElse(""),
                    UUID.randomUUID().toString(),
                    Instant.now().toString());
        }

        /** True if this owner runs on this machine: its life can be checked by its pid. */
        boolean onThisHost() {
            return host.equals(Hosts.name());
        }

        /** True if this owner is certainly no longer running (same host only; another host's owner is judged by heartbeat). */
        boolean deadOnThisHost() {
            if (!onThisHost()) {
                return false;
            }
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            if (process.isEmpty() || !process.get().isAlive()) {
                return true;
            }
            String start =
                    process.get().info().startInstant().map(Instant::toString).orElse("");
            return !processStart.isEmpty() && !start.isEmpty() && !start.equals(processStart); // pid reused
        }

        @Override
        public String toString() {
            return "process " + pid + " on " + host + " (since " + since + ")";
        }
    }

    private final Path file;
    private final Owner owner;

    private Claim(Path file, Owner owner) {
        this.file = file;
        this.owner = owner;
    }

    /**
     * Claims {@code file} for this process: empty if a live process holds it. A stale claim is taken over.
     */
    public static Optional<Claim> tryAcquire(Path file) {
        requireNonNull(file, "file is null");
        Owner owner = Owner.current();
        for (int attempt = 0; attempt < 3; attempt++) {
            if (create(file, owner)) {
                Claim claim = new Claim(file, owner);
                HELD.add(claim);
                return Optional.of(claim);
            }
            Optional<Owner> holder = holder(file);
            if (holder.isPresent() && !isStale(file, holder.get())) {
                return Optional.empty();
            }
            if (holder.isEmpty() && !olderThanStale(file)) {
                return Optional
                        .empty(); // unreadable but fresh: a claim being written on a file system without hard links
            }
            removeStale(file, holder);
        }
        return Optional.empty();
    }

    /** The owner named in a claim file, if it exists and reads as a claim. */
    public static Optional<Owner> holder(Path file) {
        try {
            return Optional.of(Json.MAPPER.readValue(Files.readString(file), Owner.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The live owner of a claim, if any (a stale claim has none). */
    public static Optional<Owner> liveHolder(Path file) {
        return holder(file).filter(owner -> !isStale(file, owner));
    }

    /**
     * A look at a claim whose holder's life cannot be checked from here: another host's, or one not readable
     * (yet).
     *
     * @param owner the holder's token, or empty if the file could not be read as a claim
     * @param touched when the claim was last renewed, or empty if there was no file
     */
    record Sighting(Optional<String> owner, Optional<FileTime> touched) {}

    /**
     * What {@code file} holds now, unless it is the claim of a process on this host (alive or dead: that is
     * known at once, from its pid).
     */
    static Optional<Sighting> sighting(Path file) {
        Optional<Owner> holder = holder(file);
        if (holder.isPresent() && holder.get().onThisHost()) {
            return Optional.empty();
        }
        return Optional.of(new Sighting(holder.map(Owner::token), touched(file)));
    }

    /**
     * True if the claim in {@code file} was renewed since {@code earlier}, or is another claim now: its
     * holder lives. False while it stays as it was (it turns stale after {@link #STALE_AFTER}) or is gone.
     */
    static boolean renewedSince(Path file, Sighting earlier) {
        Optional<Owner> holder = holder(file);
        Optional<FileTime> touched = touched(file);
        if (touched.isEmpty()) {
            return false;
        }
        if (holder.isPresent() && !holder.map(Owner::token).equals(earlier.owner())) {
            return true;
        }
        return earlier.touched().map(then -> touched.get().compareTo(then) > 0).orElse(false);
    }

    private static Optional<FileTime> touched(Path file) {
        try {
            return Optional.of(Files.getLastModifiedTime(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** True while this process's claim file is still in place (not taken over after a long pause). */
    public boolean held() {
        return holder(file)
                .map(current -> current.token().equals(owner.token()))
                .orElse(false);
    }

    public Owner owner() {
        return owner;
    }

    /** Gives the claim back (only if it is still this process's). */
    @Override
    public void close() {
        HELD.remove(this);
        if (held()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a claim left behind turns stale; nothing is lost
            }
        }
    }

    private void renew() {
        try {
            if (held()) {
                Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
            }
        } catch (IOException | RuntimeException e) {
            // the next renewal tries again; a claim that cannot be renewed turns stale for other hosts only
        }
    }

    private static boolean create(Path file, Owner owner) {
        Path directory = file.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(directory);
            temp = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
            Files.writeString(temp, Json.write(owner));
            try {
                Files.createLink(file, temp);
            } catch (UnsupportedOperationException e) {
                Files.copy(temp, file); // no hard links: copy fails if the claim exists (a brief unreadable window, see
                // tryAcquire)
            }
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // hidden and named after its claim
                }
            }
        }
    }

    private static boolean isStale(Path file, Owner owner) {
        return owner.deadOnThisHost() || !owner.host().equals(Hosts.name()) && olderThanStale(file);
    }

    private static boolean olderThanStale(Path file) {
        return olderThan(file, STALE_AFTER);
    }

    /** Untouched for {@code age}, by the file system's own clock (a fresh temp file's time), not this host's. */
    private static boolean olderThan(Path file, Duration age) {
        Path probe = null;
        try {
            FileTime touched = Files.getLastModifiedTime(file);
            probe = Files.createTempFile(file.toAbsolutePath().getParent(), ".clock", ".tmp");
            FileTime now = Files.getLastModifiedTime(probe);
            return Duration.between(touched.toInstant(), now.toInstant()).compareTo(age) > 0;
        } catch (IOException e) {
            return false;
        } finally {
            if (probe != null) {
                try {
                    Files.deleteIfExists(probe);
                } catch (IOException ignored) {
                    // hidden
                }
            }
        }
    }

    /**
     * Deletes a stale claim, if it is still the one judged stale, under a short-lived takeover lock: of
     * several processes judging one claim stale, one deletes it and the others then find a live claim.
     */
    private static void removeStale(Path file, Optional<Owner> judged) {
        Path lock = file.resolveSibling("." + file.getFileName() + ".takeover");
        try {
            Files.createFile(lock);
        } catch (FileAlreadyExistsException e) {
            if (olderThan(lock, TAKEOVER_TIMEOUT)) { // its holder died within these few lines
                try {
                    Files.deleteIfExists(lock);
                } catch (IOException ignored) {
                    // the next attempt tries again
                }
            }
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take over the stale claim " + file + ": " + e.getMessage(), e);
        }
        try {
            Optional<Owner> now = holder(file);
            boolean same = judged.isPresent()
                    ? now.map(o -> o.token().equals(judged.get().token())).orElse(false)
                    : now.isEmpty() && Files.exists(file);
            if (same) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take over the stale claim " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(lock);
            } catch (IOException ignored) {
                // turns stale after TAKEOVER_TIMEOUT
            }
        }
    }

    @Override
    public String toString() {
        return file + " held by " + owner;
    }

    /** {@link #STALE_AFTER} from its system property: 2 minutes unless set. */
    static Duration staleAfter(String seconds) {
        if (seconds == null) {
            return Duration.ofMinutes(2);
        }
        try {
            long value = Long.parseLong(seconds.trim());
            if (value >= 8) {
                return Duration.ofSeconds(value);
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new InputException("system property " + STALE_PROPERTY + "='" + seconds + "' is not a whole number of"
                + " seconds of at least 8; it is how long another host's claim on a run may go unrenewed before it is"
                + " taken over (default 120): fix or remove it (HYPERPRUNE_OPTS, JAVA_OPTS)");
    }

    /** This machine's name as the claims record it. */
    static final class Hosts {
        private static final String NAME = lookup();

        private Hosts() {}

        static String name() {
            return NAME;
        }

        private static String lookup() {
            try {
                String name =
                        Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
                if (!name.isEmpty()) {
                    return name;
                }
            } catch (IOException | RuntimeException e) {
                // not Linux
            }
            String env = System.getenv("HOSTNAME");
            if (env != null && !env.isBlank()) {
                return env;
            }
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "unknown-host";
            }
        }
    }
}
