package io.gridscout.agent.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import io.gridscout.agent.console.ConsoleRoutes;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;

import javax.net.ssl.SSLException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Netty HTTP/1.1 server for {@link ApiRoutes}: one event loop, small request limits (no request has a body),
 * read timeout. Answers are computed from immutable snapshots, so the event loop never blocks on the pipeline.
 */
public final class ApiServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;

    public ApiServer(String host, int port, ApiRoutes routes) throws InterruptedException {
        this(host, port, routes, null);
    }

    /** With {@code tls} (from {@link #tls}) the API speaks HTTPS only. */
    public ApiServer(String host, int port, ApiRoutes routes, SslContext tls) throws InterruptedException {
        this(host, port, routes, tls, null);
    }

    /** With {@code console} the same server answers the web console at / (see {@link ConsoleRoutes#owns}). */
    public ApiServer(String host, int port, ApiRoutes routes, SslContext tls, ConsoleRoutes console) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        ch.pipeline().addLast(new ReadTimeoutHandler(30))
                                .addLast(new HttpServerCodec(4096, 8192, 8192))
                                .addLast(new HttpObjectAggregator(16 * 1024))
                                .addLast(new Handler(routes, console));
                    }
                });
        try {
            channel = b.bind(new io.gridscout.agent.daemon.AgentConfig.HostPort(host, port).socketAddress()).sync().channel();   // a literal is not resolved
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    /** TLS from PEM files: the certificate chain and its PKCS#8 private key ("BEGIN PRIVATE KEY"); TLS 1.2/1.3 only. */
    public static SslContext tls(Path certChain, Path key) throws SSLException {
        try {
            return SslContextBuilder.forServer(certChain.toFile(), key.toFile()).protocols("TLSv1.3", "TLSv1.2").build();
        } catch (IllegalArgumentException e) {
            throw new SSLException("cannot use " + certChain + " / " + key + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** Open server-sent event streams (console live updates); each costs a connection, so they are capped. */
    static final int MAX_STREAMS = 64;
    private static final AtomicInteger streams = new AtomicInteger();

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final ApiRoutes routes;
        private final ConsoleRoutes console;

        Handler(ApiRoutes routes, ConsoleRoutes console) {
            this.routes = routes;
            this.console = console;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String uri = req.uri();
            int q = uri.indexOf('?');
            String path = q < 0 ? uri : uri.substring(0, q);
            String authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION);
            String cookie = req.headers().get(HttpHeaderNames.COOKIE);
            boolean post = req.method().equals(HttpMethod.POST);
            int status;
            String type;
            byte[] body;
            Map<String, String> extra = Map.of();
            if (!req.decoderResult().isSuccess()) {
                ApiRoutes.Response r = ApiRoutes.error(400, "malformed request");
                status = r.status(); type = r.contentType(); body = r.body();
            } else if (req.content().readableBytes() > 0 && !(console != null && post && path.equals("/login"))) {
                ApiRoutes.Response r = ApiRoutes.error(413, "requests have no body");
                status = r.status(); type = r.contentType(); body = r.body();
            } else if (console != null && ConsoleRoutes.owns(path)) {
                byte[] content = new byte[req.content().readableBytes()];
                req.content().getBytes(req.content().readerIndex(), content);
                ConsoleRoutes.Reply r = console.handle(new ConsoleRoutes.Request(req.method().name(), uri, cookie, authorization,
                        "true".equals(req.headers().get("HX-Request")), content));
                if (r.stream()) {
                    stream(ctx, r);
                    return;
                }
                status = r.status(); type = r.contentType(); body = r.body(); extra = r.headers();
            } else {
                // the API takes the bearer header, or the console's cookie
                String auth = authorization != null ? authorization : bearer(ConsoleRoutes.cookieToken(cookie));
                ApiRoutes.Response r = routes != null ? routes.handle(req.method().name(), uri, auth)
                        : ApiRoutes.error(404, "this server has only the console (analyze --serve): /console/download/inventory.json has the inventory");
                status = r.status(); type = r.contentType(); body = r.body();
            }
            boolean head = req.method().equals(HttpMethod.HEAD);
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            securityHeaders(resp);
            resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            if (status == 405) resp.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            if (status == 401 && !(console != null && ConsoleRoutes.owns(path))) resp.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            extra.forEach((k, v) -> resp.headers().set(k, v));
            boolean keepAlive = HttpUtil.isKeepAlive(req) && status < 400;
            resp.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
            var f = ctx.writeAndFlush(resp);
            if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
        }

        private static String bearer(String token) {
            return token == null ? null : "Bearer " + token;
        }

        /** Every answer, API or console, carries the console's strict policy: nothing but our own files runs. */
        private static void securityHeaders(HttpResponse resp) {
            resp.headers().set("Content-Security-Policy", ConsoleRoutes.CSP);
            resp.headers().set("X-Content-Type-Options", "nosniff");
            resp.headers().set("X-Frame-Options", "DENY");
            resp.headers().set("Referrer-Policy", "no-referrer");
        }

        /** A server-sent event stream: one "data: SEQ" message per batch of change events, a comment every 15 s. */
        private void stream(ChannelHandlerContext ctx, ConsoleRoutes.Reply r) {
            Channel ch = ctx.channel();
            if (streams.incrementAndGet() > MAX_STREAMS) {
                streams.decrementAndGet();
                FullHttpResponse busy = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE, Unpooled.EMPTY_BUFFER);
                securityHeaders(busy);
                busy.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.writeAndFlush(busy).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (ch.pipeline().get(ReadTimeoutHandler.class) != null) ch.pipeline().remove(ReadTimeoutHandler.class);
            HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
            resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            securityHeaders(resp);
            ctx.write(resp);
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(r.body())));
            LongConsumer listener = seq -> {
                if (ch.isActive()) ch.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("data: " + seq + "\n\n", StandardCharsets.UTF_8)));
            };
            var ping = ch.eventLoop().scheduleAtFixedRate(() -> {
                if (ch.isActive()) ch.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(": ping\n\n", StandardCharsets.UTF_8)));
            }, 15, 15, TimeUnit.SECONDS);
            console.model().addListener(listener);
            ch.closeFuture().addListener(f -> {
                console.model().removeListener(listener);
                ping.cancel(false);
                streams.decrementAndGet();
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();   // read timeout, reset by peer, oversized request: drop the connection
        }
    }
}
