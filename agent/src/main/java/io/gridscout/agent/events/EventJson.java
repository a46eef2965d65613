package io.gridscout.agent.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gridscout.agent.output.Times;
import io.gridscout.mapping.events.ChangeEvent;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** One event as one line of JSON; the same field names as {@code /api/v1/events}. */
public final class EventJson {
    private static final JsonFactory JSON = new JsonFactory();

    private EventJson() {}

    public static String line(ChangeEvent e) {
        StringWriter w = new StringWriter(160);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("time", Times.iso(e.time()));
            g.writeStringField("type", e.type());
            g.writeStringField("asset", e.assetId());
            g.writeStringField("subject", e.subject());
            g.writeStringField("old", e.oldValue());
            g.writeStringField("new", e.newValue());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);   // a StringWriter does not fail
        }
        return w.toString();
    }
}
