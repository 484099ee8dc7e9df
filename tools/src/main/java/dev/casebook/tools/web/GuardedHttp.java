package dev.casebook.tools.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * HTTP GET of a URL chosen by a model: every hop (the first request and each redirect, followed here rather than by
 * the client) is resolved once, checked against the {@link NetworkPolicy}, and connected to exactly the checked
 * addresses, so a second DNS answer cannot smuggle in a private address. Bodies are read up to a byte limit and the
 * whole fetch is bounded by a deadline.
 */
final class GuardedHttp {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "page-fetch-deadline");
        thread.setDaemon(true);
        return thread;
    });

    /** An expected failure of a fetch, worded for the model. */
    static final class FetchException extends Exception {
        FetchException(String message) {
            super(message);
        }
    }

    record Response(URI uri, int status, String mediaType, Optional<Charset> charset, byte[] body, boolean truncated) {
        String text() {
            return new String(body, charset.orElse(StandardCharsets.UTF_8));
        }
    }

    private final PageFetchSettings settings;

    GuardedHttp(PageFetchSettings settings) {
        this.settings = settings;
    }

    Response get(String url, Duration limit) throws FetchException {
        long deadline = System.nanoTime() + limit.toNanos();
        URI current = parse(url);
        for (int hop = 0; ; hop++) {
            Hop result = fetchOnce(current, deadline);
            if (result.redirect().isEmpty()) {
                return result.response();
            }
            if (hop >= settings.maxRedirects()) {
                throw new FetchException("too many redirects (more than " + settings.maxRedirects() + ") from " + url);
            }
            URI next = result.redirect().get();
            try {
                checkScheme(next);
            } catch (FetchException e) {
                throw new FetchException("refused the redirect from " + current + " to " + next + ": " + e.getMessage());
            }
            current = next;
        }
    }

    private record Hop(Response response, Optional<URI> redirect) {
    }

    private Hop fetchOnce(URI uri, long deadline) throws FetchException {
        String host = NetworkPolicy.normalizeHost(uri.getHost());
        int port = uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        InetAddress[] addresses;
        try {
            addresses = settings.network().resolve(host, port);
        } catch (UnknownHostException e) {
            throw new FetchException("cannot resolve the host name '" + host + "' of " + uri);
        } catch (NetworkPolicy.RefusedDestinationException e) {
            throw new FetchException("refused to fetch " + uri + ": " + e.getMessage());
        }
        Timeout remaining = remaining(deadline, uri);
        HttpGet request = new HttpGet(uri);
        request.setHeader("User-Agent", settings.userAgent());
        request.setHeader("Accept", "text/html,application/xhtml+xml,text/plain,application/json,application/xml;q=0.9,*/*;q=0.5");
        ScheduledFuture<?> cancel = TIMER.schedule(request::cancel, remaining.toMilliseconds(), TimeUnit.MILLISECONDS);
        try (CloseableHttpClient client = client(host, addresses, remaining);
             ClassicHttpResponse response = client.executeOpen(null, request, null)) {
            int status = response.getCode();
            Header location = response.getFirstHeader("Location");
            if (status >= 300 && status < 400 && location != null) {
                return new Hop(null, Optional.of(resolveLocation(uri, location.getValue())));
            }
            if (status >= 400) {
                throw new FetchException("HTTP " + status + (response.getReasonPhrase() == null ? "" : " " + response.getReasonPhrase())
                        + " for " + uri);
            }
            HttpEntity entity = response.getEntity();
            ContentType contentType = entity == null || entity.getContentType() == null
                    ? ContentType.DEFAULT_BINARY : ContentType.parseLenient(entity.getContentType());
            byte[] read = entity == null ? new byte[0] : readUpTo(entity.getContent(), settings.maxBytes() + 1, deadline);
            boolean truncated = read.length > settings.maxBytes();
            byte[] body = truncated ? Arrays.copyOf(read, (int) settings.maxBytes()) : read;
            return new Hop(new Response(uri, status, contentType.getMimeType().toLowerCase(Locale.ROOT),
                    Optional.ofNullable(contentType.getCharset()), body, truncated), Optional.empty());
        } catch (InterruptedIOException e) {
            throw new FetchException("timed out fetching " + uri);
        } catch (ConnectException | NoRouteToHostException e) {
            throw new FetchException("could not connect to " + uri + ": " + e.getMessage());
        } catch (IOException e) {
            if (System.nanoTime() >= deadline || request.isCancelled()) {
                throw new FetchException("timed out fetching " + uri);
            }
            throw new FetchException("fetching " + uri + " failed: " + e.getMessage());
        } finally {
            cancel.cancel(false);
        }
    }

    private static byte[] readUpTo(InputStream in, long limit, long deadline) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[16 * 1024];
        while (out.size() < limit) {
            int read = in.read(chunk, 0, (int) Math.min(chunk.length, limit - out.size()));
            if (read < 0) {
                break;
            }
            out.write(chunk, 0, read);
            if (System.nanoTime() >= deadline) {
                throw new SocketTimeoutException("deadline passed while reading");
            }
        }
        return out.toByteArray();
    }

    private static Timeout remaining(long deadline, URI uri) throws FetchException {
        long millis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (millis <= 0) {
            throw new FetchException("timed out fetching " + uri);
        }
        return Timeout.ofMilliseconds(millis);
    }

    private static CloseableHttpClient client(String checkedHost, InetAddress[] addresses, Timeout timeout) {
        DnsResolver pinned = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                if (NetworkPolicy.normalizeHost(host).equals(checkedHost)) {
                    return addresses.clone();
                }
                throw new UnknownHostException(host + " was not checked by the network policy");
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        ConnectionConfig connection = ConnectionConfig.custom()
                .setConnectTimeout(timeout)
                .setSocketTimeout(timeout)
                .build();
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(pinned)
                        .setDefaultConnectionConfig(connection)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
    }

    private static URI parse(String url) throws FetchException {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new FetchException("'" + url + "' is not a valid URL: " + e.getReason());
        }
        checkScheme(uri);
        return uri;
    }

    private static void checkScheme(URI uri) throws FetchException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FetchException("only http and https URLs can be fetched, not '" + uri + "'");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new FetchException("the URL '" + uri + "' has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new FetchException("URLs with credentials are not fetched: '" + uri.getHost() + "'");
        }
    }

    private static URI resolveLocation(URI base, String location) throws FetchException {
        try {
            return base.resolve(new URI(location.strip().replace(" ", "%20")));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new FetchException("the redirect from " + base + " points to an invalid URL: " + location);
        }
    }
}
