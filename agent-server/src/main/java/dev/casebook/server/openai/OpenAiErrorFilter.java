package dev.casebook.server.openai;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import dev.casebook.server.web.ApiPath;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one place where the error format depends on the path: on {@code /v1/**} (however spelt, {@link ApiPath}) every
 * error the server answers as problem details ({@code application/problem+json}: the API key filter's 401, the body
 * size filter's 413, the MVC exception handlers' 400/404/405/415, the error page) is sent in OpenAI's error format
 * instead ({@link OpenAiError}), with the same status, because that is what OpenAI clients parse. Whoever writes the problem needs to know nothing
 * of it. Runs before every other filter; other responses (completions, streams) pass through untouched.
 */
@Component
@Order(-100)
class OpenAiErrorFilter extends OncePerRequestFilter {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        Object original = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        return !ApiPath.openAi(original instanceof String s ? s : request.getRequestURI(), request.getContextPath());
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ProblemCapture capture = new ProblemCapture(response, request.getDispatcherType() == DispatcherType.ERROR);
        chain.doFilter(request, capture);
        capture.sendAsOpenAiError();
    }

    /** Keeps a problem body back instead of sending it, to send it in OpenAI's format at the end. */
    private static final class ProblemCapture extends HttpServletResponseWrapper {
        private final boolean errorPage;
        private ByteArrayOutputStream captured;
        private PrintWriter writer;

        ProblemCapture(HttpServletResponse response, boolean errorPage) {
            super(response);
            this.errorPage = errorPage;
        }

        /** Decided when the body starts: an error status with a problem (or, on the error page, any JSON) body. */
        private boolean capturing() {
            if (captured == null && getStatus() >= 400 && getContentType() != null) {
                String type = getContentType();
                if (type.startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE)
                        || (errorPage && type.startsWith(MediaType.APPLICATION_JSON_VALUE))) {
                    captured = new ByteArrayOutputStream();
                }
            }
            return captured != null;
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (!capturing()) {
                return super.getOutputStream();
            }
            return new ServletOutputStream() {
                @Override
                public void write(int b) {
                    captured.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    captured.write(b, off, len);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException("a kept-back error body is written blocking");
                }
            };
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            if (!capturing()) {
                return super.getWriter();
            }
            if (writer == null) {
                writer = new PrintWriter(new OutputStreamWriter(captured, StandardCharsets.UTF_8));
            }
            return writer;
        }

        @Override
        public void flushBuffer() throws IOException {
            if (captured == null) {
                super.flushBuffer();
            }
        }

        @Override
        public boolean isCommitted() {
            return captured == null && super.isCommitted();
        }

        @Override
        public void resetBuffer() {
            if (captured != null) {
                captured.reset();
            }
            super.resetBuffer();
        }

        void sendAsOpenAiError() throws IOException {
            if (captured == null) {
                return;
            }
            if (writer != null) {
                writer.flush();
            }
            OpenAiError error;
            try {
                error = OpenAiError.of(JSON.readTree(captured.toByteArray()), getStatus());
            } catch (JacksonException notJson) {
                error = OpenAiError.of(JSON.createObjectNode().put("detail",
                        captured.toString(StandardCharsets.UTF_8)), getStatus());
            }
            byte[] body = JSON.writeValueAsBytes(error.body());
            HttpServletResponse response = (HttpServletResponse) getResponse();
            response.resetBuffer();
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            response.flushBuffer();
        }
    }
}
