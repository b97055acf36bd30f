//! `/api/v1/contacts`: a workspace's contacts (visitors) in pages by id, edits of a contact's
//! name, email and attribute values (checked by [`crate::contacts::attributes`]), blocking a
//! contact (`.../block`, `.../unblock`), and merging another contact into one (`.../merge`, done
//! by [`crate::contacts::merge`]).
//!
//! Tenant rule: every query takes the key's `WorkspaceId`, and an edit filters on it together
//! with the contact's id, so another workspace's contact answers 404.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Object, Page, ReadKey, WriteKey, actor, openapi, says_something};
use crate::{
    contacts::attributes as contact_attributes,
    conversations::contacts as contact_blocks,
    db::{self, ContactId, schema::contacts as contacts_table},
    error::AppError,
    inbox::queries,
    realtime::revocation::Revocation,
    state::AppState,
};

type ContactRow = (
    ContactId,
    Option<String>,
    Option<String>,
    Option<String>,
    bool,
    serde_json::Value,
    OffsetDateTime,
    Option<OffsetDateTime>,
    Option<Uuid>,
);

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactsQuery {
    /// The `next_cursor` of the previous page.
    after: Option<Uuid>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ContactJson {
    id: Uuid,
    name: Option<String>,
    email: Option<String>,
    /// The visitor's id in your system, as your website gave it.
    external_id: Option<String>,
    /// Whether your website signed `external_id` (identity verification). When false, the
    /// id, name and email are only what the visitor's page claimed.
    identity_verified: bool,
    /// Custom attributes by key: the values of the attributes the workspace defines
    /// (`GET /api/v1/contact_attributes`), each of its type (text and list choices as strings,
    /// numbers, dates as `"YYYY-MM-DD"`, booleans), and any other key the website sent through
    /// the widget (text, a number or a boolean).
    #[schema(value_type = Object, example = json!({"plan": "Pro", "seats": 12, "renews_on": "2027-01-31", "vip": true}))]
    attributes: serde_json::Value,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    /// When the contact was blocked; `null` when they are not. A blocked contact cannot start
    /// a widget session, and replies to them are refused.
    #[serde(with = "time::serde::rfc3339::option")]
    blocked_at: Option<OffsetDateTime>,
    /// The member who blocked them (`null` when not blocked, or when that member's account is gone).
    blocked_by: Option<Uuid>,
}

/// `GET /api/v1/contacts?after=<id>`: 50 per page, by id.
#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts", params(ContactsQuery), security(("api_key" = ["read"])),
    responses((status = 200, body = Page<ContactJson>),
        (status = 400, description = "A parameter does not fit the schema", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `read` scope", body = openapi::ErrorBody)))]
pub(super) async fn list_contacts(
    state: web::Data<AppState>,
    ReadKey(key): ReadKey,
    query: web::Query<ContactsQuery>,
) -> Result<HttpResponse, AppError> {
    use diesel::prelude::*;
    let workspace_id = key.workspace_id;
    let after = query.after.unwrap_or(Uuid::nil());
    let mut rows: Vec<ContactJson> = db::run(&state.pool, move |conn| {
        Ok(contacts_table::table
            .filter(contacts_table::workspace_id.eq(workspace_id))
            .filter(contacts_table::id.gt(ContactId(after)))
            .order(contacts_table::id.asc())
            .limit(51)
            .select((
                contacts_table::id,
                contacts_table::name,
                contacts_table::email,
                contacts_table::external_id,
                contacts_table::identity_verified,
                contacts_table::attributes,
                contacts_table::created_at,
                contacts_table::blocked_at,
                contacts_table::blocked_by,
            ))
            .load::<ContactRow>(conn)?
            .into_iter()
            .map(|(id, name, email, external_id, identity_verified, attributes, created_at, blocked_at, blocked_by)| ContactJson {
                id: id.0,
                name,
                email,
                external_id,
                identity_verified,
                attributes,
                created_at,
                blocked_at,
                blocked_by,
            })
            .collect())
    })
    .await?;
    let more = rows.len() > 50;
    rows.truncate(50);
    let next_cursor = if more { rows.last().map(|c| c.id.to_string()) } else { None };
    Ok(HttpResponse::Ok().json(Page { data: rows, next_cursor }))
}

/// The fields a PATCH may change; any may be left out (`null` is no change too).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPatch {
    /// At most 200 characters, not only white space; stored without surrounding white space.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000]*[^\u0000\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000]*$"
    )]
    name: Option<String>,
    #[schema(format = Email, max_length = 254)]
    email: Option<String>,
    /// Values to set, by the key of an attribute the workspace defines, each checked by its
    /// type: `text` a string of at most 500 characters on one line (stored trimmed), `number` a
    /// number, `date` a string `YYYY-MM-DD`, `boolean` true or false, `list` one of its
    /// options (whatever its case; stored as the option is spelt). `null` or an empty string
    /// clears a value; `null` also clears a key without a definition. Keys left out stay as
    /// they are. A key that is not defined, or a value that does not fit, answers 422 and
    /// changes nothing.
    #[schema(value_type = Option<Object>, example = json!({"plan": "Pro", "seats": 12, "renews_on": null}))]
    attributes: Option<serde_json::Map<String, serde_json::Value>>,
}

