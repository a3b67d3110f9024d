/*
 * db_users.h - persistence of users and their address (tables users, address_infos).
 * Uniqueness of email and nickname among registered users is the database's job (unique
 * indexes on generated columns that are NULL for deleted rows); these functions report a
 * violation as STATUS_CONFLICT and say which field through db_users_conflict_field().
 */
#ifndef EEUM_DB_USERS_H
#define EEUM_DB_USERS_H

#include "eeum/db.h"
#include "eeum/validate.h"

#include <stddef.h>
#include <stdint.h>

/* Column order of the rows returned by db_users_find. */
enum db_user_col {
    DB_USER_ID = 0,
    DB_USER_EMAIL,
    DB_USER_FIRST_NAME,
    DB_USER_LAST_NAME,
    DB_USER_NICKNAME,
    DB_USER_PHONE,
    DB_USER_GENDER,
    DB_USER_BIRTH_DATE, /* YYYY-MM-DD */
    DB_USER_PHOTO_URL,  /* may be NULL */
    DB_USER_ROLE,
    DB_USER_STATUS,
    DB_USER_CREATED_AT, /* ISO-8601 UTC with Z */
    DB_USER_UPDATED_AT,
    DB_USER_ZIP,
    DB_USER_MAIN_ADDRESS,
    DB_USER_DETAIL_ADDRESS,
};

#define DB_USER_HASH_MAX 256

/* Insert a user and its address in one transaction. STATUS_CONFLICT on a taken email/nickname. */
enum status db_users_insert(struct db_conn *c, const struct val_user *u, const char *password_hash,
                            uint64_t *out_id);

/* One registered (not deleted) user; STATUS_NOT_FOUND otherwise. *out is new (db_rows_free). */
enum status db_users_find(struct db_conn *c, uint64_t id, struct db_rows **out);

/* Credentials of a registered user by (lower-cased) email; STATUS_NOT_FOUND if none. */
enum status db_users_find_login(struct db_conn *c, const char *email, uint64_t *out_id,
                                char out_hash[DB_USER_HASH_MAX], char out_role[16]);

/* STATUS_OK when `id` is a registered user (the role is copied to out_role), NOT_FOUND if
 * deleted or unknown. */
enum status db_users_active_role(struct db_conn *c, uint64_t id, char out_role[16]);

/* Apply the present fields of `u` (and a new hash when non-NULL) in one transaction. */
enum status db_users_update(struct db_conn *c, uint64_t id, const struct val_user *u,
                            const char *new_password_hash);

/* Replace the stored hash (re-hash on login after a parameter change). */
enum status db_users_set_hash(struct db_conn *c, uint64_t id, const char *password_hash);

/* Soft delete; STATUS_NOT_FOUND when already deleted. */
enum status db_users_soft_delete(struct db_conn *c, uint64_t id);

/* After STATUS_CONFLICT: "email" or "nickname" (NULL if it cannot tell). */
const char *db_users_conflict_field(const struct db_conn *c);

#endif
