//! Health checks for load balancers and orchestrators.
//! `/healthz`: the process answers. `/readyz`: it can also reach Postgres, and it is not
//! shutting down (a draining instance answers 503 so that the load balancer stops sending it
//! new work while it finishes the old).

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::{db, state::AppState};

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    if state.lifecycle.is_draining() {
        return HttpResponse::ServiceUnavailable().json(json!({ "status": "draining" }));
    }
    match db::run(&state.pool, db::ping).await {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ok", "database": "ok" })),
        Err(error) => {
            tracing::warn!(error = ?error, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(json!({ "status": "unavailable", "database": "unreachable" }))
        }
    }
}
