package io.gridscout.protocols.s7comm;

import io.gridscout.protocols.cotp.IsoOnTcpDecoder;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Frames;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/** S7comm PDUs built from the protocol layout (header 0x32, ROSCTR, lengths, parameter, data) inside TPKT/COTP DT. */
class S7CommDecoderTest {
    /** Job header with parameter length {@code plen} and no data. */
    private static String job(String param) {
        int plen = param.length() / 2;
        return "3201" + "0000" + "0100" + String.format("%04x", plen) + "0000" + param;
    }

    private static void feed(IsoOnTcpDecoder d, int side, String s7) {
        byte[] b = Frames.tpktDt(s7);
        d.onData(side, b, 0, b.length, 1);
    }

    @Test
    void programmingAndControlJobs() {
        RecordingSession s = RecordingSession.tcp("iso-tsap", 102);
        IsoOnTcpDecoder d = new IsoOnTcpDecoder(s);
        // PI service _DELE (delete block): 0x28, 7 octets, param block length 0, name length 5, "_DELE"
        feed(d, 0, job("28" + "0000000000fd" + "00" + "0000" + "05" + "5f44454c45"));
        feed(d, 0, job("28" + "0000000000fd" + "00" + "0000" + "09" + "505f50524f4752414d")); // P_PROGRAM: start
        feed(d, 0, job("1a" + "00010000000000"));   // request download
        feed(d, 0, job("1d" + "00000000000000"));   // start upload
        feed(d, 0, job("05" + "01"));               // write var (item count 1, items omitted)
        // ack_data for the last job from the PLC (side 1)
        feed(d, 1, "3203" + "0000" + "0100" + "0002" + "0000" + "0000" + "0501");
        assertThat(s.operations).containsOnlyKeys("40 PI_DELETE_BLOCK program", "40 PLC_START control",
                "26 REQUEST_DOWNLOAD program", "29 START_UPLOAD program", "5 WRITE_VAR write");
        assertThat(s.factsOf(Fact.Service.class)).extracting(f -> f.protocol() + " " + f.role() + " " + f.endpoint().port())
                .containsExactlyInAnyOrder("s7comm client 40000", "s7comm server 102");
        assertThat(s.malformed).isEmpty();
    }

    @Test
    void ackDataErrorAndTruncatedPdus() {
        RecordingSession s = RecordingSession.tcp("iso-tsap", 102);
        IsoOnTcpDecoder d = new IsoOnTcpDecoder(s);
        feed(d, 1, "3203" + "0000" + "0100" + "0002" + "0000" + "8500" + "0501"); // error class 0x85
        assertThat(s.details).containsEntry("error=supplies", 1L);
        assertThat(s.serverSide()).isEqualTo(1);
        feed(d, 0, "3201" + "0000" + "0100" + "0010" + "0000" + "04"); // parameter length beyond the PDU
        assertThat(s.malformed).containsExactly("s7comm truncated PDU");
    }

    @Test
    void szlTextStopsAtNulAndRejectsControlCharacters() {
        byte[] b = "AB  \0junk".getBytes();
        assertThat(S7CommDecoder.text(b, 0, b.length)).isEqualTo("AB");
        assertThat(S7CommDecoder.text(new byte[] {0, 0}, 0, 2)).isNull();
        assertThat(S7CommDecoder.text(new byte[] {'A', 7}, 0, 2)).isNull();
    }
}
