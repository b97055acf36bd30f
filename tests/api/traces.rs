//! Spans exported to an OpenTelemetry collector: the `parlor` binary runs as a real process and
//! a fake OTLP/HTTP collector on a loopback port records and decodes what reaches it, as an
//! operator's collector would: each request's span under the service's name, a caller's trace
//! continued, the last spans sent when Parlor stops, nothing at all without an endpoint, and
//! requests that never wait for a collector that does not answer.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use opentelemetry_proto::tonic::{
    collector::trace::v1::ExportTraceServiceRequest,
    common::v1::{KeyValue, any_value::Value},
    trace::v1::{Span, span::SpanKind},
};
use prost::Message as _;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

use crate::{
    helpers::TestDatabase,
    servers::{ParlorEnv, ParlorProcess},
};

/// One POST as the collector received it.
#[derive(Clone)]
struct Export {
    path: String,
    content_type: String,
    authorization: Option<String>,
    body: Vec<u8>,
}

/// A span as the collector sees it: the resource it came from and the span itself.
struct Received {
    resource: Vec<KeyValue>,
    span: Span,
}

/// An OTLP/HTTP collector that answers every POST with 200 and an empty protobuf body, and
/// keeps what it was sent.
struct FakeCollector {
    port: u16,
    exports: Arc<Mutex<Vec<Export>>>,
}

impl FakeCollector {
    async fn start() -> Self {
        Self::start_on("127.0.0.1:0").await
    }

