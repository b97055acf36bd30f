//! The dashboard's static files (`static/`), compiled into the binary so that one file runs
//! the whole product.

use actix_web::{HttpResponse, http::header, web};

use crate::error::AppError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: &[Asset] = &[
    Asset { name: "app.css", content_type: "text/css; charset=utf-8", body: include_str!("../static/app.css") },
    Asset { name: "app.js", content_type: "text/javascript; charset=utf-8", body: include_str!("../static/app.js") },
    Asset { name: "inbox.js", content_type: "text/javascript; charset=utf-8", body: include_str!("../static/inbox.js") },
    Asset { name: "favicon.svg", content_type: "image/svg+xml", body: include_str!("../static/favicon.svg") },
];

pub async fn serve(name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let asset = ASSETS.iter().find(|a| a.name == name.as_str()).ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().content_type(asset.content_type).insert_header((header::CACHE_CONTROL, "public, max-age=300")).body(asset.body))
}
