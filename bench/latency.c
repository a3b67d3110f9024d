/*
 * latency.c - sequential latency of a list of GET URLs on 127.0.0.1, for the search benchmark
 * (bench/run-search.sh). One reused libcurl handle (keep-alive, one request at a time), W
 * unrecorded warm-up requests then R recorded ones per URL, URL after URL.
 *
 * usage: bench_latency [-r REPS] [-w WARMUP] [-t TIMEOUT_S] [-a ABORT] (-f FILE | URL...)
 *   -t: per-request timeout (default 5 s); a timed-out request counts as TIMEOUT_S.
 *   -a: after ABORT consecutive timeouts or transport errors (default 3) the URL's remaining
 *       requests are not sent (a server that hangs would otherwise take REPS x TIMEOUT_S).
 *   FILE: one URL per line, optionally "label<TAB>URL"; empty lines and '#' lines are skipped.
 *   URLs must be http://127.0.0.1[:port]/... or http://localhost[:port]/...; bytes >= 0x80,
 *   spaces and '+' in them are percent-encoded here, so Korean query words can be written raw.
 *
 * Output (stdout), one tab-separated line per URL after a '#' header:
 *   label  url  n  statuses  p50_ms  p99_ms  mean_ms  min_ms  max_ms  bytes  total  lower_bound
 *   items  sent
 * n is the number of recorded requests, sent the number of requests sent (warm-up included);
 * statuses is e.g. "200x30", "200x28,503x2" or "200x1,timeoutx3,skippedx26"; p50/p99 are
 * nearest-rank percentiles of the recorded requests (all of them, whatever the status); total,
 * lower_bound and items are `totalElements`, `totalIsLowerBound` and `numOfItems` of the last 2xx
 * JSON body ("-" when absent).
 */
#include <curl/curl.h>
#include <jansson.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAT_MAX_REPS   10000
#define LAT_MAX_URLS   1000
#define LAT_URL_MAX    4096
#define LAT_BODY_MAX   (16u * 1024 * 1024)
#define LAT_MAX_STATUS 8

struct body {
    char *data;
    size_t len, cap;
    bool overflow;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *userdata)
{
    struct body *b = userdata;
    size_t n = size * nmemb;
    if (b->overflow || b->len + n + 1 > LAT_BODY_MAX) {
        b->overflow = true;
        return n; /* keep reading; the body is just not kept */
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 16384;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d)
            return 0;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

struct target {
    char label[256];
    char url[LAT_URL_MAX];
};

static bool local_url(const char *u)
{
    static const char *const ok[] = {"http://127.0.0.1:", "http://127.0.0.1/",
                                     "http://localhost:", "http://localhost/"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strncmp(u, ok[i], strlen(ok[i])) == 0)
            return true;
    return false;
}

/* Copy `in` percent-encoding bytes >= 0x80, spaces and '+'. False when it does not fit. */
static bool encode_url(const char *in, char *out, size_t outlen)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        if (*p >= 0x80 || *p == ' ' || *p == '+') {
            if (o + 3 >= outlen)
                return false;
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        } else {
            if (o + 1 >= outlen)
                return false;
            out[o++] = (char)*p;
        }
    }
    out[o] = '\0';
    return true;
}

static bool add_target(struct target *t, size_t *n, const char *label, const char *url)
{
    if (*n >= LAT_MAX_URLS) {
        fprintf(stderr, "bench_latency: more than %d URLs\n", LAT_MAX_URLS);
        return false;
    }
    if (!local_url(url)) {
        fprintf(stderr, "bench_latency: refusing %s (only http://127.0.0.1 or localhost)\n", url);
        return false;
    }
    struct target *x = &t[*n];
    if (!encode_url(url, x->url, sizeof x->url)) {
        fprintf(stderr, "bench_latency: URL too long: %s\n", url);
        return false;
    }
    int k = snprintf(x->label, sizeof x->label, "%s", label ? label : "-");
    if (k < 0 || (size_t)k >= sizeof x->label)
        x->label[sizeof x->label - 1] = '\0';
    (*n)++;
    return true;
}

static bool read_file(const char *path, struct target *t, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench_latency: %s: %s\n", path, strerror(errno));
        return false;
    }
    char line[LAT_URL_MAX + 512];
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        if (tab) {
            *tab = '\0';
            ok = add_target(t, n, line, tab + 1);
        } else {
            ok = add_target(t, n, NULL, line);
        }
    }
    fclose(f);
    return ok;
}

static long parse_long(const char *s, const char *what, long min, long max)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max) {
        fprintf(stderr, "bench_latency: invalid %s '%s' (%ld..%ld)\n", what, s, min, max);
        exit(2);
    }
    return v;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n). */
