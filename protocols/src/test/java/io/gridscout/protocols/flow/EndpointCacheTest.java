package io.gridscout.protocols.flow;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.IpAddr;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class EndpointCacheTest {
    @Test
    void theSameSideOfTheNextFlowGetsTheSameObjects() {
        EndpointCache c = new EndpointCache();
        IpAddr server = IpAddr.parse("10.1.2.3");
        Endpoint a = c.endpoint(0x0002_0304_0506L, server.hi(), server.lo(), 53);
        Endpoint b = c.endpoint(0x0002_0304_0506L, server.hi(), server.lo(), 53);
        assertSame(a, b);
        Endpoint client1 = c.endpoint(0x0002_0304_0507L, 0, IpAddr.parse("10.1.2.4").lo(), 40001);
        Endpoint client2 = c.endpoint(0x0002_0304_0507L, 0, IpAddr.parse("10.1.2.4").lo(), 40002);
        assertSame(client1.ip(), client2.ip(), "a client's next ephemeral port shares its address");
        assertEquals(40002, client2.port());
    }

    /** Whatever collides in the cache, every endpoint handed out has exactly the values asked for. */
    @Test
    void valuesAreAlwaysTheOnesAskedForUnderCollisions() {
        EndpointCache c = new EndpointCache();
        Random r = new Random(27019);
        for (int i = 0; i < 200_000; i++) {
            long mac = r.nextInt(64);                       // few values of each part: many partial matches
            long hi = r.nextInt(4) == 0 ? r.nextInt(3) : 0;
            long lo = 0x0000_FFFF_0A00_0000L | r.nextInt(300);
            int port = r.nextInt(4) == 0 ? r.nextInt(65536) : 502;
            Endpoint e = c.endpoint(mac, hi, lo, port);
            assertEquals(new Endpoint(mac, new IpAddr(hi, lo), port), e);
        }
    }
}
