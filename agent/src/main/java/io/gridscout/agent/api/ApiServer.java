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

import javax.net.ssl.SSLException;
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
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        ch.pipeline().addLast(new ReadTimeoutHandler(30))
                                .addLast(new HttpServerCodec(4096, 8192, 8192))
                                .addLast(new HttpObjectAggregator(16 * 1024))
                                .addLast(new Handler(routes));
                    }
                });
        try {
            channel = b.bind(host, port).sync().channel();
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

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final ApiRoutes routes;

        Handler(ApiRoutes routes) {
            this.routes = routes;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            ApiRoutes.Response r;
            if (!req.decoderResult().isSuccess()) r = ApiRoutes.error(400, "malformed request");
            else if (req.content().readableBytes() > 0) r = ApiRoutes.error(413, "requests have no body");
            else r = routes.handle(req.method().name(), req.uri(), req.headers().get(HttpHeaderNames.AUTHORIZATION));
            boolean head = req.method().equals(HttpMethod.HEAD);
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
            resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
            resp.headers().set("X-Content-Type-Options", "nosniff");
            resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            if (r.status() == 405) resp.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            if (r.status() == 401) resp.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            boolean keepAlive = HttpUtil.isKeepAlive(req) && r.status() < 400;
            resp.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
            var f = ctx.writeAndFlush(resp);
            if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();   // read timeout, reset by peer, oversized request: drop the connection
        }
    }
}
