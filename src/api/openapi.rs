//! The OpenAPI 3.1 document of the REST API, served at `GET /api/v1/openapi.json` and built
//! from the handlers' own annotations, so that it cannot drift from what they accept.

use actix_web::HttpResponse;
use utoipa::{
    Modify, OpenApi, ToSchema,
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
};

/// Every error answer.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorDetail {
    /// `bad_request`, `unauthorized`, `not_found`, `conflict`, `rate_limited`, ...
    code: String,
    /// What went wrong, for a person.
    message: String,
    /// Quote it when asking for help: it finds the request in the logs.
    request_id: String,
}

struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.description = Some("A workspace's API key, `sk_...`, created in Settings, API keys.".into());
        components.add_security_scheme("api_key", SecurityScheme::Http(scheme));
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Parlor REST API", description = "Read and answer a workspace's conversations. See docs/api.md for pages, errors, webhooks and live events."),
    paths(
        super::list_conversations,
        super::get_conversation,
        super::update_conversation,
        super::list_messages,
        super::post_message,
        super::list_contacts,
        super::update_contact,
        super::invite,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerKey),
    security(("api_key" = [])),
    tags((name = "conversations"), (name = "messages"), (name = "contacts"), (name = "team"))
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`: public, like any API's documentation.
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