#[utoipa::path(patch, path = "/api/v1/contacts/{id}", tag = "contacts",
    params(("id" = Uuid, Path, description = "Contact id")), request_body = ContactPatch, security(("api_key" = ["write"])),
    responses((status = 200, body = ContactJson),
        (status = 400, description = "The body does not fit the schema", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `write` scope", body = openapi::ErrorBody),
        (status = 404, description = "No such contact in this workspace", body = openapi::ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = openapi::ErrorBody),
        (status = 422, description = "An attribute is not one the workspace defines, or its value does not fit the attribute's type", body = openapi::ErrorBody)))]
pub(super) async fn update_contact(
    state: web::Data<AppState>,
    WriteKey(key): WriteKey,
    path: web::Path<Uuid>,
    body: web::Json<Object<ContactPatch>>,
) -> Result<HttpResponse, AppError> {
    use diesel::prelude::*;
    let Object(ContactPatch { name, email, attributes }) = body.into_inner();
    // The length counts what was sent, as the schema's maxLength does.
    if name.as_ref().is_some_and(|n| !says_something(n) || n.chars().count() > 200) {
        return Err(AppError::bad_request("name is 1 to 200 characters, not only white space."));
    }
    let name = name.map(|n| n.trim().to_string());
    if email.as_ref().is_some_and(|e| e.chars().count() > 254 || e.trim().parse::<lettre::Address>().is_err()) {
        return Err(AppError::bad_request("email is not an email address."));
    }
    let email = email.map(|e| e.trim().to_string());
    let (workspace_id, id) = (key.workspace_id, ContactId(path.into_inner()));
    let updated = db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            let target = contacts_table::table.filter(contacts_table::workspace_id.eq(workspace_id)).filter(contacts_table::id.eq(id));
            let found: i64 = target.count().get_result(conn)?;
            if found == 0 {
                return Err(AppError::NotFound);
            }
            // Checked before anything changes: a value that does not fit changes nothing.
            if let Some(sent) = attributes.filter(|a| !a.is_empty()) {
                let definitions = contact_attributes::definitions_for_values(conn, workspace_id)?;
                let changes = contact_attributes::changes_from_api(&definitions, &sent)?;
                contact_attributes::apply(conn, workspace_id, id, &changes)?;
            }
            if let Some(name) = name {
                diesel::update(target).set(contacts_table::name.eq(name)).execute(conn)?;
            }
            if let Some(email) = email {
                diesel::update(target).set(contacts_table::email.eq(email)).execute(conn)?;
            }
            queries::contact(conn, workspace_id, id)?.ok_or(AppError::NotFound)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(contact_json(updated)))
}

fn contact_json(contact: queries::ContactDetails) -> ContactJson {
    ContactJson {
        id: contact.id.0,
        name: contact.name,
        email: contact.email,
        external_id: contact.external_id,
        identity_verified: contact.identity_verified,
        attributes: contact.attributes,
        created_at: contact.created_at,
        blocked_at: contact.blocked_at,
        blocked_by: contact.blocked_by.map(|u| u.0),
    }
}

/// `POST /api/v1/contacts/{id}/block`: ends the contact's widget sessions (their sockets close)
/// and refuses new ones until the block is lifted. Blocking a blocked contact changes nothing.
#[utoipa::path(post, path = "/api/v1/contacts/{id}/block", tag = "contacts",
    params(("id" = Uuid, Path, description = "Contact id")), security(("api_key" = ["write"])),
    responses((status = 200, description = "Blocked", body = ContactJson),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `write` scope", body = openapi::ErrorBody),
        (status = 404, description = "No such contact in this workspace", body = openapi::ErrorBody)))]