    async fn start_on(address: &str) -> Self {
        let listener = TcpListener::bind(address).await.unwrap_or_else(|e| panic!("bind the fake collector to {address}: {e}"));
        let port = listener.local_addr().expect("collector address").port();
        let exports = Arc::new(Mutex::new(Vec::new()));
        let kept = exports.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve_connection(stream, kept.clone()));
            }
        });
        Self { port, exports }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn exports(&self) -> Vec<Export> {
        self.exports.lock().expect("exports").clone()
    }

    /// Every span received so far, decoded.
    fn spans(&self) -> Vec<Received> {
        let mut spans = Vec::new();
        for export in self.exports() {
            assert_eq!(export.path, "/v1/traces", "spans are posted to the traces path");
            assert_eq!(export.content_type, "application/x-protobuf");
            let request = ExportTraceServiceRequest::decode(export.body.as_slice()).expect("an OTLP trace export");
            for resource_spans in request.resource_spans {
                let resource = resource_spans.resource.map(|r| r.attributes).unwrap_or_default();
                for scope_spans in resource_spans.scope_spans {
                    spans.extend(scope_spans.spans.into_iter().map(|span| Received { resource: resource.clone(), span }));
                }
            }
        }
        spans
    }

    /// The first span named `name` (e.g. `GET /healthz`), waiting up to 15 s for it.
    async fn wait_for_span(&self, name: &str) -> Received {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(found) = self.spans().into_iter().find(|received| received.span.name == name) {
                return found;
            }
            let names: Vec<String> = self.spans().into_iter().map(|r| r.span.name).collect();
            assert!(Instant::now() < deadline, "no span `{name}` reached the collector within 15 s; it got {names:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Reads HTTP/1.1 requests (bodies sized by Content-Length, as the exporter sends them) and
/// answers each with 200.
async fn serve_connection(mut stream: TcpStream, exports: Arc<Mutex<Vec<Export>>>) {
    let mut buffer = Vec::new();
    loop {
        let head_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            let mut chunk = [0u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let path = head.split_whitespace().nth(1).unwrap_or_default().to_string();
        let header = |name: &str| {
            head.lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(key, _)| key.trim().eq_ignore_ascii_case(name))
                .map(|(_, value)| value.trim().to_string())
        };
        let length: usize = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        let content_type = header("content-type").unwrap_or_default();
        let authorization = header("authorization");
        while buffer.len() < head_end + length {
            let mut chunk = [0u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        let body = buffer[head_end..head_end + length].to_vec();
        buffer.drain(..head_end + length);
        exports.lock().expect("exports").push(Export { path, content_type, authorization, body });
        let answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n";
        if stream.write_all(answer).await.is_err() {
            return;
        }
    }
}

fn attribute(attributes: &[KeyValue], key: &str) -> Option<String> {
    let value = attributes.iter().find(|kv| kv.key == key)?.value.as_ref()?.value.as_ref()?;
    Some(match value {
        Value::StringValue(text) => text.clone(),
        Value::IntValue(number) => number.to_string(),
        Value::BoolValue(flag) => flag.to_string(),
        other => format!("{other:?}"),
    })
}

fn env_exporting_to(collector: &FakeCollector, database: &TestDatabase, extra: &[(&str, &str)]) -> ParlorEnv {
    let mut env = ParlorEnv::new(database.url());
    env.extra_env = [("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url().as_str()), ("OTEL_SERVICE_NAME", "parlor-trace-test")]
        .into_iter()
        .chain(extra.iter().copied())
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    env
}

/// The names of the process's threads (`/proc/<pid>/task/*/comm`, cut to 15 bytes).
fn thread_names(pid: u32) -> Vec<String> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).expect("the threads of parlor");
    tasks
        .filter_map(|task| task.ok())
        .filter_map(|task| std::fs::read_to_string(task.path().join("comm")).ok())
        .map(|name| name.trim().to_string())
        .collect()
}

async fn get(address: &str, path: &str, headers: &[(&str, &str)]) -> reqwest::StatusCode {
    let mut request = reqwest::Client::new().get(format!("{address}{path}")).timeout(Duration::from_secs(10));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap_or_else(|e| panic!("GET {path}: {e}")).status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_request_reaches_the_collector_as_a_server_span_of_the_named_service() {
    let collector = FakeCollector::start().await;
    let database = TestDatabase::create();
    let settings = [("OTEL_BSP_SCHEDULE_DELAY", "100"), ("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20collector-key")];
    let parlor = ParlorProcess::start(&env_exporting_to(&collector, &database, &settings)).await;
    assert!(
        thread_names(parlor.pid()).iter().any(|name| name.starts_with("OpenTelemetry")),
        "the exporter's batching thread runs: {:?}",
        thread_names(parlor.pid())
    );

    assert_eq!(get(&parlor.address, "/healthz", &[]).await, 200);
    assert_eq!(get(&parlor.address, "/login", &[]).await, 200);

    let health = collector.wait_for_span("GET /healthz").await;
    assert_eq!(health.span.kind, SpanKind::Server as i32);
    assert_eq!(attribute(&health.span.attributes, "http.target").as_deref(), Some("/healthz"));
    assert_eq!(attribute(&health.span.attributes, "http.status_code").as_deref(), Some("200"));
    assert_eq!(health.span.trace_id.len(), 16, "a trace id");
    assert!(health.span.parent_span_id.is_empty(), "a request without traceparent starts its own trace");
    assert_eq!(attribute(&health.resource, "service.name").as_deref(), Some("parlor-trace-test"));
    assert_eq!(attribute(&health.resource, "service.version").as_deref(), Some(env!("CARGO_PKG_VERSION")));
    let instance = attribute(&health.resource, "service.instance.id").expect("service.instance.id");
    assert!(uuid::Uuid::parse_str(&instance).is_ok(), "a uuid per process: {instance}");

    let login = collector.wait_for_span("GET /login").await;
    assert_eq!(attribute(&login.span.attributes, "http.status_code").as_deref(), Some("200"));
    assert_ne!(login.span.trace_id, health.span.trace_id, "each request is a trace of its own");
    assert!(
        collector.exports().iter().all(|export| export.authorization.as_deref() == Some("Bearer collector-key")),
        "every export carries the headers of OTEL_EXPORTER_OTLP_HEADERS"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callers_traceparent_continues_its_trace_through_parlor() {
    let collector = FakeCollector::start().await;
    let database = TestDatabase::create();
    let parlor = ParlorProcess::start(&env_exporting_to(&collector, &database, &[("OTEL_BSP_SCHEDULE_DELAY", "100")])).await;
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let caller_span = "00f067aa0ba902b7";

    let traceparent = format!("00-{trace_id}-{caller_span}-01");
    assert_eq!(get(&parlor.address, "/healthz", &[("traceparent", &traceparent)]).await, 200);

    let health = collector.wait_for_span("GET /healthz").await;
    assert_eq!(hex::encode(&health.span.trace_id), trace_id, "the caller's trace");
    assert_eq!(hex::encode(&health.span.parent_span_id), caller_span, "under the caller's span");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_spans_reach_the_collector_when_parlor_stops() {
    let collector = FakeCollector::start().await;
    let database = TestDatabase::create();
    // Ten minutes between batches: only the flush at shutdown can send this request's span.
    let mut parlor = ParlorProcess::start(&env_exporting_to(&collector, &database, &[("OTEL_BSP_SCHEDULE_DELAY", "600000")])).await;
    assert_eq!(get(&parlor.address, "/login", &[]).await, 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(collector.exports().is_empty(), "nothing is sent before a batch is due");

    parlor.terminate();
    let stopped = parlor.wait_for_exit(Duration::from_secs(15)).await;
    assert!(stopped.is_some(), "parlor did not stop within 15 s of SIGTERM:\n{}", parlor.log_tail());

    let login = collector.wait_for_span("GET /login").await;
    assert_eq!(attribute(&login.resource, "service.name").as_deref(), Some("parlor-trace-test"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_endpoint_nothing_is_exported_and_no_exporter_runs() {
    // Where an exporter would send by default (localhost:4318), if one were started anyway.
    let collector = match TcpListener::bind("127.0.0.1:4318").await {
        Ok(probe) => {
            drop(probe);
            FakeCollector::start_on("127.0.0.1:4318").await
        }
        Err(_) => FakeCollector::start().await,
    };
    let database = TestDatabase::create();
    let mut env = ParlorEnv::new(database.url());
    env.extra_env = vec![("OTEL_SERVICE_NAME".into(), "parlor-trace-test".into()), ("OTEL_BSP_SCHEDULE_DELAY".into(), "100".into())];
    let parlor = ParlorProcess::start(&env).await;

    assert_eq!(get(&parlor.address, "/healthz", &[("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]).await, 200);
    assert_eq!(get(&parlor.address, "/login", &[]).await, 200);
    tokio::time::sleep(Duration::from_secs(2)).await;

    assert!(collector.exports().is_empty(), "no export without OTEL_EXPORTER_OTLP_ENDPOINT");
    let threads = thread_names(parlor.pid());
    assert!(!threads.iter().any(|name| name.starts_with("OpenTelemetry")), "no exporter thread: {threads:?}");
    assert!(parlor.log_tail().contains("Parlor is running"), "the log still prints:\n{}", parlor.log_tail());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_that_is_not_an_http_url_stops_parlor_at_start_with_a_message() {
    for endpoint in ["otel-collector:4318", "not a url"] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_parlor"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
            .arg("migrate")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run parlor");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "parlor refuses to start with OTEL_EXPORTER_OTLP_ENDPOINT={endpoint}");
        assert!(
            stderr.contains("OTEL_EXPORTER_OTLP_ENDPOINT") && stderr.contains(endpoint) && !stderr.contains("panicked"),
            "a message naming the setting: {stderr}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_that_never_answers_slows_no_request() {
    // Accepts connections and never reads or answers them.
    let silent = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let silent_url = format!("http://127.0.0.1:{}", silent.local_addr().expect("addr").port());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            held.push(stream);
        }
    });
    let database = TestDatabase::create();
    let mut env = ParlorEnv::new(database.url());
    env.extra_env =
        [("OTEL_EXPORTER_OTLP_ENDPOINT", silent_url.as_str()), ("OTEL_BSP_SCHEDULE_DELAY", "50"), ("OTEL_EXPORTER_OTLP_TIMEOUT", "3000")]
            .into_iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
    let parlor = ParlorProcess::start(&env).await;

    // Each export waits 3 s for the silent collector; a request that waited with it would too.
    let started = Instant::now();
    for _ in 0..20 {
        let one = Instant::now();
        assert_eq!(get(&parlor.address, "/healthz", &[]).await, 200);
        assert!(one.elapsed() < Duration::from_millis(1500), "a request took {:?}", one.elapsed());
    }
    assert!(started.elapsed() < Duration::from_secs(10), "20 requests took {:?}", started.elapsed());

    let deadline = Instant::now() + Duration::from_secs(15);
    while !parlor.log_tail().contains("BatchSpanProcessor") {
        assert!(Instant::now() < deadline, "the log says that exports fail:\n{}", parlor.log_tail());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
