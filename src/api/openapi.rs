//! The OpenAPI 3.1 document of the REST API, served at `GET /api/v1/openapi.json` and built
//! from the handlers' own annotations and the types they parse, so that it cannot drift from
//! what they accept and answer. Each operation names the key scope it needs in its security
//! requirement; every status it can answer is among its responses.

use actix_web::HttpResponse;
use utoipa::{
    Modify, OpenApi,
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
};

pub use crate::error::{ErrorBody, ErrorDetail};

struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.description = Some(
            "A workspace's API key, `sk_...`, created by an admin in Settings, API keys, with its scopes: `read` (every GET), \
             `write` (send messages, change conversations and contacts), `admin` (invite people, define labels and contact attributes; only while the key's creator \
             is still an owner or admin). Each operation lists the scope it needs; a key without it answers 403. A key stops \
             working (401) when it is revoked or its creator leaves the workspace."
                .into(),
        );
        components.add_security_scheme("api_key", SecurityScheme::Http(scheme));
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Parlor REST API", description = "Read and answer a workspace's conversations. See docs/api.md for pages, errors, webhooks and live events."),
    paths(
        super::conversations::list_conversations,
        super::conversations::get_conversation,
        super::conversations::update_conversation,
        super::conversations::list_ratings,
        super::messages::list_messages,
        super::messages::post_message,
        super::uploads::upload,
        super::labels::list_labels,
        super::labels::create_label,
        super::labels::delete_label,
        super::labels::conversation_labels,
        super::labels::add_label,
        super::labels::remove_label,
        super::contacts::list_contacts,
        super::contacts::update_contact,
        super::contacts::block_contact,
        super::contacts::unblock_contact,
        super::contacts::merge_contact,
        super::contact_attributes::list_attributes,
        super::contact_attributes::create_attribute,
        super::contact_attributes::delete_attribute,
        super::reports::summary,
        super::team::invite,
    ),
    components(schemas(ErrorBody, ErrorDetail, super::Scope)),
    modifiers(&BearerKey),
    tags((name = "conversations"), (name = "messages"), (name = "labels"), (name = "contacts"), (name = "reports"), (name = "team"))
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`: public, like any API's documentation.
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
