//! `/api/v1/contact_attributes`: the custom contact attributes a workspace defines, listed with a
//! `read` key, defined and deleted with an `admin` key (as only admins do in the console). A
//! contact's values are set through `PATCH /api/v1/contacts/{id}` ([`super::contacts`]); both
//! follow the rules of [`crate::contacts::attributes`].

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{AdminKey, Object, ReadKey, actor, openapi};
use crate::{
    contacts::attributes::{self, Definition, Field, NewDefinition, ValueType},
    db::{self, AttributeId},
    error::AppError,
    state::AppState,
    workspaces::audit,
};

/// The workspace's contact attributes, oldest first.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ContactAttributeList {
    data: Vec<Definition>,
}

/// A new contact attribute.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContactAttribute {
    /// 1 to 60 characters, not only white space, no control characters. Runs of white space
    /// are stored as one space.
    #[schema(
        min_length = 1,
        max_length = 60,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$",
        example = "Plan"
    )]
    label: String,
    /// What contacts' `attributes` hold the value under; unique in the workspace whatever its
    /// case, and never changes. Left out, it is made from the label ("Plan tier" is
    /// `plan_tier`; a label without any letter a to z or digit needs one).
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", example = "plan")]
    key: Option<String>,
    #[serde(rename = "type")]
    value_type: ValueType,
    /// For a list, and only for one: 1 to 50 options, each 1 to 100 characters (stored without
    /// surrounding white space), no two alike whatever their case.
    #[schema(max_items = 50, example = json!(["Free", "Pro", "Enterprise"]))]
    #[serde(default)]
    options: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/contact_attributes", tag = "contacts", security(("api_key" = ["read"])),
    responses((status = 200, description = "The workspace's contact attributes, oldest first (at most 50)", body = ContactAttributeList),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `read` scope", body = openapi::ErrorBody)))]
pub(super) async fn list_attributes(state: web::Data<AppState>, ReadKey(key): ReadKey) -> Result<HttpResponse, AppError> {
    let workspace_id = key.workspace_id;
    let data = db::run(&state.pool, move |conn| attributes::list(conn, workspace_id)).await?;
    Ok(HttpResponse::Ok().json(ContactAttributeList { data }))
}

#[utoipa::path(post, path = "/api/v1/contact_attributes", tag = "contacts", request_body = NewContactAttribute, security(("api_key" = ["admin"])),
    responses((status = 201, description = "The attribute is defined", body = Definition),
        (status = 400, description = "The body does not fit the schema", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `admin` scope, or its creator is no longer an admin", body = openapi::ErrorBody),
        (status = 409, description = "The key is taken, or the workspace has 50 attributes", body = openapi::ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = openapi::ErrorBody),
        (status = 422, description = "The options do not fit the type (a list needs 1 to 50 distinct options of 1 to 100 characters, any other type none), or no key was given and the label makes none", body = openapi::ErrorBody)))]
pub(super) async fn create_attribute(
    state: web::Data<AppState>,
    AdminKey(key): AdminKey,
    body: web::Json<Object<NewContactAttribute>>,
) -> Result<HttpResponse, AppError> {
    let Object(NewContactAttribute { label, key: attribute_key, value_type, options }) = body.into_inner();
    let (workspace_id, actor) = (key.workspace_id, actor(&key)?);
    // The schema's pattern: a key is sent as it is to be, not tidied.
    if attribute_key.as_deref().is_some_and(|k| !attributes::valid_key(k)) {
        return Err(AppError::bad_request(
            "key is 1 to 64 letters a to z (either case), digits, - and _, starting with a letter or digit.",
        ));
    }
    let new = NewDefinition { label, key: attribute_key, value_type, options };
    let definition = db::run(&state.pool, move |conn| {
        conn.build_transaction()
            .run(|conn| {
                let definition = attributes::create(conn, workspace_id, new)?;
                audit::record(conn, workspace_id, &actor, "contact_attribute.created", &definition.audit_name())?;
                Ok::<_, attributes::Refused>(definition)
            })
            .map_err(unprocessable_beyond_the_schema)
    })
    .await?;
    Ok(HttpResponse::Created().json(definition))
}

/// A refusal the schema cannot state (options that do not fit the type, a label that makes no
/// key) is 422; one it states (a bad label) stays 400.
fn unprocessable_beyond_the_schema(refused: attributes::Refused) -> AppError {
    match (refused.field, refused.error) {
        (Some(Field::Options | Field::Key), AppError::BadRequest(message)) => AppError::Unprocessable(message),
        (_, error) => error,
    }
}

#[utoipa::path(delete, path = "/api/v1/contact_attributes/{id}", tag = "contacts",
    params(("id" = Uuid, Path, description = "Contact attribute id")), security(("api_key" = ["admin"])),
    responses((status = 204, description = "The attribute is deleted, and its value removed from every contact of the workspace"),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `admin` scope, or its creator is no longer an admin", body = openapi::ErrorBody),
        (status = 404, description = "No such contact attribute in this workspace", body = openapi::ErrorBody)))]
pub(super) async fn delete_attribute(
    state: web::Data<AppState>,
    AdminKey(key): AdminKey,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let (workspace_id, actor, id) = (key.workspace_id, actor(&key)?, AttributeId(path.into_inner()));
    db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            let (definition, cleared) = attributes::delete(conn, workspace_id, id)?;
            audit::record(conn, workspace_id, &actor, "contact_attribute.deleted", &definition.deleted_detail(cleared))?;
            Ok::<_, AppError>(())
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
