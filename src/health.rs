//! Health checks for load balancers and orchestrators.
//! `/healthz`: the process answers. `/readyz`: it can also reach Postgres.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::{db, state::AppState};

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match db::run(&state.pool, db::ping).await {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ok", "database": "ok" })),
        Err(error) => {
            tracing::warn!(error = ?error, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(json!({ "status": "unavailable", "database": "unreachable" }))
        }
    }
}
