/*
 * users.c - SQL for users and address_infos. Statements are static strings (the pool caches
 * them per connection); updates use COALESCE(?, column) so one statement serves every subset
 * of fields without building SQL at run time.
 */
#include "eeum/db_users.h"
#include "db_util.h"

#include <stdio.h>
#include <string.h>

static const char SQL_INSERT_USER[] =
    "INSERT INTO users (email, password_hash, first_name, last_name, nickname, phone_number,"
    " gender, birth_date, profile_photo_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

static const char SQL_INSERT_ADDRESS[] =
    "INSERT INTO address_infos (user_id, zip_code, main_address, detail_address)"
    " VALUES (?, ?, ?, ?)";

static const char SQL_FIND[] =
    "SELECT u.id, u.email, u.first_name, u.last_name, u.nickname, u.phone_number, u.gender,"
    " DATE_FORMAT(u.birth_date, '%Y-%m-%d'), u.profile_photo_url, u.role, u.status,"
    " DATE_FORMAT(u.created_at, '%Y-%m-%dT%H:%i:%sZ'),"
    " DATE_FORMAT(GREATEST(u.updated_at, COALESCE(a.updated_at, u.updated_at)),"
    "   '%Y-%m-%dT%H:%i:%sZ'),"
    " a.zip_code, a.main_address, a.detail_address"
    " FROM users u LEFT JOIN address_infos a ON a.user_id = u.id"
    " WHERE u.id = ? AND u.is_deleted = 0";

static const char SQL_FIND_LOGIN[] =
    "SELECT id, password_hash, role FROM users WHERE active_email = ?";

static const char SQL_ACTIVE_ROLE[] = "SELECT role FROM users WHERE id = ? AND is_deleted = 0";

static const char SQL_UPDATE_USER[] =
    "UPDATE users SET password_hash = COALESCE(?, password_hash),"
    " first_name = COALESCE(?, first_name), last_name = COALESCE(?, last_name),"
    " nickname = COALESCE(?, nickname), phone_number = COALESCE(?, phone_number),"
    " profile_photo_url = IF(?, ?, profile_photo_url)"
    " WHERE id = ? AND is_deleted = 0";

static const char SQL_UPDATE_ADDRESS[] =
    "UPDATE address_infos SET zip_code = COALESCE(?, zip_code),"
    " main_address = COALESCE(?, main_address), detail_address = COALESCE(?, detail_address)"
    " WHERE user_id = ?";

static const char SQL_SET_HASH[] =
    "UPDATE users SET password_hash = ? WHERE id = ? AND is_deleted = 0";

static const char SQL_SOFT_DELETE[] =
    "UPDATE users SET is_deleted = 1, deleted_at = CURRENT_TIMESTAMP(3), status = 'DELETED'"
    " WHERE id = ? AND is_deleted = 0";

static struct db_param p_cstr(bool present, const char *s)
{
    return present ? db_p_str(s) : db_p_null();
}

enum status db_users_insert(struct db_conn *c, const struct val_user *u, const char *password_hash,
                            uint64_t *out_id)
{
    char birth[16];
    snprintf(birth, sizeof birth, "%04d-%02d-%02d", u->birth.year, u->birth.month, u->birth.day);
    struct db_param up[] = {
        db_p_str(u->email),
        db_p_str(password_hash),
        db_p_strn(u->first_name.p, u->first_name.n),
        db_p_strn(u->last_name.p, u->last_name.n),
        db_p_strn(u->nickname.p, u->nickname.n),
        db_p_str(u->phone),
        db_p_str(u->gender),
        db_p_str(birth),
        u->photo_url.n ? db_p_strn(u->photo_url.p, u->photo_url.n) : db_p_null(),
    };
    enum status st = db_tx_begin(c);
    if (st != STATUS_OK)
        return st;
    uint64_t id = 0;
    st = db_exec(c, SQL_INSERT_USER, up, sizeof up / sizeof up[0], NULL, &id);
    if (st == STATUS_OK) {
        struct db_param ap[] = {
            db_p_u64(id),
            db_p_str(u->zip),
            db_p_strn(u->main_address.p, u->main_address.n),
            db_p_strn(u->detail_address.p, u->detail_address.n),
        };
        st = db_exec(c, SQL_INSERT_ADDRESS, ap, sizeof ap / sizeof ap[0], NULL, NULL);
    }
    if (st == STATUS_OK)
        st = db_tx_commit(c);
    else
        db_tx_rollback(c);
    if (st == STATUS_OK)
        *out_id = id;
    return st;
}

