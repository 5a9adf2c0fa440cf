package io.hyperprune.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hyperprune.api.InputException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    private static final Path FULL = Path.of("/dev/full"); // Linux: every write fails with ENOSPC

    /** Fills the temp file as SameDiff does: a stream to the file, its IOException wrapped in a RuntimeException. */
    private static void sameDiffLikeSave(Path temp) {
        try (FileOutputStream out = new FileOutputStream(FULL.toFile())) {
            out.write(new byte[4096]);
        } catch (IOException e) {
            throw new IllegalStateException("Error saving SameDiff instance to file", e);
        }
    }

    @Test
    void aFullDiskIsNamedWithTheFileEvenWhenALibraryWrapsIt(@TempDir Path dir) {
        assumeTrue(Files.isWritable(FULL));
        Path target = dir.resolve("model.fb");
        assertThatThrownBy(() -> AtomicFiles.writeWith(target, AtomicFilesTest::sameDiffLikeSave))
                .isInstanceOf(FileWriteException.class)
                .hasMessage("cannot write " + target
                        + ": no space left on device; free some space, or choose another output location")
                .satisfies(e -> assertThat(DiskFull.isCause(e)).isTrue());
        assertThatThrownBy(() -> AtomicFiles.writeWith(target, temp -> Files.write(FULL, new byte[4096])))
                .isInstanceOf(FileWriteException.class)
                .hasMessageContaining("no space left on device");
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temp file left").isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aFileInTheWayIsNamed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("out"), "x");
        assertThatThrownBy(() -> AtomicFiles.writeString(file.resolve("run/config.json"), "{}"))
                .isInstanceOf(FileWriteException.class)
                .hasMessage(
                        "cannot write " + file.resolve("run/config.json") + ": " + file + " is a file, not a directory;"
                                + " remove the file in the way, or choose another output location")
                .satisfies(e -> assertThat(DiskFull.isCause(e)).isFalse());
    }

    @Test
    void otherFailuresOfTheWriterPassThrough(@TempDir Path dir) {
        assertThatThrownBy(() -> AtomicFiles.writeWith(dir.resolve("a"), temp -> {
                    throw new IllegalStateException("a bug");
                }))
                .isExactlyInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> AtomicFiles.writeWith(dir.resolve("a"), temp -> {
                    throw new InputException("bad input", new IOException("x"));
                }))
                .isExactlyInstanceOf(InputException.class);
    }

    @Test
    void outputDirectoriesAreProbedBeforeAnyWork(@TempDir Path dir) throws Exception {
        OutputDirectory.check(dir.resolve("new/run"), "--out");
        assertThat(dir.resolve("new")).doesNotExist();
        OutputDirectory.check(dir, "--out");
        try (var files = Files.list(dir)) {
            assertThat(files).as("the probe is deleted").isEmpty();
        }
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> OutputDirectory.check(file, "--out"))
                .isInstanceOf(InputException.class)
                .hasMessage("--out " + file
                        + " is a file, not a directory; remove the file in the way, or choose another --out");
        assertThatThrownBy(() -> OutputDirectory.check(file.resolve("run"), "--out"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("cannot be created: " + file + " is a file, not a directory");
        assertThatThrownBy(() -> OutputDirectory.checkFile(dir, "--out"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("is a directory; give a file name");
        OutputDirectory.checkFile(dir.resolve("model.fb"), "--out");
        if (Files.isDirectory(Path.of("/proc/self"))) {
            assertThatThrownBy(() -> OutputDirectory.check(Path.of("/proc/hyperprune-run"), "--out"))
                    .isInstanceOf(InputException.class)
                    .hasMessage(
                            "--out /proc/hyperprune-run is not writable (/proc is where it would be created): the file system"
                                    + " there takes no new files; choose another --out");
        }
    }

    @Test
    void aKilledWritersTempFilesAreDeletedAndNothingElse(@TempDir Path dir) throws Exception {
        Path leftover = Files.writeString(dir.resolve(".model.fb123456.tmp"), "half");
        Path model = Files.writeString(dir.resolve("model.fb"), "whole");
        Path hidden = Files.writeString(dir.resolve(".keep"), "x");
        Path plainTmp = Files.writeString(dir.resolve("notes.tmp"), "x");
        AtomicFiles.deleteLeftoverTempFiles(dir);
        org.assertj.core.api.Assertions.assertThat(leftover).doesNotExist();
        org.assertj.core.api.Assertions.assertThat(model).exists();
        org.assertj.core.api.Assertions.assertThat(hidden).exists();
        org.assertj.core.api.Assertions.assertThat(plainTmp).exists();
        AtomicFiles.deleteLeftoverTempFiles(dir.resolve("absent"));
    }
}