pub(super) async fn block_contact(
    state: web::Data<AppState>,
    WriteKey(key): WriteKey,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let (workspace_id, id, actor) = (key.workspace_id, ContactId(path.into_inner()), actor(&key)?);
    let (contact, revoked) = db::run(&state.pool, move |conn| {
        let revoked = contact_blocks::block(conn, workspace_id, &actor, id)?;
        Ok((queries::contact(conn, workspace_id, id)?.ok_or(AppError::NotFound)?, revoked))
    })
    .await?;
    if !revoked.is_empty() {
        state.realtime.revoke(Revocation::Blocked(workspace_id, id));
    }
    Ok(HttpResponse::Ok().json(contact_json(contact)))
}

/// `POST /api/v1/contacts/{id}/unblock`: lifts a block; the contact may start a new widget
/// session. Only with a key whose creator is an owner or admin.
#[utoipa::path(post, path = "/api/v1/contacts/{id}/unblock", tag = "contacts",
    params(("id" = Uuid, Path, description = "Contact id")), security(("api_key" = ["write"])),
    responses((status = 200, description = "No longer blocked", body = ContactJson),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `write` scope, or its creator is an agent: only owners and admins lift a block", body = openapi::ErrorBody),
        (status = 404, description = "No such contact in this workspace", body = openapi::ErrorBody)))]
pub(super) async fn unblock_contact(
    state: web::Data<AppState>,
    WriteKey(key): WriteKey,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let (workspace_id, id, actor) = (key.workspace_id, ContactId(path.into_inner()), actor(&key)?);
    let may_unblock = key.creator_role.is_admin();
    let contact = db::run(&state.pool, move |conn| {
        // Another workspace's contact is 404 for an agent's key too, never 403.
        queries::contact(conn, workspace_id, id)?.ok_or(AppError::NotFound)?;
        if !may_unblock {
            return Err(AppError::Forbidden(UNBLOCK_REFUSED.into()));
        }
        contact_blocks::unblock(conn, workspace_id, &actor, id)?;
        queries::contact(conn, workspace_id, id)?.ok_or(AppError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(contact_json(contact)))
}

/// Why an agent may not lift a block.
pub const UNBLOCK_REFUSED: &str = "Only the workspace's owners and admins can unblock a contact.";

/// The contact to merge into the one in the path.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactMerge {
    /// Its conversations, messages, files and widget sessions move to the contact in the path,
    /// which takes the details it lacks from it; then it is deleted.
    merge_contact_id: Uuid,
}

/// `POST /api/v1/contacts/{id}/merge`: merges another contact into this one (any member's key
/// with `write`: nothing is lost). Answers the kept contact as it now is.
#[utoipa::path(post, path = "/api/v1/contacts/{id}/merge", tag = "contacts",
    params(("id" = Uuid, Path, description = "The contact that is kept")), request_body = ContactMerge, security(("api_key" = ["write"])),
    responses((status = 200, description = "Merged: the kept contact", body = ContactJson),
        (status = 400, description = "The body does not fit the schema", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `write` scope", body = openapi::ErrorBody),
        (status = 404, description = "Either contact is not in this workspace", body = openapi::ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = openapi::ErrorBody),
        (status = 422, description = "Both ids name the same contact, or the two have different user ids (`external_id`): different people; nothing changes", body = openapi::ErrorBody)))]
pub(super) async fn merge_contact(
    state: web::Data<AppState>,
    WriteKey(key): WriteKey,
    path: web::Path<Uuid>,
    body: web::Json<Object<ContactMerge>>,
) -> Result<HttpResponse, AppError> {
    let Object(ContactMerge { merge_contact_id }) = body.into_inner();
    let (workspace_id, kept, actor) = (key.workspace_id, ContactId(path.into_inner()), actor(&key)?);
    crate::contacts::merge::merge_contacts(&state, workspace_id, actor, kept, ContactId(merge_contact_id)).await?;
    let contact = db::run(&state.pool, move |conn| queries::contact(conn, workspace_id, kept)?.ok_or(AppError::NotFound)).await?;
    Ok(HttpResponse::Ok().json(contact_json(contact)))
}
