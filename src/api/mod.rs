//! The REST API (`/api/v1`) for other systems, authenticated by secret API keys (`sk_...`):
//! conversations and visitors' ratings of them ([`conversations`]), their messages and replies as an agent ([`messages`]),
//! contacts ([`contacts`]) and the attributes they carry ([`contact_attributes`]), labels ([`labels`]), reports ([`reports`]), invitations ([`team`]), files for messages ([`uploads`]). The keys themselves
//! ([`crate::auth::api_keys`]) are managed by admins in Settings; what each handler needs of its key (`read`, `write`, `admin`) is the
//! type of its key argument.
//!
//! The request and response types here are what the OpenAPI document ([`openapi`]) describes:
//! every limit a handler enforces is in their schema, so that a request the document calls
//! valid is never refused for a reason it does not state.
//!
//! Tenant rule: the key names the workspace ([`ApiKey`]); every query takes its
//! `WorkspaceId`, and another workspace's object answers 404.

pub mod contact_attributes;
pub mod contacts;
pub mod conversations;
pub mod labels;
pub mod messages;
pub mod openapi;
pub mod reports;
pub mod team;
pub mod uploads;

use actix_web::{HttpRequest, HttpResponse, error::JsonPayloadError, middleware, web};
use serde::{Deserialize, Deserializer, Serialize};

pub use crate::auth::api_keys::{AdminKey, ApiKey, ReadKey, Scope, Scopes, WriteKey};
use crate::{conversations::Author, error::AppError, workspaces::audit::Actor};

pub const BODY_LIMIT: usize = 64 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Public, like any API's documentation: outside the scope that asks for a key.
    cfg.service(resource("/api/v1/openapi.json", "GET").route(web::get().to(openapi::document)));
    cfg.service(
        web::scope("/api/v1")
            .wrap(middleware::from_fn(crate::auth::api_keys::authenticate_requests))
            .app_data(web::JsonConfig::default().limit(BODY_LIMIT).error_handler(json_error))
            .app_data(web::QueryConfig::default().error_handler(|error, _| AppError::BadRequest(format!("{error}.")).into()))
            // A path id that is not a UUID names nothing.
            .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
            .service(resource("/conversations", "GET").route(web::get().to(conversations::list_conversations)))
            .service(
                resource("/conversations/{id}", "GET, PATCH")
                    .route(web::get().to(conversations::get_conversation))
                    .route(web::patch().to(conversations::update_conversation)),
            )
            .service(
                resource("/conversations/{id}/messages", "GET, POST")
                    .route(web::get().to(messages::list_messages))
                    .route(web::post().to(messages::post_message)),
            )
            .service(
                resource("/conversations/{id}/labels", "GET, POST")
                    .route(web::get().to(labels::conversation_labels))
                    .route(web::post().to(labels::add_label)),
            )
            .service(resource("/conversations/{id}/labels/{label_id}", "DELETE").route(web::delete().to(labels::remove_label)))
            .service(resource("/ratings", "GET").route(web::get().to(conversations::list_ratings)))
            .service(resource("/labels", "GET, POST").route(web::get().to(labels::list_labels)).route(web::post().to(labels::create_label)))
            .service(resource("/labels/{id}", "DELETE").route(web::delete().to(labels::delete_label)))
            .service(resource("/contacts", "GET").route(web::get().to(contacts::list_contacts)))
            .service(
                resource("/contact_attributes", "GET, POST")
                    .route(web::get().to(contact_attributes::list_attributes))
                    .route(web::post().to(contact_attributes::create_attribute)),
            )
            .service(resource("/contact_attributes/{id}", "DELETE").route(web::delete().to(contact_attributes::delete_attribute)))
            .service(resource("/contacts/{id}", "PATCH").route(web::patch().to(contacts::update_contact)))
            .service(resource("/contacts/{id}/block", "POST").route(web::post().to(contacts::block_contact)))
            .service(resource("/contacts/{id}/unblock", "POST").route(web::post().to(contacts::unblock_contact)))
            .service(resource("/contacts/{id}/merge", "POST").route(web::post().to(contacts::merge_contact)))
            .service(resource("/reports/summary", "GET").route(web::get().to(reports::summary)))
            .service(resource("/invitations", "POST").route(web::post().to(team::invite)))
            .service(resource("/uploads", "POST").route(web::post().to(uploads::upload))),
    );
}

/// A path of the API that answers other methods with 405 and the methods it does accept.
fn resource(path: &str, allow: &'static str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(move || async move { Err::<HttpResponse, _>(AppError::MethodNotAllowed(allow)) }))
}

/// Every body error is the API's JSON error: 413 past [`BODY_LIMIT`], 400 with serde's words
/// (which name the field and what it expects) otherwise.
fn json_error(error: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    match error {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => AppError::PayloadTooLarge.into(),
        JsonPayloadError::ContentType => AppError::bad_request("Send a JSON body, with Content-Type: application/json.").into(),
        JsonPayloadError::Deserialize(error) => AppError::BadRequest(format!("The JSON body does not fit: {error}.")).into(),
        other => AppError::BadRequest(format!("The body could not be read: {other}.")).into(),
    }
}

/// A JSON body that must be an object. serde's derived structs also take an array of their
/// fields in order, which the schema (an object) does not allow, so the body is read as an
/// object first.
pub struct Object<T>(pub T);

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let object = serde_json::Map::deserialize(deserializer)?;
        serde_json::from_value(serde_json::Value::Object(object)).map(Object).map_err(serde::de::Error::custom)
    }
}

/// Whether `text` says something: a character that is not white space (as Rust's `trim`
/// counts it), and no NUL, which Postgres cannot store. The schema states it as the pattern
/// `^[^\u0000]*[^\u0000\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000]*$`.
fn says_something(text: &str) -> bool {
    !text.contains('\0') && !text.trim().is_empty()
}

/// A page of a list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    data: Vec<T>,
    /// Pass as `after` (for messages, `after_seq`) for the next page; `null` on the last one.
    next_cursor: Option<String>,
}

/// Who acts with a key, for the audit log: its creator, through the key.
fn actor(key: &ApiKey) -> Result<Actor, AppError> {
    match &key.author {
        Some(Author::Agent { user_id, name, .. }) => Ok(Actor::api_key(*user_id, name)),
        _ => Err(AppError::SignInRequired),
    }
}
