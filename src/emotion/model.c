/*
 * model.c - the emotion model file: reading (emotion_model_load) and writing (the trainer).
 * Layout, all little-endian:
 *   0   magic "EEUMEMO\0"          8 bytes
 *   8   format version              u32 (EMO_FORMAT_VERSION)
 *   12  feature version             u32 (EMO_FEATURE_VERSION, the extractor it was trained with)
 *   16  model version string        32 bytes, NUL padded (stored as analyzer_version)
 *   48  hash bits                   u32
 *   52  labels                      u32 (5)
 *   56  weight scale                f32 (w = q * scale)
 *   60  bias                        5 x f32
 *   80  lexicon matrix U[k][j]      25 x f32
 *   180 hashed weights              (1 << bits) * 5 x i16, row per bucket
 *   end checksum                    u64 FNV-1a 64 of every byte before it
 * Any mismatch (size, magic, versions, checksum, non-finite numbers) refuses the file.
 */
#include "emotion_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HDR_BYTES 180u

static uint64_t fnv1a64(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static float rdf(const unsigned char *p)
{
    uint32_t u = rd32(p);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static void wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void wrf(unsigned char *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    wr32(p, u);
}

static size_t file_bytes(uint32_t bits)
{
    return HDR_BYTES + ((size_t)1 << bits) * EMOTION_LABELS * 2 + 8;
}

/* Reads a whole file (at most max bytes); NULL with errno set on failure. */
static unsigned char *read_all(const char *path, size_t max, size_t *out_n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            if (cap >= max) {
                errno = EFBIG;
                goto fail;
            }
            size_t ncap = cap ? cap * 2 : 65536;
            if (ncap > max)
                ncap = max;
            unsigned char *nb = realloc(buf, ncap);
            if (!nb)
                goto fail;
            buf = nb;
            cap = ncap;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f)) {
                errno = EIO;
                goto fail;
            }
            break;
        }
    }
    fclose(f);
    *out_n = n;
    return buf;
fail : {
    int e = errno;
    free(buf);
    fclose(f);
    errno = e;
    return NULL;
}
}

