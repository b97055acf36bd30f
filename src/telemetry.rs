//! Logging and tracing: a tracing subscriber that prints pretty lines for people or JSON for
//! machines, a root span per request carrying its request id, the user and the workspace, and,
//! when an OpenTelemetry collector is named, the export of those spans to it over OTLP/HTTP
//! (protobuf).
//!
//! Export reads the standard OpenTelemetry variables. Without an endpoint nothing of it exists:
//! no layer, no exporter, no thread.
//! - `OTEL_EXPORTER_OTLP_ENDPOINT`: the collector's base URL; spans go to `<endpoint>/v1/traces`.
//! - `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`: the full URL for spans, instead of the one above.
//! - `OTEL_EXPORTER_OTLP_HEADERS` (or `..._TRACES_HEADERS`): `key=value,...` sent with every export.
//! - `OTEL_EXPORTER_OTLP_TIMEOUT` (or `..._TRACES_TIMEOUT`): milliseconds per export, 10000.
//! - `OTEL_EXPORTER_OTLP_COMPRESSION` (or `..._TRACES_COMPRESSION`): `gzip`, or none.
//! - `OTEL_EXPORTER_OTLP_PROTOCOL` (or `..._TRACES_PROTOCOL`): `http/protobuf`, the only one.
//! - `OTEL_SERVICE_NAME`: `parlor`; `OTEL_RESOURCE_ATTRIBUTES` adds attributes.
//! - `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`: `parentbased_always_on`.
//! - `OTEL_BSP_SCHEDULE_DELAY` (5000 ms), `OTEL_BSP_MAX_QUEUE_SIZE` (2048),
//!   `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` (512): batching; spans beyond a full queue are dropped.
//! - `OTEL_SDK_DISABLED=true`: no export, whatever the endpoint.

use std::{
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::HeaderMap,
};
use anyhow::{Context as _, bail};
use opentelemetry::{
    KeyValue, global,
    propagation::Extractor,
    trace::{TraceContextExt as _, TracerProvider as _},
};
use opentelemetry_otlp::{Protocol, WithExportConfig as _};
use opentelemetry_sdk::{
    Resource,
    propagation::TraceContextPropagator,
    trace::{SdkTracer, SdkTracerProvider},
};
use tracing::{Metadata, Span, subscriber::Interest};
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;
use tracing_subscriber::{
    EnvFilter,
    filter::{DynFilterFn, filter_fn},
    fmt,
    layer::Context,
    prelude::*,
};

use crate::config::LogFormat;

/// How long stopping Parlor may wait for the last spans to reach the collector.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(2);

/// Whether spans are exported: only then does a request read its caller's `traceparent`.
static EXPORTING: AtomicBool = AtomicBool::new(false);

/// Installs the global subscriber, without export (in-process tests that want logs);
/// `RUST_LOG` filters (default `info`).
pub fn init(format: LogFormat) {
    install(format, None);
}

/// Installs the global subscriber and, when the environment names an OpenTelemetry collector,
/// the export of every span to it. Fails on a setting that cannot work, e.g. an endpoint that
/// is not an http(s) URL.
pub fn init_from_env(format: LogFormat) -> anyhow::Result<Telemetry> {
    let Some(endpoint) = traces_endpoint_from_env()? else {
        install(format, None);
        return Ok(Telemetry { provider: None });
    };
    let provider = tracer_provider(&endpoint)?;
    global::set_text_map_propagator(TraceContextPropagator::new());
    install(format, Some(provider.tracer("parlor")));
    EXPORTING.store(true, Ordering::Relaxed);
    tracing::info!(%endpoint, "exporting spans to an OpenTelemetry collector");
    Ok(Telemetry { provider: Some(provider) })
}

fn install(format: LogFormat, tracer: Option<SdkTracer>) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // The HTTP client that sends spans must not make spans of its own: each export would
    // cause the next.
    let export = tracer.map(|tracer| {
        tracing_opentelemetry::layer().with_tracer(tracer).with_filter(filter_fn(|metadata| {
            !["h2", "hyper", "reqwest", "tower", "opentelemetry"].iter().any(|library| metadata.target().starts_with(library))
        }))
    });
    // Only the accept thread's events are judged one by one; every other callsite keeps the
    // answer `filter` caches for it.
    let drain_noise = DynFilterFn::new(|metadata: &Metadata<'_>, _: &Context<'_, _>| {
        !(metadata.target() == crate::ops::drain::ACCEPT_THREAD_TARGET && crate::ops::drain::accept_thread_errors_expected())
    })
    .with_callsite_filter(|metadata| {
        if metadata.target() == crate::ops::drain::ACCEPT_THREAD_TARGET { Interest::sometimes() } else { Interest::always() }
    });
    let registry = tracing_subscriber::registry().with(filter).with(drain_noise).with(export);
    let result = match format {
        LogFormat::Json => registry.with(fmt::layer().json().flatten_event(true).with_current_span(true).with_span_list(false)).try_init(),
        LogFormat::Pretty => registry.with(fmt::layer().compact()).try_init(),
    };
    if result.is_err() {
        // Tests build several applications in one process; the first subscriber stays.
    }
}

