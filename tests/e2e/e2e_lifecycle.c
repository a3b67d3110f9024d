/*
 * e2e_lifecycle.c - the process seen from outside: readiness follows the database (503 while
 * it is down, 200 again after it is back, without restarting eeum-api), graceful shutdown
 * finishes an in-flight request and exits 0, a busy port and a missing variable stop start-up
 * with a clear message. Spawns its own eeum-api ($EEUM_API_BIN) where the shared one must not
 * be disturbed, and stops/starts the test MariaDB through `$EEUM_STACK db-stop|db-start`.
 */
#include "e2e_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

static int run_stack(const char *sub)
{
    char *argv[] = {(char *)(uintptr_t)e2e_need_env("EEUM_STACK"), (char *)(uintptr_t)sub, NULL};
    pid_t pid = e2e_spawn(argv, NULL, NULL);
    assert_true(pid > 0);
    int st = e2e_wait_exit(pid, 60000);
    return (st >= 0 && WIFEXITED(st)) ? WEXITSTATUS(st) : -1;
}

static void readyz_is_503_naming_the_database_while_it_is_down_and_recovers(void **state)
{
    (void)state;
    assert_int_equal(e2e_get_status(e2e_base(), "/readyz"), 200);
    assert_int_equal(run_stack("db-stop"), 0);
    struct e2e_resp r;
    long status = 0;
    for (int i = 0; i < 100 && status != 503; i++) {
        assert_int_equal(e2e_get("/readyz", NULL, &r), 0);
        status = r.status;
        if (status != 503)
            e2e_resp_free(&r);
        e2e_sleep_ms(100);
    }
    e2e_assert_error(&r, 503);
    assert_non_null(strstr(json_string_value(json_object_get(r.json, "message")), "database"));
    json_t *checks = json_object_get(r.json, "checks");
    assert_string_equal(json_string_value(json_object_get(checks, "database")), "unavailable");
    assert_string_equal(json_string_value(json_object_get(checks, "queue")), "ok");
    e2e_resp_free(&r);

    /* A route that needs the database answers 503 too, never 500. */
    assert_int_equal(
        e2e_json("POST", "/api/users/login", NULL, "{\"email\":\"x@y.co\",\"password\":\"p\"}", &r),
        0);
    assert_true(r.status == 503 || r.status == 429);
    e2e_resp_free(&r);
    /* Liveness does not depend on the database. */
    assert_int_equal(e2e_get_status(e2e_base(), "/healthz"), 200);

    assert_int_equal(run_stack("db-start"), 0);
    status = 0;
    for (int i = 0; i < 100 && status != 200; i++) {
        status = e2e_get_status(e2e_base(), "/readyz");
        if (status != 200)
            e2e_sleep_ms(100);
    }
    assert_int_equal(status, 200);
    /* Pooled connections that died with the server are replaced: DB-backed requests work. */
    for (int i = 0; i < 12; i++) {
        assert_int_equal(e2e_json("POST", "/api/users/login", NULL,
                                  "{\"email\":\"nobody-lifecycle@example.com\",\"password\":"
                                  "\"Wrong-pass-1\"}",
                                  &r),
                         0);
        assert_true(r.status == 401 || r.status == 429);
        e2e_resp_free(&r);
    }
}

