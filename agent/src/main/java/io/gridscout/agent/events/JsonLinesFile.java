package io.gridscout.agent.events;

import io.gridscout.mapping.events.ChangeEvent;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends events as JSON lines. The file is reopened for every batch, so logrotate may move or truncate it
 * at any time (no copytruncate race, no signal needed).
 */
public final class JsonLinesFile implements EventSink {
    private final Path file;

    public JsonLinesFile(Path file) throws IOException {
        this.file = file;
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND).close();
    }

    @Override
    public void send(List<ChangeEvent> events) throws IOException {
        if (events.isEmpty()) return;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (ChangeEvent e : events) {
                w.write(EventJson.line(e));
                w.write('\n');
            }
        }
    }

    @Override
    public void close() {
        // nothing held open
    }
}