fn non_empty_var(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|value| value.trim().to_string()).filter(|value| !value.is_empty())
}

/// The URL spans are sent to, or `None` when no variable names a collector.
fn traces_endpoint_from_env() -> anyhow::Result<Option<String>> {
    if non_empty_var("OTEL_SDK_DISABLED").is_some_and(|value| value.eq_ignore_ascii_case("true")) {
        return Ok(None);
    }
    let endpoint = if let Some(url) = non_empty_var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
        http_url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", &url)?;
        url
    } else if let Some(base) = non_empty_var("OTEL_EXPORTER_OTLP_ENDPOINT") {
        http_url("OTEL_EXPORTER_OTLP_ENDPOINT", &base)?;
        format!("{}/v1/traces", base.trim_end_matches('/'))
    } else {
        return Ok(None);
    };
    for name in ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"] {
        if let Some(protocol) = non_empty_var(name) {
            if protocol != "http/protobuf" {
                bail!("{name}={protocol}: Parlor exports spans over http/protobuf only");
            }
            break;
        }
    }
    Ok(Some(endpoint))
}

/// Refuses what the exporter would otherwise replace with its default address in silence.
fn http_url(name: &str, value: &str) -> anyhow::Result<()> {
    let url = url::Url::parse(value).with_context(|| format!("{name}: `{value}` is not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        bail!("{name}: `{value}` is not an http:// or https:// URL of a collector (e.g. http://otel-collector:4318)");
    }
    Ok(())
}

/// Batches spans on the SDK's own thread, which blocks on each export: no request waits for the
/// collector, and one that is down or slow only costs the spans a full queue drops.
fn tracer_provider(endpoint: &str) -> anyhow::Result<SdkTracerProvider> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(endpoint)
        .build()
        .with_context(|| format!("the OpenTelemetry span exporter to {endpoint}"))?;
    let service_name = non_empty_var("OTEL_SERVICE_NAME").unwrap_or_else(|| "parlor".to_string());
    let resource = Resource::builder()
        .with_service_name(service_name)
        .with_attributes([
            KeyValue::new("service.version", env!("CARGO_PKG_VERSION")),
            KeyValue::new("service.instance.id", uuid::Uuid::new_v4().to_string()),
        ])
        .build();
    Ok(SdkTracerProvider::builder().with_resource(resource).with_batch_exporter(exporter).build())
}

/// What `init_from_env` started that must be stopped when Parlor stops.
#[must_use = "call `shutdown` when Parlor stops, or the last spans are lost"]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Sends the spans still batched, waiting at most two seconds for the collector.
    pub fn shutdown(self) {
        if let Some(provider) = self.provider
            && let Err(error) = provider.shutdown_with_timeout(SHUTDOWN_TIMEOUT)
        {
            tracing::warn!(%error, "the last spans may not have reached the OpenTelemetry collector");
        }
    }
}

/// The request span, with empty `user.id` and `workspace.id` fields that extractors fill in.
/// While spans are exported it continues the caller's trace (a W3C `traceparent` header) and
/// carries the trace id, which then appears in every log line of the request.
pub struct ParlorRootSpan;

impl RootSpanBuilder for ParlorRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let span = tracing_actix_web::root_span!(request, user.id = tracing::field::Empty, workspace.id = tracing::field::Empty);
        if EXPORTING.load(Ordering::Relaxed) {
            let caller = global::get_text_map_propagator(|propagator| propagator.extract(&RequestHeaders(request.headers())));
            // Refused only for a span the filters left out, which is not exported anyway.
            let _ = span.set_parent(caller);
            span.record("trace_id", tracing::field::display(span.context().span().span_context().trace_id()));
        }
        span
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

struct RequestHeaders<'a>(&'a HeaderMap);

impl Extractor for RequestHeaders<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|name| name.as_str()).collect()
    }
}
