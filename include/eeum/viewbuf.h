/*
 * viewbuf.h - buffered view counters: views are counted in memory per post and written to the
 * database in batches (`views = views + n`) by a background thread, so a detail request needs
 * no write. Readers add the unflushed part to the value they read from the database; a
 * generation number (odd while a flush runs) tells a reader whether its database read and the
 * in-memory counts fit together, so displayed counts are exact in one process.
 */
#ifndef EEUM_VIEWBUF_H
#define EEUM_VIEWBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct viewbuf;

struct viewbuf_item {
    uint64_t id;
    uint64_t n;
};

/*
 * Where flushes write. `write` stores one batch (ids ascending, distinct) atomically and returns
 * true once committed. `begin` (optional) runs before a flush takes anything, e.g. to get a
 * database connection, so that the generation is odd only while batches are written; false
 * skips this flush. `end` (optional) runs after a flush whose `begin` succeeded. Never called
 * concurrently with each other.
 */
struct viewbuf_writer {
    bool (*begin)(void *ctx);
    bool (*write)(void *ctx, const struct viewbuf_item *items, size_t n);
    void (*end)(void *ctx);
    void *ctx;
};

/* The state of one post's counter, read under its lock. */
struct viewbuf_snap {
    uint64_t gen;         /* generation at the time of the snapshot */
    uint64_t incarnation; /* identifies this counter entry (0: none) */
    uint64_t pending;     /* counted, not yet taken by a flush */
    uint64_t inflight;    /* taken by the flush in progress, not yet committed */
    uint64_t flushed;     /* committed by this entry's flushes, ever */
};

struct viewbuf_stats {
    uint64_t unflushed; /* pending + inflight views, all posts */
    uint64_t flushed;   /* views written to the database */
    uint64_t flushes;   /* batches committed */
    uint64_t flush_failures;
    uint64_t overflows; /* viewbuf_add refused: too many posts with counters */
    size_t entries;
};

/* New buffer for at most `max_entries` posts; entries idle (nothing unflushed) for longer than
 * `idle_ms` are dropped by the flusher. NULL on ENOMEM. */
struct viewbuf *viewbuf_new(size_t max_entries, uint32_t idle_ms);

/* NULL-safe; the flusher must be stopped. */
void viewbuf_free(struct viewbuf *vb);

/* The current generation (odd while a flush is writing). A reader takes it BEFORE reading
 * views from the database and compares it with the snapshot's `gen` afterwards: equal and
 * even means no flush wrote in between and nothing was in flight, so the database value plus
 * `pending` is the exact count. Thread-safe. */
uint64_t viewbuf_gen(const struct viewbuf *vb);

/* Count one view of `id` and snapshot its counter (the new view included in `pending`).
 * False (no view counted) when the buffer is full: the caller writes the view itself.
 * Thread-safe. */
bool viewbuf_add(struct viewbuf *vb, uint64_t id, struct viewbuf_snap *out);

/* Snapshot without counting; a zero snapshot (incarnation 0) but the current gen when `id`
 * has no counter. Thread-safe. */
void viewbuf_peek(struct viewbuf *vb, uint64_t id, struct viewbuf_snap *out);

/*
 * One flush: take every pending count, hand them to `w->write` in batches of at most `max_batch`
 * ids (ascending), account committed batches as flushed and put failed ones back as pending;
 * also drops idle entries. Returns the number of views written. Flushes are serialised.
 * Thread-safe.
 */
uint64_t viewbuf_flush(struct viewbuf *vb, const struct viewbuf_writer *w, size_t max_batch);

/* Start a thread flushing every `interval_ms` through `w` (copied). 0 on success. */
int viewbuf_start(struct viewbuf *vb, uint32_t interval_ms, const struct viewbuf_writer *w);

/* Stop the thread after a last flush, retrying failed batches until `timeout_ms` has passed.
 * Returns the views still unflushed (lost when the process exits). NULL-safe; no-op when not
 * started. */
uint64_t viewbuf_stop(struct viewbuf *vb, uint32_t timeout_ms);

void viewbuf_get_stats(struct viewbuf *vb, struct viewbuf_stats *out);

#endif
