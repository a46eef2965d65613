package io.gridscout.agent.events;

import io.gridscout.mapping.events.ChangeEvent;

import java.io.IOException;
import java.util.List;

/** Where change events go besides the store (a JSON lines file, syslog). Called from the checkpoint thread. */
public interface EventSink extends AutoCloseable {
    void send(List<ChangeEvent> events) throws IOException;

    @Override
    void close();
}