static int connect_port(const char *base)
{
    unsigned port = (unsigned)strtoul(strrchr(base, ':') + 1, NULL, 10);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void sigterm_finishes_the_in_flight_request_and_exits_0(void **state)
{
    (void)state;
    char base[64];
    pid_t pid = e2e_start_private_api(base, sizeof base, "e2e-shutdown-api.log", NULL);
    int fd = connect_port(base);
    assert_true(fd >= 0);
    const char *body = "{\"email\":\"inflight@example.com\",\"password\":\"Wrong-pass-1\"}";
    char head[512];
    int hl = snprintf(head, sizeof head,
                      "POST /api/users/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                      strlen(body));
    /* Headers and half of the body: the request is in flight when SIGTERM arrives. */
    assert_int_equal(write(fd, head, (size_t)hl), hl);
    size_t half = strlen(body) / 2;
    assert_int_equal(write(fd, body, half), (ssize_t)half);
    e2e_sleep_ms(200);
    assert_int_equal(kill(pid, SIGTERM), 0);
    e2e_sleep_ms(300);
    /* No new connections are accepted once shutdown has begun. */
    int fd2 = connect_port(base);
    assert_true(fd2 < 0);
    /* The in-flight request completes with a real answer. */
    assert_int_equal(write(fd, body + half, strlen(body) - half), (ssize_t)(strlen(body) - half));
    char resp[4096];
    size_t got = 0;
    for (int i = 0; i < 100 && got < sizeof resp - 1; i++) {
        ssize_t n = read(fd, resp + got, sizeof resp - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        resp[got] = '\0';
        if (strstr(resp, "\r\n\r\n") && strstr(resp, "}"))
            break;
    }
    resp[got] = '\0';
    close(fd);
    assert_true(strncmp(resp, "HTTP/1.1 401", 12) == 0 || strncmp(resp, "HTTP/1.1 429", 12) == 0);
    int st = e2e_wait_exit(pid, 15000);
    assert_true(st >= 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static void sigint_on_an_idle_server_exits_0(void **state)
{
    (void)state;
    char base[64];
    pid_t pid = e2e_start_private_api(base, sizeof base, "e2e-sigint-api.log", NULL);
    assert_int_equal(kill(pid, SIGINT), 0);
    int st = e2e_wait_exit(pid, 15000);
    assert_true(st >= 0 && WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static bool file_contains(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, needle) != NULL;
    fclose(f);
    return found;
}

static void busy_port_stops_start_up_with_a_clear_message(void **state)
{
    (void)state;
    const char *base = e2e_base();
    char port_env[32], lp[1024];
    snprintf(port_env, sizeof port_env, "PORT=%s", strrchr(base, ':') + 1);
    e2e_log_path(lp, sizeof lp, "e2e-busy-port.log");
    unlink(lp);
    const char *ov[] = {port_env, NULL};
    char *argv[] = {(char *)(uintptr_t)e2e_need_env("EEUM_API_BIN"), NULL};
    pid_t pid = e2e_spawn(argv, ov, lp);
    int st = e2e_wait_exit(pid, 15000);
    assert_true(st >= 0 && WIFEXITED(st));
    assert_int_not_equal(WEXITSTATUS(st), 0);
    assert_true(file_contains(lp, "already in use"));
    /* The running server is untouched. */
    assert_int_equal(e2e_get_status(base, "/healthz"), 200);
}

static void missing_required_variable_is_named(void **state)
{
    (void)state;
    char lp[1024];
    e2e_log_path(lp, sizeof lp, "e2e-missing-var.log");
    unlink(lp);
    const char *ov[] = {"DB_HOST=-", "PORT=1", NULL};
    char *argv[] = {(char *)(uintptr_t)e2e_need_env("EEUM_API_BIN"), NULL};
    pid_t pid = e2e_spawn(argv, ov, lp);
    int st = e2e_wait_exit(pid, 15000);
    assert_true(st >= 0 && WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 2);
    assert_true(file_contains(lp, "DB_HOST"));
}

static void check_config_never_prints_secrets(void **state)
{
    (void)state;
    char lp[1024];
    e2e_log_path(lp, sizeof lp, "e2e-check-config.log");
    unlink(lp);
    char *argv[] = {(char *)(uintptr_t)e2e_need_env("EEUM_API_BIN"), (char *)"--check-config",
                    NULL};
    pid_t pid = e2e_spawn(argv, NULL, lp);
    int st = e2e_wait_exit(pid, 15000);
    assert_true(st >= 0 && WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_true(file_contains(lp, "configuration OK"));
    const char *secrets[] = {"DB_PASSWORD", "JWT_SECRET", "AWS_SECRET_ACCESS_KEY"};
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
        const char *v = getenv(secrets[i]);
        if (v && strlen(v) >= 12) /* short dev values ("local") also appear elsewhere */
            assert_false(file_contains(lp, v));
    }
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_config_never_prints_secrets),
        cmocka_unit_test(missing_required_variable_is_named),
        cmocka_unit_test(busy_port_stops_start_up_with_a_clear_message),
        cmocka_unit_test(sigint_on_an_idle_server_exits_0),
        cmocka_unit_test(sigterm_finishes_the_in_flight_request_and_exits_0),
        cmocka_unit_test(readyz_is_503_naming_the_database_while_it_is_down_and_recovers),
    };
    return cmocka_run_group_tests_name("e2e_lifecycle", tests, NULL, NULL);
}