struct emotion_model *emotion_model_load(const char *path, char *err, size_t errlen)
{
    struct emotion_model *m = NULL;
    unsigned char *buf = NULL;
    size_t n = 0;
    const char *why = NULL;
    char whybuf[96];
    if (!path || !*path) {
        snprintf(err, errlen, "emotion model: no path given (set EMOTION_MODEL)");
        return NULL;
    }
    buf = read_all(path, file_bytes(EMO_MAX_HASH_BITS), &n);
    if (!buf) {
        snprintf(err, errlen, "emotion model %s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    if (n < HDR_BYTES + 8 || memcmp(buf, EMO_MAGIC, 8) != 0) {
        why = "not an EEUM emotion model (bad magic or too short)";
        goto fail;
    }
    uint32_t fmt = rd32(buf + 8), feat = rd32(buf + 12), bits = rd32(buf + 48);
    if (fmt != EMO_FORMAT_VERSION) {
        snprintf(whybuf, sizeof whybuf, "format version %u, this build reads %u", fmt,
                 EMO_FORMAT_VERSION);
        why = whybuf;
        goto fail;
    }
    if (feat != EMO_FEATURE_VERSION) {
        snprintf(whybuf, sizeof whybuf,
                 "trained for feature version %u, this build extracts %u (retrain it)", feat,
                 EMO_FEATURE_VERSION);
        why = whybuf;
        goto fail;
    }
    if (bits < EMO_MIN_HASH_BITS || bits > EMO_MAX_HASH_BITS || rd32(buf + 52) != EMOTION_LABELS) {
        why = "invalid header (hash bits or label count)";
        goto fail;
    }
    if (n != file_bytes(bits)) {
        snprintf(whybuf, sizeof whybuf, "truncated or padded: %zu bytes, expected %zu", n,
                 file_bytes(bits));
        why = whybuf;
        goto fail;
    }
    uint64_t want = 0;
    for (int i = 7; i >= 0; i--)
        want = want << 8 | buf[n - 8 + (size_t)i];
    if (fnv1a64(buf, n - 8) != want) {
        why = "checksum mismatch (corrupt file)";
        goto fail;
    }
    const char *ver = (const char *)buf + 16;
    size_t vlen = strnlen(ver, EMO_VERSION_LEN);
    if (vlen == 0 || vlen >= EMO_VERSION_LEN) {
        why = "invalid model version string";
        goto fail;
    }
    for (size_t i = 0; i < vlen; i++) {
        if (ver[i] < 0x21 || ver[i] > 0x7E) {
            why = "invalid model version string";
            goto fail;
        }
    }
    m = calloc(1, sizeof *m);
    if (!m) {
        why = "out of memory";
        goto fail;
    }
    memcpy(m->p.version, ver, vlen);
    m->p.hash_bits = bits;
    float scale = rdf(buf + 56);
    bool finite = isfinite(scale) && scale > 0.0f;
    for (int k = 0; k < EMOTION_LABELS; k++) {
        m->p.bias[k] = rdf(buf + 60 + 4 * (size_t)k);
        finite = finite && isfinite(m->p.bias[k]);
        for (int j = 0; j < EMOTION_LABELS; j++) {
            m->p.lexw[k][j] = rdf(buf + 80 + 4 * (size_t)(k * EMOTION_LABELS + j));
            finite = finite && isfinite(m->p.lexw[k][j]);
        }
    }
    if (!finite) {
        why = "non-finite numbers in the header";
        goto fail;
    }
    size_t nw = ((size_t)1 << bits) * EMOTION_LABELS;
    m->p.w = malloc(nw * sizeof *m->p.w);
    if (!m->p.w || emo_lexicon_build(&m->lx) != 0) {
        why = "out of memory";
        goto fail;
    }
    const unsigned char *q = buf + HDR_BYTES;
    for (size_t i = 0; i < nw; i++) {
        int16_t v = (int16_t)(uint16_t)(q[2 * i] | q[2 * i + 1] << 8);
        m->p.w[i] = (float)v * scale;
    }
    free(buf);
    return m;
fail:
    snprintf(err, errlen, "emotion model %s: %s", path, why);
    free(buf);
    emotion_model_free(m);
    return NULL;
}

void emotion_model_free(struct emotion_model *m)
{
    if (!m)
        return;
    free(m->p.w);
    emo_lexicon_free(&m->lx);
    free(m);
}

int emo_params_write(const struct emo_params *p, const char *path, char *err, size_t errlen)
{
    if (p->hash_bits < EMO_MIN_HASH_BITS || p->hash_bits > EMO_MAX_HASH_BITS) {
        snprintf(err, errlen, "hash bits %u out of range", p->hash_bits);
        return -1;
    }
    size_t nw = ((size_t)1 << p->hash_bits) * EMOTION_LABELS, n = file_bytes(p->hash_bits);
    unsigned char *buf = calloc(1, n);
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    float maxabs = 0.0f;
    for (size_t i = 0; i < nw; i++)
        if (fabsf(p->w[i]) > maxabs)
            maxabs = fabsf(p->w[i]);
    float scale = maxabs > 0.0f ? maxabs / 32767.0f : 1.0f;
    memcpy(buf, EMO_MAGIC, 8);
    wr32(buf + 8, EMO_FORMAT_VERSION);
    wr32(buf + 12, EMO_FEATURE_VERSION);
    memcpy(buf + 16, p->version, strnlen(p->version, EMO_VERSION_LEN - 1));
    wr32(buf + 48, p->hash_bits);
    wr32(buf + 52, EMOTION_LABELS);
    wrf(buf + 56, scale);
    for (int k = 0; k < EMOTION_LABELS; k++) {
        wrf(buf + 60 + 4 * (size_t)k, p->bias[k]);
        for (int j = 0; j < EMOTION_LABELS; j++)
            wrf(buf + 80 + 4 * (size_t)(k * EMOTION_LABELS + j), p->lexw[k][j]);
    }
    unsigned char *q = buf + HDR_BYTES;
    for (size_t i = 0; i < nw; i++) {
        long v = lroundf(p->w[i] / scale);
        if (v > 32767)
            v = 32767;
        if (v < -32767)
            v = -32767;
        uint16_t u = (uint16_t)(int16_t)v;
        q[2 * i] = (unsigned char)u;
        q[2 * i + 1] = (unsigned char)(u >> 8);
    }
    uint64_t h = fnv1a64(buf, n - 8);
    for (int i = 0; i < 8; i++)
        buf[n - 8 + (size_t)i] = (unsigned char)(h >> (8 * i));
    int rc = -1;
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    if (fwrite(buf, 1, n, f) != n) {
        snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno));
        fclose(f);
        goto out;
    }
    if (fclose(f) != 0) {
        snprintf(err, errlen, "%s: close failed: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    free(buf);
    return rc;
}
