package io.gridscout.protocols.opcua;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.OperationKind;
import io.netty.buffer.Unpooled;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.ServerTable;
import org.eclipse.milo.opcua.stack.core.channel.EncodingLimits;
import org.eclipse.milo.opcua.stack.core.encoding.DefaultEncodingContext;
import org.eclipse.milo.opcua.stack.core.encoding.EncodingContext;
import org.eclipse.milo.opcua.stack.core.encoding.EncodingManager;
import org.eclipse.milo.opcua.stack.core.encoding.binary.OpcUaBinaryDecoder;
import org.eclipse.milo.opcua.stack.core.types.DataTypeManager;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.ActivateSessionRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.ApplicationDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.BuildInfo;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CreateSessionRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CreateSessionResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.FindServersResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.GetEndpointsResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.OpenSecureChannelRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.OpenSecureChannelResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.ServerStatusDataType;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;

/**
 * Bodies of the few services that identify devices, decoded with Eclipse Milo's generated structures.
 * Only called for those services (the caller peeks the type NodeId first); Milo's exceptions on hostile
 * bytes are contained here and become a malformed count.
 */
final class UaBodies {
    static final String SRC_ENDPOINTS = "opcua.endpoints";
    static final String SRC_SESSION = "opcua.session";
    static final String SRC_BUILDINFO = "opcua.buildinfo";

    // Read targets (Part 5 / Part 6 NodeIds.csv): Server_ServerStatus and its BuildInfo children
    static final int SERVER_STATUS = 2256, BUILD_INFO = 2260, PRODUCT_NAME = 2261, PRODUCT_URI = 2262,
            MANUFACTURER = 2263, SOFTWARE_VERSION = 2264, BUILD_NUMBER = 2265, BUILD_DATE = 2266;
    static final int ATTRIBUTE_VALUE = 13;

    // DefaultBinary encoding ids of the UserIdentityToken subtypes
    static final int ANONYMOUS_TOKEN = 321, USERNAME_TOKEN = 324, X509_TOKEN = 327, ISSUED_TOKEN = 940;

    private final UaFacts facts;
    /** Filled by OpenSecureChannelResponse (plain channels only). */
    long channelId = -1, tokenId = -1;

    UaBodies(UaFacts facts) {
        this.facts = facts;
    }

    static boolean isBuildInfoNode(int id) {
        return id == SERVER_STATUS || (id >= BUILD_INFO && id <= BUILD_DATE);
    }

    private Object milo(int side, byte[] b, int off, int len) {
        try {
            OpcUaBinaryDecoder d = UaVariantCheck.decoder(bodyContext(len));
            d.setBuffer(Unpooled.wrappedBuffer(b, off, len));
            return d.decodeMessage(null);
        } catch (RuntimeException e) {
            // UaSerializationException, IndexOutOfBounds from Netty, ... on hostile bytes
            facts.session().malformed(side, "undecodable service body");
            return null;
        } catch (OutOfMemoryError e) {
            // Milo 1.1.2 allocates a Variant's ArrayDimensions at the length the wire claims, with no encoding limit
            // (found by fuzzing: a CallRequest argument claiming ~2^31 dimensions). UaVariantCheck now refuses such
            // claims first; this stays as the last line of defence. A refused allocation took no memory.
            facts.session().malformed(side, "service body claims an impossibly large array");
            return null;
        }
    }

    /**
     * Milo's default context, but no string, byte string or array may claim more than the body's bytes. Every element
     * takes at least one byte, so a longer claim cannot be true. Milo checks lengths against the context's max
     * message size before it allocates, and its default (2 MiB) let a 100-byte hostile body make Milo allocate
     * arrays of ~2 M elements. (ArrayDimensions are not checked by Milo at all; see {@link #milo}.)
     */
    static EncodingContext bodyContext(int bodyLength) {
        EncodingLimits limits = new EncodingLimits(EncodingLimits.DEFAULT_MAX_CHUNK_SIZE, EncodingLimits.DEFAULT_MAX_CHUNK_COUNT,
                Math.max(256, bodyLength), EncodingLimits.DEFAULT_MAX_RECURSION_DEPTH);
        EncodingContext d = DefaultEncodingContext.INSTANCE;
        return new EncodingContext() {
            @Override public DataTypeManager getDataTypeManager() { return d.getDataTypeManager(); }
            @Override public EncodingManager getEncodingManager() { return d.getEncodingManager(); }
            @Override public EncodingLimits getEncodingLimits() { return limits; }
            @Override public NamespaceTable getNamespaceTable() { return d.getNamespaceTable(); }
            @Override public ServerTable getServerTable() { return d.getServerTable(); }
        };
    }

