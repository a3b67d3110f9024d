/*
 * envelope.c - success, page and error envelopes (SPEC §3).
 */
#include "eeum/envelope.h"

json_t *envelope_item(json_t *item)
{
    json_t *o = json_object();
    json_object_set_new(o, "success", json_true());
    json_object_set_new(o, "item", item ? item : json_null());
    return o;
}

json_t *envelope_page(json_t *items, uint64_t page, uint64_t size, uint64_t total)
{
    json_t *o = json_object();
    uint64_t pages = size ? (total + size - 1) / size : 0;
    json_object_set_new(o, "success", json_true());
    json_object_set_new(o, "totalPages", json_integer((json_int_t)pages));
    json_object_set_new(o, "totalElements", json_integer((json_int_t)total));
    json_object_set_new(o, "page", json_integer((json_int_t)page));
    json_object_set_new(o, "numOfItems", json_integer((json_int_t)json_array_size(items)));
    json_object_set_new(o, "items", items ? items : json_array());
    return o;
}

json_t *envelope_error(const char *message, json_t *errors, const char *request_id)
{
    json_t *o = json_object();
    json_object_set_new(o, "success", json_false());
    json_object_set_new(o, "message", json_string(message ? message : ""));
    if (errors)
        json_object_set_new(o, "errors", errors);
    json_object_set_new(o, "requestId", json_string(request_id ? request_id : ""));
    return o;
}

void envelope_add_field_error(json_t *errors, const char *field, const char *message)
{
    json_t *e = json_object();
    json_object_set_new(e, "field", json_string(field));
    json_object_set_new(e, "message", json_string(message));
    json_array_append_new(errors, e);
}