static double percentile(const double *v, size_t n, double pct)
{
    size_t rank = (size_t)((pct / 100.0) * (double)n + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return v[rank - 1];
}

/* HTTP status, or one of these */
#define LAT_TIMEOUT (-1)
#define LAT_ERROR   (-2)
#define LAT_SKIPPED (-3)

struct status_count {
    long code;
    unsigned n;
};

static void count_status(struct status_count *s, size_t *ns, long code)
{
    for (size_t i = 0; i < *ns; i++)
        if (s[i].code == code) {
            s[i].n++;
            return;
        }
    if (*ns < LAT_MAX_STATUS)
        s[(*ns)++] = (struct status_count){code, 1};
}

static void json_field(const json_t *root, const char *key, char *out, size_t outlen)
{
    const json_t *v = json_object_get(root, key);
    if (json_is_integer(v))
        snprintf(out, outlen, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_boolean(v))
        snprintf(out, outlen, "%s", json_is_true(v) ? "true" : "false");
    else
        snprintf(out, outlen, "-");
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_latency [-r REPS] [-w WARMUP] [-t TIMEOUT_S] [-a ABORT] (-f FILE "
                    "| URL...)\n");
    exit(2);
}

int main(int argc, char **argv)
{
    long reps = 30, warmup = 3, timeout = 5, abort_after = 3;
    const char *file = NULL;
    static struct target targets[LAT_MAX_URLS];
    size_t ntargets = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
            reps = parse_long(argv[++i], "repetitions", 1, LAT_MAX_REPS);
        else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc)
            warmup = parse_long(argv[++i], "warm-up", 0, LAT_MAX_REPS);
        else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
            timeout = parse_long(argv[++i], "timeout", 1, 600);
        else if (strcmp(argv[i], "-a") == 0 && i + 1 < argc)
            abort_after = parse_long(argv[++i], "abort count", 1, LAT_MAX_REPS);
        else if (strcmp(argv[i], "-f") == 0 && i + 1 < argc)
            file = argv[++i];
        else
            usage();
    }
    if (file && !read_file(file, targets, &ntargets))
        return 2;
    for (; i < argc; i++)
        if (!add_target(targets, &ntargets, NULL, argv[i]))
            return 2;
    if (ntargets == 0)
        usage();

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "bench_latency: curl_global_init failed\n");
        return 1;
    }
    CURL *h = curl_easy_init();
    double *ms = malloc((size_t)reps * sizeof *ms);
    struct body body = {0};
    int rc = 0;
    if (!h || !ms) {
        fprintf(stderr, "bench_latency: out of memory\n");
        rc = 1;
        goto out;
    }
    char errbuf[CURL_ERROR_SIZE];
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);

    printf("# label\turl\tn\tstatuses\tp50_ms\tp99_ms\tmean_ms\tmin_ms\tmax_ms\tbytes\ttotal\t"
           "lower_bound\titems\tsent\n");
    fflush(stdout);
    for (size_t t = 0; t < ntargets; t++) {
        struct status_count st[LAT_MAX_STATUS];
        size_t nst = 0;
        char total[32] = "-", lower[32] = "-", items[32] = "-";
        size_t bytes = 0;
        double sum = 0;
        long recorded = 0, failures = 0, sent = 0;
        curl_easy_setopt(h, CURLOPT_URL, targets[t].url);
        for (long k = 0; k < warmup + reps; k++) {
            if (failures >= abort_after) {
                if (k >= warmup)
                    count_status(st, &nst, LAT_SKIPPED);
                continue;
            }
            body.len = 0;
            body.overflow = false;
            errbuf[0] = '\0';
            sent++;
            CURLcode cc = curl_easy_perform(h);
            long code = 0;
            curl_off_t us = 0;
            if (cc == CURLE_OK) {
                curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
                curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &us);
            } else {
                fprintf(stderr, "bench_latency: %s: %s\n", targets[t].url,
                        errbuf[0] ? errbuf : curl_easy_strerror(cc));
                code = cc == CURLE_OPERATION_TIMEDOUT ? LAT_TIMEOUT : LAT_ERROR;
                us = (curl_off_t)timeout * 1000000;
            }
            failures = code < 0 ? failures + 1 : 0;
            if (k < warmup)
                continue;
            double v = (double)us / 1000.0;
            ms[recorded++] = v;
            sum += v;
            count_status(st, &nst, code);
            if (code >= 200 && code < 300 && body.data && !body.overflow) {
                bytes = body.len;
                json_t *root = json_loadb(body.data, body.len, 0, NULL);
                if (root) {
                    json_field(root, "totalElements", total, sizeof total);
                    json_field(root, "totalIsLowerBound", lower, sizeof lower);
                    json_field(root, "numOfItems", items, sizeof items);
                    json_decref(root);
                }
            }
        }
        if (recorded == 0) {
            ms[0] = (double)timeout * 1000.0; /* every request skipped after warm-up failures */
            sum = ms[0];
            recorded = 1;
        }
        qsort(ms, (size_t)recorded, sizeof *ms, cmp_double);
        char stat[128] = "";
        size_t used = 0;
        for (size_t s = 0; s < nst; s++) {
            char code[16];
            if (st[s].code == LAT_TIMEOUT)
                snprintf(code, sizeof code, "timeout");
            else if (st[s].code == LAT_ERROR)
                snprintf(code, sizeof code, "error");
            else if (st[s].code == LAT_SKIPPED)
                snprintf(code, sizeof code, "skipped");
            else
                snprintf(code, sizeof code, "%ld", st[s].code);
            int n =
                snprintf(stat + used, sizeof stat - used, "%s%sx%u", s ? "," : "", code, st[s].n);
            if (n < 0 || (size_t)n >= sizeof stat - used)
                break;
            used += (size_t)n;
        }
        printf("%s\t%s\t%ld\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%zu\t%s\t%s\t%s\t%ld\n",
               targets[t].label, targets[t].url, recorded, stat,
               percentile(ms, (size_t)recorded, 50), percentile(ms, (size_t)recorded, 99),
               sum / (double)recorded, ms[0], ms[recorded - 1], bytes, total, lower, items, sent);
        fflush(stdout);
    }
out:
    free(body.data);
    free(ms);
    if (h)
        curl_easy_cleanup(h);
    curl_global_cleanup();
    return rc;
}