    /** OPN body under policy None. Returns the requested security mode name or null. */
    String openSecureChannel(int side, int clientSide, byte[] b, int off, int len, long t) {
        Object m = milo(side, b, off, len);
        if (m instanceof OpenSecureChannelRequest r && r.getSecurityMode() != null) {
            String mode = r.getSecurityMode().name();
            facts.session().detail("requestedSecurityMode", mode);
            facts.serverDetail(1 - clientSide, "securityModes", mode, t);
            return mode;
        }
        if (m instanceof OpenSecureChannelResponse r && r.getSecurityToken() != null) {
            channelId = value(r.getSecurityToken().getChannelId());
            tokenId = value(r.getSecurityToken().getTokenId());
        }
        return null;
    }

    private static long value(UInteger u) {
        return u == null ? -1 : u.longValue();
    }

    void getEndpoints(int side, byte[] b, int off, int len, long t) {
        if (milo(side, b, off, len) instanceof GetEndpointsResponse r && r.getEndpoints() != null) {
            for (EndpointDescription e : r.getEndpoints()) endpoint(side, e, t);
        }
    }

    void findServers(int side, byte[] b, int off, int len, long t) {
        if (milo(side, b, off, len) instanceof FindServersResponse r && r.getServers() != null) {
            for (ApplicationDescription a : r.getServers()) {
                application(side, a, SRC_ENDPOINTS, Confidence.STATED, t);
                if (a != null && a.getDiscoveryUrls() != null) {
                    for (String u : a.getDiscoveryUrls()) facts.serverDetail(side, "discoveryUrls", u, t);
                }
            }
        }
    }

    void createSessionRequest(int side, byte[] b, int off, int len, long t) {
        if (milo(side, b, off, len) instanceof CreateSessionRequest r) {
            application(side, r.getClientDescription(), SRC_SESSION, Confidence.STATED, t);
            facts.identity(1 - side, "endpointUrl", r.getEndpointUrl(), SRC_SESSION, Confidence.REPORTED, t);
            certificate(side, r.getClientCertificate(), t);
        }
    }

    void createSessionResponse(int side, byte[] b, int off, int len, long t) {
        if (milo(side, b, off, len) instanceof CreateSessionResponse r) {
            certificate(side, r.getServerCertificate(), t);
            ByteString nonce = r.getServerNonce();
            facts.session().detail("serverNonce", nonce == null || nonce.length() <= 0 ? "absent" : "present");
            if (r.getServerEndpoints() != null) {
                for (EndpointDescription e : r.getServerEndpoints()) endpoint(side, e, t);
            }
        }
    }

    /** Only the identity token's type is looked at; its body (passwords, tokens) is never read or kept. */
    void activateSession(int side, byte[] b, int off, int len, long t) {
        if (milo(side, b, off, len) instanceof ActivateSessionRequest r) {
            ExtensionObject token = r.getUserIdentityToken();
            String type = "anonymous"; // a null token means anonymous (Part 4 5.6.3)
            if (token != null && !token.isNull()) {
                NodeId id = token.getEncodingOrTypeId();
                type = switch (id != null && id.getIdentifier() instanceof UInteger u ? u.intValue() : -1) {
                    case ANONYMOUS_TOKEN -> "anonymous";
                    case USERNAME_TOKEN -> "username";
                    case X509_TOKEN -> "certificate";
                    case ISSUED_TOKEN -> "issued";
                    default -> "other";
                };
            }
            facts.serverDetail(1 - side, "userTokenTypesUsed", type, t);
        }
    }

    /** Returns the operation kind of a Call: PROGRAM if it invokes a file or program method, else CONTROL. */
    OperationKind call(int side, byte[] b, int off, int len) {
        if (milo(side, b, off, len) instanceof CallRequest r && r.getMethodsToCall() != null) {
            for (CallMethodRequest m : r.getMethodsToCall()) {
                NodeId id = m == null ? null : m.getMethodId();
                if (id != null && id.getNamespaceIndex().intValue() == 0 && id.getIdentifier() instanceof UInteger u
                        && UaService.isProgramMethod(u.longValue())) return OperationKind.PROGRAM;
            }
        }
        return OperationKind.CONTROL;
    }

