/*
 * pwhash.c - the cost of one argon2id password hash in isolation, for bench/run-users.sh.
 *
 * Calls password_hash() (include/eeum/password.h: libsodium's crypto_pwhash_str, t = 2,
 * m = 19 MiB, p = 1) N times on one thread, then password_verify() of the last hash N times (a
 * login verifies; it does not hash), after one unrecorded call of each. Prints one line per
 * function with the mean, p50, p99 (nearest rank), min and max wall-clock time in ms, and the
 * mean CPU time of the calling thread (steadier than wall-clock time on a shared machine):
 *
 *   password_hash n=20 mean_ms=31.20 p50_ms=30.90 p99_ms=35.10 min_ms=29.80 max_ms=35.10
 *   cpu_mean_ms=30.80
 *
 * (one line each). usage: bench_pwhash [N]   N in 1..1000, default 20.
 */
#include "eeum/password.h"
#include "eeum/random.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_N 1000

static const char PASSWORD[] = "bench-Passw0rd!";

static double now_ms(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n-1]. */
static double percentile(const double *v, size_t n, double p)
{
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return v[rank - 1];
}

static void report(const char *name, double *wall, size_t n, double cpu_total)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += wall[i];
    qsort(wall, n, sizeof *wall, cmp_double);
    printf("%s n=%zu mean_ms=%.2f p50_ms=%.2f p99_ms=%.2f min_ms=%.2f max_ms=%.2f "
           "cpu_mean_ms=%.2f\n",
           name, n, sum / (double)n, percentile(wall, n, 50), percentile(wall, n, 99), wall[0],
           wall[n - 1], cpu_total / (double)n);
}

int main(int argc, char **argv)
{
    unsigned long n = 20;
    if (argc > 2) {
        fprintf(stderr, "usage: %s [N]\n", argv[0]);
        return 2;
    }
    if (argc == 2) {
        char *end = NULL;
        errno = 0;
        n = strtoul(argv[1], &end, 10);
        if (errno || !*argv[1] || *end || n < 1 || n > MAX_N) {
            fprintf(stderr, "%s: N must be an integer in 1..%d\n", argv[0], MAX_N);
            return 2;
        }
    }
    if (random_init() != 0) {
        fprintf(stderr, "%s: libsodium failed to initialise\n", argv[0]);
        return 1;
    }
    double *wall = calloc(n, sizeof *wall);
    if (!wall) {
        fprintf(stderr, "%s: out of memory\n", argv[0]);
        return 1;
    }
    char hash[PASSWORD_HASH_MAX];
    const size_t len = strlen(PASSWORD);

    /* Warm-up: page in the 19 MiB and libsodium's code once, unrecorded. */
    if (password_hash(PASSWORD, len, hash) != 0 || !password_verify(hash, PASSWORD, len)) {
        fprintf(stderr, "%s: password_hash/password_verify failed\n", argv[0]);
        free(wall);
        return 1;
    }

    double cpu0 = now_ms(CLOCK_THREAD_CPUTIME_ID);
    for (unsigned long i = 0; i < n; i++) {
        double t0 = now_ms(CLOCK_MONOTONIC);
        if (password_hash(PASSWORD, len, hash) != 0) {
            fprintf(stderr, "%s: password_hash failed (out of memory?)\n", argv[0]);
            free(wall);
            return 1;
        }
        wall[i] = now_ms(CLOCK_MONOTONIC) - t0;
    }
    report("password_hash", wall, n, now_ms(CLOCK_THREAD_CPUTIME_ID) - cpu0);

    cpu0 = now_ms(CLOCK_THREAD_CPUTIME_ID);
    for (unsigned long i = 0; i < n; i++) {
        double t0 = now_ms(CLOCK_MONOTONIC);
        bool ok = password_verify(hash, PASSWORD, len);
        wall[i] = now_ms(CLOCK_MONOTONIC) - t0;
        if (!ok) {
            fprintf(stderr, "%s: password_verify refused the right password\n", argv[0]);
            free(wall);
            return 1;
        }
    }
    report("password_verify", wall, n, now_ms(CLOCK_THREAD_CPUTIME_ID) - cpu0);
    free(wall);
    return 0;
}