enum status db_users_find(struct db_conn *c, uint64_t id, struct db_rows **out)
{
    struct db_param p[] = {db_p_u64(id)};
    enum status st = db_query(c, SQL_FIND, p, 1, out);
    if (st == STATUS_OK && db_rows_count(*out) == 0) {
        db_rows_free(*out);
        *out = NULL;
        return STATUS_NOT_FOUND;
    }
    return st;
}

enum status db_users_find_login(struct db_conn *c, const char *email, uint64_t *out_id,
                                char out_hash[DB_USER_HASH_MAX], char out_role[16])
{
    struct db_rows *r = NULL;
    struct db_param p[] = {db_p_str(email)};
    enum status st = db_query(c, SQL_FIND_LOGIN, p, 1, &r);
    if (st == STATUS_OK && db_rows_count(r) == 0)
        st = STATUS_NOT_FOUND;
    if (st == STATUS_OK) {
        *out_id = db_rows_u64(r, 0, 0);
        snprintf(out_hash, DB_USER_HASH_MAX, "%s", db_rows_str(r, 0, 1));
        snprintf(out_role, 16, "%s", db_rows_str(r, 0, 2));
    }
    db_rows_free(r);
    return st;
}

enum status db_users_active_role(struct db_conn *c, uint64_t id, char out_role[16])
{
    struct db_rows *r = NULL;
    struct db_param p[] = {db_p_u64(id)};
    enum status st = db_query(c, SQL_ACTIVE_ROLE, p, 1, &r);
    if (st == STATUS_OK && db_rows_count(r) == 0)
        st = STATUS_NOT_FOUND;
    if (st == STATUS_OK)
        snprintf(out_role, 16, "%s", db_rows_str(r, 0, 0));
    db_rows_free(r);
    return st;
}

enum status db_users_update(struct db_conn *c, uint64_t id, const struct val_user *u,
                            const char *new_password_hash)
{
    struct db_param up[] = {
        p_cstr(new_password_hash != NULL, new_password_hash),
        db_p_view(u->has_first_name, u->first_name),
        db_p_view(u->has_last_name, u->last_name),
        db_p_view(u->has_nickname, u->nickname),
        p_cstr(u->has_phone, u->phone),
        db_p_i64(u->has_photo ? 1 : 0),
        u->has_photo && u->photo_url.n ? db_p_strn(u->photo_url.p, u->photo_url.n) : db_p_null(),
        db_p_u64(id),
    };
    struct db_param ap[] = {
        p_cstr(u->has_zip, u->zip),
        db_p_view(u->has_main_address, u->main_address),
        db_p_view(u->has_detail_address, u->detail_address),
        db_p_u64(id),
    };
    enum status st = db_tx_begin(c);
    if (st != STATUS_OK)
        return st;
    st = db_exec(c, SQL_UPDATE_USER, up, sizeof up / sizeof up[0], NULL, NULL);
    if (st == STATUS_OK && (u->has_zip || u->has_main_address || u->has_detail_address))
        st = db_exec(c, SQL_UPDATE_ADDRESS, ap, sizeof ap / sizeof ap[0], NULL, NULL);
    if (st == STATUS_OK)
        st = db_tx_commit(c);
    else
        db_tx_rollback(c);
    return st;
}

enum status db_users_set_hash(struct db_conn *c, uint64_t id, const char *password_hash)
{
    struct db_param p[] = {db_p_str(password_hash), db_p_u64(id)};
    return db_exec(c, SQL_SET_HASH, p, 2, NULL, NULL);
}

enum status db_users_soft_delete(struct db_conn *c, uint64_t id)
{
    uint64_t affected = 0;
    struct db_param p[] = {db_p_u64(id)};
    enum status st = db_exec(c, SQL_SOFT_DELETE, p, 1, &affected, NULL);
    if (st == STATUS_OK && affected == 0)
        st = STATUS_NOT_FOUND;
    return st;
}

const char *db_users_conflict_field(const struct db_conn *c)
{
    const char *e = db_conn_last_error(c);
    if (strstr(e, "active_email"))
        return "email";
    if (strstr(e, "active_nickname"))
        return "nickname";
    return NULL;
}