    /** ReadResponse whose request read BuildInfo nodes; nodes[i] is the namespace-0 id read at index i. */
    void readResponse(int side, int[] nodes, byte[] b, int off, int len, long t) {
        if (!(milo(side, b, off, len) instanceof ReadResponse r) || r.getResults() == null) return;
        DataValue[] results = r.getResults();
        for (int i = 0; i < results.length && i < nodes.length; i++) {
            DataValue dv = results[i];
            if (dv == null || dv.getStatusCode() == null || !dv.getStatusCode().isGood()) continue;
            Variant v = dv.getValue();
            Object o = v == null ? null : v.getValue();
            switch (nodes[i]) {
                case SERVER_STATUS -> {
                    if (struct(o) instanceof ServerStatusDataType s) buildInfo(side, s.getBuildInfo(), t);
                }
                case BUILD_INFO -> {
                    if (struct(o) instanceof BuildInfo bi) buildInfo(side, bi, t);
                }
                case PRODUCT_NAME -> build(side, "model", o, t);
                case PRODUCT_URI -> build(side, "productUri", o, t);
                case MANUFACTURER -> build(side, "vendor", o, t);
                case SOFTWARE_VERSION -> build(side, "firmware", o, t);
                case BUILD_NUMBER -> build(side, "buildNumber", o, t);
                case BUILD_DATE -> build(side, "buildDate", o, t);
                default -> { }
            }
        }
    }

    private static Object struct(Object o) {
        if (o instanceof ExtensionObject x) {
            try {
                int n = x.getBody() instanceof ByteString bs ? bs.length() : 0;
                return x.decode(bodyContext(n));   // Milo's own decoder: lengths bounded by the structure's bytes
            } catch (RuntimeException | OutOfMemoryError e) {
                return null; // unknown or corrupt structure: nothing to learn
            }
        }
        return o;
    }

    private void buildInfo(int side, BuildInfo bi, long t) {
        if (bi == null) return;
        build(side, "vendor", bi.getManufacturerName(), t);
        build(side, "model", bi.getProductName(), t);
        build(side, "firmware", bi.getSoftwareVersion(), t);
        build(side, "buildNumber", bi.getBuildNumber(), t);
        build(side, "productUri", bi.getProductUri(), t);
        build(side, "buildDate", bi.getBuildDate(), t);
    }

    private void build(int side, String name, Object o, long t) {
        String s = null;
        if (o instanceof String str) s = str;
        else if (o instanceof LocalizedText lt) s = lt.getText();
        else if (o instanceof DateTime dt && dt.isValid() && !dt.isNull()) s = dt.getJavaInstant().toString();
        facts.identity(side, name, s, SRC_BUILDINFO, Confidence.STATED, t);
    }

    private void endpoint(int side, EndpointDescription e, long t) {
        if (e == null) return;
        application(side, e.getServer(), SRC_ENDPOINTS, Confidence.STATED, t);
        facts.identity(side, "endpointUrl", e.getEndpointUrl(), SRC_ENDPOINTS, Confidence.STATED, t);
        MessageSecurityMode mode = e.getSecurityMode();
        String policy = e.getSecurityPolicyUri();
        if (mode != null && policy != null) facts.serverDetail(side, "offeredEndpoints", mode.name() + " " + shortPolicy(policy), t);
        if (e.getUserIdentityTokens() != null) {
            for (UserTokenPolicy p : e.getUserIdentityTokens()) {
                if (p != null && p.getTokenType() != null) facts.serverDetail(side, "userTokenTypes", tokenType(p.getTokenType()), t);
            }
        }
        certificate(side, e.getServerCertificate(), t);
    }

    static String tokenType(UserTokenType t) {
        return switch (t) {
            case Anonymous -> "anonymous";
            case UserName -> "username";
            case Certificate -> "certificate";
            case IssuedToken -> "issued";
        };
    }

    /** "http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256" -> "Basic256Sha256". */
    static String shortPolicy(String uri) {
        int h = uri.lastIndexOf('#');
        return h >= 0 && h < uri.length() - 1 ? uri.substring(h + 1) : uri;
    }

    private void application(int side, ApplicationDescription a, String source, double conf, long t) {
        if (a == null) return;
        facts.identity(side, "applicationUri", a.getApplicationUri(), source, conf, t);
        facts.identity(side, "productUri", a.getProductUri(), source, conf, t);
        LocalizedText name = a.getApplicationName();
        if (name != null) facts.identity(side, "name", name.getText(), source, conf, t);
        if (a.getApplicationType() != null) facts.identity(side, "applicationType", a.getApplicationType().name(), source, conf, t);
    }

    private void certificate(int side, ByteString cert, long t) {
        if (cert == null || cert.isNull() || cert.length() <= 0) return;
        byte[] der = cert.bytesOrEmpty();
        facts.certificate(side, der, 0, der.length, t);
    }
}
