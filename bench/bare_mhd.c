/*
 * bare_mhd.c - the ceiling of libmicrohttpd on this machine, for bench/run-healthz.sh.
 *
 * A minimal responder with the same threading model as eeum-api (src/http/server.c): a listen
 * socket bound by us on 127.0.0.1 (backlog 511), MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC |
 * MHD_USE_ERROR_LOG, a thread pool of N, the same connection limit and idle timeout. Every GET
 * gets a fixed JSON body of about the size of /healthz's with Content-Type application/json;
 * any other method gets 405. No routing, no JSON encoding, no request id, no logging, no metrics.
 *
 * usage: bench_bare PORT [THREADS]
 *   THREADS defaults to $HTTP_THREADS, else 4 (eeum-api's default); the connection limit is
 *   $HTTP_CONN_LIMIT, else 1024, and the idle timeout $HTTP_CONN_TIMEOUT, else 30 s (eeum-api's
 *   defaults). Runs until SIGINT or SIGTERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Same shape and size as GET /healthz's envelope (~60 bytes). */
static char BODY[] = "{\"success\":true,\"item\":{\"status\":\"ok\",\"uptimeSeconds\":12345}}";

static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
    if (!s || !*s)
        return -1;
    errno = 0;
    char *end = NULL;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static unsigned long env_uint(const char *name, unsigned long def, unsigned long min,
                              unsigned long max)
{
    const char *s = getenv(name);
    unsigned long v;
    if (!s || !*s)
        return def;
    if (parse_uint(s, min, max, &v) != 0) {
        fprintf(stderr, "bench_bare: invalid %s '%s', using %lu\n", name, s, def);
        return def;
    }
    return v;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls)
{
    (void)cls;
    (void)url;
    (void)version;
    (void)upload_data;
    static int first_call_marker;
    if (*con_cls == NULL) {
        /* First call: headers only. Answer on the next call, as eeum-api does. */
        *con_cls = &first_call_marker;
        return MHD_YES;
    }
    if (*upload_data_size) {
        *upload_data_size = 0; /* discard any body */
        return MHD_YES;
    }
    unsigned code = MHD_HTTP_OK;
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0)
        code = MHD_HTTP_METHOD_NOT_ALLOWED;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(sizeof BODY - 1, BODY, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    enum MHD_Result rc = MHD_queue_response(conn, code, r);
    MHD_destroy_response(r);
    return rc;
}

static int open_listen_socket(unsigned port)
{
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        fprintf(stderr, "bench_bare: socket: %s\n", strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
        fprintf(stderr, "bench_bare: cannot bind 127.0.0.1:%u: %s\n", port, strerror(errno));
        close(fd);
        return -1;
    }
    if (listen(fd, 511) != 0) {
        fprintf(stderr, "bench_bare: listen: %s\n", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    unsigned long port = 0, threads = 0;
    if (argc < 2 || argc > 3 || parse_uint(argv[1], 1, 65535, &port) != 0) {
        fprintf(stderr, "usage: %s PORT [THREADS]\n", argc > 0 ? argv[0] : "bench_bare");
        return 2;
    }
    if (argc == 3) {
        if (parse_uint(argv[2], 1, 256, &threads) != 0) {
            fprintf(stderr, "bench_bare: THREADS must be 1..256\n");
            return 2;
        }
    } else {
        threads = env_uint("HTTP_THREADS", 4, 1, 256);
    }
    unsigned long conn_limit = env_uint("HTTP_CONN_LIMIT", 1024, 1, 100000);
    unsigned long conn_timeout = env_uint("HTTP_CONN_TIMEOUT", 30, 1, 3600);

    /* Block the stop signals before MHD creates its threads (they inherit the mask), then
     * wait for them synchronously in the main thread. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &stop, NULL) != 0) {
        fprintf(stderr, "bench_bare: pthread_sigmask failed\n");
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);

    int fd = open_listen_socket((unsigned)port);
    if (fd < 0)
        return 1;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_access, NULL, MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned int)conn_limit, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)conn_timeout,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "bench_bare: libmicrohttpd could not start on 127.0.0.1:%lu\n", port);
        close(fd);
        return 1;
    }
    fprintf(stderr,
            "bench_bare: listening on http://127.0.0.1:%lu with %lu threads (connection limit "
            "%lu, timeout %lu s)\n",
            port, threads, conn_limit, conn_timeout);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    fprintf(stderr, "bench_bare: signal %d, stopping\n", sig);
    MHD_stop_daemon(d); /* also closes the listen socket */
    return 0;
}
