package dev.casebook.tools.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A real HTTP server on a loopback port that records the requests it got. */
public final class LocalHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private LocalHttpServer(HttpServer server) {
        this.server = server;
    }

    public static LocalHttpServer start(String bindAddress) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bindAddress), 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            LocalHttpServer local = new LocalHttpServer(server);
            server.start();
            return local;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a test HTTP server on " + bindAddress, e);
        }
    }

    public static LocalHttpServer start() {
        return start("127.0.0.1");
    }

    public LocalHttpServer on(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            try (exchange) {
                handler.handle(exchange);
            }
        });
        return this;
    }

    public LocalHttpServer respond(String path, int status, String contentType, String body) {
        return on(path, exchange -> send(exchange, status, contentType, body));
    }

    public LocalHttpServer redirect(String path, String location) {
        return on(path, exchange -> {
            exchange.getResponseHeaders().add("Location", location);
            exchange.sendResponseHeaders(302, -1);
        });
    }

    public static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:1234}. */
    public String url(String host) {
        return "http://" + host + ":" + port();
    }

    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
