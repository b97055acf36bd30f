//! parlor-load: opens visitor and agent sockets against a running Parlor and reports what it
//! measured. Run it through `scripts/bench-realtime`, which starts a release server for it.
//!
//! The server must run with `TRUST_FORWARDED_FOR=true`: each simulated visitor starts its widget
//! session from its own address (an `X-Forwarded-For` value), as real visitors do, so the
//! per-IP session limit does not throttle the benchmark.

use std::{
    collections::HashMap,
    sync::{
        Arc, LazyLock, Mutex,
        atomic::{AtomicU64, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use clap::{Parser, Subcommand};
use futures_util::{SinkExt, StreamExt, stream};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, client_async_with_config,
    tungstenite::{Message as WsMessage, client::IntoClientRequest},
};
use uuid::Uuid;

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

static START: LazyLock<Instant> = LazyLock::new(Instant::now);

#[derive(Parser)]
#[command(about = "Load generator for Parlor's WebSocket protocol")]
struct Cli {
    /// Base URL of the server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// The server's process id, to read its memory from /proc.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Another instance (same database and NATS) that the agents connect to instead of `--url`:
    /// every message then crosses from one instance to the other (`throughput`).
    #[arg(long)]
    agent_url: Option<String>,
    /// The server's database. Once a scenario's conversations exist (before anything is
    /// measured) it is analyzed, as autovacuum does within a minute of a table's growth: a
    /// fresh database otherwise keeps, for the whole run, the plans the server's connections
    /// made while its tables were empty (sequential scans of every conversation per batch).
    #[arg(long)]
    analyze_url: Option<String>,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Subcommand)]
enum Scenario {
    /// Open idle visitor sockets and report memory per socket.
    Idle {
        #[arg(long, default_value_t = 15_000)]
        visitors: usize,
    },
    /// Visitors send at a fixed total rate; agents receive. Reports acks/s and latency.
    Throughput {
        #[arg(long, default_value_t = 1_000)]
        visitors: usize,
        #[arg(long, default_value_t = 2)]
        agents: usize,
        /// Messages per second, all visitors together.
        #[arg(long, default_value_t = 1_000)]
        rate: u64,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
    /// Visitors send as fast as acks come back, `in_flight` each. Reports acks/s.
    Saturate {
        #[arg(long, default_value_t = 64)]
        visitors: usize,
        #[arg(long, default_value_t = 1)]
        in_flight: usize,
        #[arg(long, default_value_t = 15)]
        seconds: u64,
    },
    /// Drop every visitor socket at once while agents reply, reconnect them all at once, and
    /// check that every reply arrives exactly once.
    Resume {
        #[arg(long, default_value_t = 5_000)]
        visitors: usize,
        #[arg(long, default_value_t = 12)]
        agents: usize,
        /// Agents also reply during the reconnect (checks that nothing is lost in the storm).
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
        live_replies: bool,
        /// Agents reply once to every conversation while its visitor is away. Without it the
        /// visitors miss nothing, as after a deploy's restart: a visitor has recovered once its
        /// welcome is in.
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
        missed: bool,
    },
    /// Seed a workspace with many conversations (through Postgres), then time the inbox's list
    /// pages and conversation pages one request at a time.
    Inbox {
        #[arg(long, default_value_t = 100_000)]
        conversations: u32,
        #[arg(long, default_value_t = 400)]
        requests: usize,
        /// The server's database, for seeding.
        #[arg(long)]
        database_url: String,
    },
    /// Seed a workspace with a history of conversations, messages, first replies, resolutions
    /// and ratings (through Postgres), then time the reports page one request at a time.
    Reports {
        #[arg(long, default_value_t = 100_000)]
        conversations: u32,
        /// Messages per conversation, half of them agents' replies.
        #[arg(long, default_value_t = 10)]
        messages: u32,
        #[arg(long, default_value_t = 200)]
        requests: usize,
        /// The server's database, for seeding.
        #[arg(long)]
        database_url: String,
    },
    /// Visitors upload files of `megabytes` each (one visitor per file, so that the per-visitor
    /// rate limit is not what is measured), `in_flight` at a time, and send each in a message.
    /// Reports the upload time and MB/s.
    Upload {
        #[arg(long, default_value_t = 10)]
        megabytes: usize,
        #[arg(long, default_value_t = 30)]
        files: usize,
        #[arg(long, default_value_t = 1)]
        in_flight: usize,
    },
}

fn elapsed_micros() -> u64 {
    START.elapsed().as_micros() as u64
}

/// A fresh workspace: returns (site key, the owner's cookie header).
async fn sign_up(url: &str) -> anyhow::Result<(String, String)> {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder().cookie_provider(jar.clone()).redirect(reqwest::redirect::Policy::none()).build()?;
    let form = client.get(format!("{url}/signup")).send().await?.text().await?;
    let marker = r#"name="csrf_token" value=""#;
    let start = form.find(marker).ok_or_else(|| anyhow::anyhow!("no csrf token on /signup"))? + marker.len();
    let token = &form[start..start + form[start..].find('"').unwrap_or(0)];
    let email = format!("load-{}@example.com", Uuid::now_v7().simple());
    let response = client
        .post(format!("{url}/signup"))
        .header("x-forwarded-for", format!("198.19.{}.{}", rand_byte(), rand_byte()))
        .form(&[
            ("csrf_token", token),
            ("name", "Load Agent"),
            ("email", &email),
            ("password", "load test password"),
            ("workspace_name", "Load test"),
        ])
        .send()
        .await?;
    anyhow::ensure!(response.status() == 303, "sign-up failed: {}", response.status());
    let workspace = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let page = client.get(format!("{url}{workspace}")).send().await?.text().await?;
    let key_start = page.find("pk_").ok_or_else(|| anyhow::anyhow!("no site key on the dashboard"))?;
    let site_key: String = page[key_start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    use reqwest::cookie::CookieStore;
    let cookie = jar.cookies(&url.parse()?).and_then(|v| v.to_str().ok().map(str::to_string)).unwrap_or_default();
    Ok((site_key, cookie))
}

fn rand_byte() -> u8 {
    (Uuid::new_v4().as_u128() & 0xff) as u8
}

/// Loopback connections come from 127.0.1.1 to 127.0.1.250 in turn. From one address, 15,000
/// sockets reconnecting while 15,000 just-closed ones wait out TIME_WAIT crowd the ephemeral
/// ports of that one address: the kernel's search for a free port in `connect` then took 8% of
/// the machine's CPU in a resume storm (measured with `perf`), time the server lost. Real
/// visitors come from many addresses.
const LOOPBACK_SOURCES: usize = 250;
static NEXT_SOURCE: AtomicUsize = AtomicUsize::new(0);

async fn open_socket(url: &str, headers: &[(&'static str, String)]) -> anyhow::Result<Ws> {
    let mut request = format!("{}/ws", url.replace("http://", "ws://")).into_client_request()?;
    for (name, value) in headers {
        request.headers_mut().insert(*name, value.parse()?);
    }
    let authority = request.uri().authority().ok_or_else(|| anyhow::anyhow!("no host in {url}"))?.to_string();
    let target = tokio::net::lookup_host(&authority).await?.next().ok_or_else(|| anyhow::anyhow!("{authority} did not resolve"))?;
    let socket = if target.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    if let std::net::IpAddr::V4(ip) = target.ip()
        && ip.is_loopback()
    {
        let n = NEXT_SOURCE.fetch_add(1, Ordering::Relaxed) % LOOPBACK_SOURCES;
        socket.bind(std::net::SocketAddr::from(([127, 0, 1, (n + 1) as u8], 0)))?;
    }
    let stream = socket.connect(target).await?;
    // Browsers send WebSocket frames without Nagle's delay; so does this client.
    stream.set_nodelay(true)?;
    // Its read buffer is 4 KiB, not tungstenite's 128 KiB: zeroing 128 KiB for each of 15,000
    // sockets reconnecting at once made the load generator the busiest process of a resume storm.
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(4096);
    Ok(client_async_with_config(request, MaybeTlsStream::Plain(stream), Some(config)).await?.0)
}

async fn next_json(ws: &mut Ws) -> anyhow::Result<Value> {
    loop {
        match ws.next().await.ok_or_else(|| anyhow::anyhow!("socket closed"))?? {
            WsMessage::Text(text) => return Ok(serde_json::from_str(&text)?),
            WsMessage::Close(frame) => anyhow::bail!("closed by the server: {frame:?}"),
            _ => continue,
        }
    }
}

async fn expect(ws: &mut Ws, kind: &str) -> anyhow::Result<Value> {
    loop {
        let frame = next_json(ws).await?;
        if frame["type"] == kind {
            return Ok(frame);
        }
        if frame["type"] == "error" {
            anyhow::bail!("error frame while waiting for {kind}: {frame}");
        }
    }
}

struct Visitor {
    token: String,
    conversation: Option<String>,
}

/// Widget sessions for `count` visitors, each from its own address.
async fn create_visitors(url: &str, site_key: &str, count: usize) -> anyhow::Result<Vec<Visitor>> {
    let client = reqwest::Client::new();
    let results: Vec<anyhow::Result<Visitor>> = stream::iter(0..count)
        .map(|n| {
            let client = client.clone();
            async move {
                let body: Value = client
                    .post(format!("{url}/api/widget/v1/sessions"))
                    .header("x-forwarded-for", format!("198.18.{}.{}", n / 250, n % 250 + 1))
                    .json(&json!({"site_key": site_key}))
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                Ok(Visitor { token: body["visitor_token"].as_str().unwrap_or_default().to_string(), conversation: None })
            }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    results.into_iter().collect()
}

async fn visitor_hello(url: &str, token: &str, resume: Value) -> anyhow::Result<(Ws, Value)> {
    tokio::time::timeout(Duration::from_secs(30), async {
        let mut ws = open_socket(url, &[]).await?;
        ws.send(WsMessage::Text(json!({"type": "hello", "visitor_token": token, "resume": resume}).to_string().into())).await?;
        let welcome = expect(&mut ws, "welcome").await?;
        Ok((ws, welcome))
    })
    .await?
}

/// An agent socket on `url`; `site` is the address the inbox is served from (the instances'
/// shared `PUBLIC_URL`), whose origin the socket must come from.
async fn agent_hello(url: &str, site: &str, cookie: &str) -> anyhow::Result<Ws> {
    let origin = site.replace("127.0.0.1", "localhost");
    let mut ws = open_socket(url, &[("origin", origin), ("cookie", cookie.to_string())]).await?;
    ws.send(WsMessage::Text(json!({"type": "hello"}).to_string().into())).await?;
    expect(&mut ws, "welcome").await?;
    Ok(ws)
}

fn send_frame(conversation: Option<&str>, body: String) -> (String, WsMessage) {
    let client_id = Uuid::now_v7().to_string();
    let mut frame = json!({"type": "send", "client_id": client_id, "body": body});
    if let Some(c) = conversation {
        frame["conversation_id"] = json!(c);
    }
    (client_id, WsMessage::Text(frame.to_string().into()))
}

/// Gives every visitor a conversation with one message; returns their open sockets.
async fn start_conversations(url: &str, visitors: &mut [Visitor]) -> anyhow::Result<Vec<Ws>> {
    let results: Vec<anyhow::Result<(Ws, String)>> = stream::iter(visitors.iter())
        .map(|v| async move {
            let (mut ws, _) = visitor_hello(url, &v.token, json!({})).await?;
            let (_, frame) = send_frame(None, "hello".into());
            ws.send(frame).await?;
            let ack = expect(&mut ws, "ack").await?;
            Ok((ws, ack["conversation_id"].as_str().unwrap_or_default().to_string()))
        })
        .buffered(32)
        .collect()
        .await;
    let mut sockets = Vec::new();
    for (visitor, result) in visitors.iter_mut().zip(results) {
        let (ws, conversation) = result?;
        visitor.conversation = Some(conversation);
        sockets.push(ws);
    }
    Ok(sockets)
}

/// Analyzes the server's database (see `--analyze-url`).
async fn analyze(database_url: Option<&str>) -> anyhow::Result<()> {
    let Some(database_url) = database_url else { return Ok(()) };
    let (client, connection) = tokio_postgres::connect(database_url, tokio_postgres::NoTls).await?;
    let driver = tokio::spawn(connection);
    client.batch_execute("ANALYZE").await?;
    drop(client);
    let _ = driver.await;
    Ok(())
}

fn server_rss_kib(pid: Option<u32>) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)] as f64 / 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    LazyLock::force(&START);
    let (site_key, cookie) = sign_up(&cli.url).await?;
    match cli.scenario {
        Scenario::Idle { visitors } => idle(&cli.url, cli.server_pid, &site_key, visitors).await,
        Scenario::Throughput { visitors, agents, rate, seconds } => {
            let analyze = cli.analyze_url.as_deref();
            throughput(&cli.url, cli.agent_url.as_deref(), analyze, &site_key, &cookie, visitors, agents, rate, seconds).await
        }
        Scenario::Saturate { visitors, in_flight, seconds } => {
            saturate(&cli.url, cli.analyze_url.as_deref(), &site_key, visitors, in_flight, seconds).await
        }
        Scenario::Resume { visitors, agents, live_replies, missed } => {
            let storm = Storm { visitors, agents, live_replies, missed };
            resume(&cli.url, cli.analyze_url.as_deref(), &site_key, &cookie, storm).await
        }
        Scenario::Inbox { conversations, requests, database_url } => {
            inbox(&cli.url, &site_key, &cookie, conversations, requests, &database_url).await
        }
        Scenario::Reports { conversations, messages, requests, database_url } => {
            reports(&cli.url, &site_key, &cookie, conversations, messages, requests, &database_url).await
        }
        Scenario::Upload { megabytes, files, in_flight } => upload(&cli.url, &site_key, megabytes, files, in_flight).await,
    }
}

async fn upload(url: &str, site_key: &str, megabytes: usize, files: usize, in_flight: usize) -> anyhow::Result<()> {
    let visitors = create_visitors(url, site_key, files).await?;
    // Bytes no compression or type sniffing shortcuts: a pseudo-random stream.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let bytes: Arc<Vec<u8>> = Arc::new(
        (0..megabytes * 1024 * 1024)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect(),
    );
    let client = reqwest::Client::new();
    let started = Instant::now();
    let results: Vec<anyhow::Result<(f64, String, String)>> = stream::iter(visitors)
        .map(|visitor| {
            let (client, bytes) = (client.clone(), bytes.clone());
            async move {
                let part = reqwest::multipart::Part::bytes(bytes.as_ref().clone()).file_name("load.bin");
                let at = Instant::now();
                let answer: Value = client
                    .post(format!("{url}/api/widget/v1/uploads"))
                    .bearer_auth(&visitor.token)
                    .multipart(reqwest::multipart::Form::new().part("file", part))
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                let seconds = at.elapsed().as_secs_f64();
                Ok((seconds, visitor.token, answer["upload_id"].as_str().unwrap_or_default().to_string()))
            }
        })
        .buffer_unordered(in_flight.max(1))
        .collect()
        .await;
    let wall = started.elapsed().as_secs_f64();
    let mut times = Vec::new();
    let mut sent = 0;
    for result in results {
        let (seconds, token, upload_id) = result?;
        times.push(seconds);
        // Each upload goes out in a message, as a visitor would send it.
        let (mut ws, _) = visitor_hello(url, &token, json!({})).await?;
        let frame = json!({"type": "send", "client_id": Uuid::now_v7(), "body": "", "attachments": [upload_id]});
        ws.send(WsMessage::Text(frame.to_string().into())).await?;
        expect(&mut ws, "ack").await?;
        sent += 1;
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let mb = megabytes as f64;
    println!(
        "upload {megabytes} MB x {files}, {in_flight} at a time: median {:.0} ms per file ({:.0} MB/s per upload), p90 {:.0} ms, {:.0} MB/s overall; {sent} sent in messages",
        median * 1000.0,
        mb / median,
        times[times.len() * 9 / 10] * 1000.0,
        mb * files as f64 / wall
    );
    Ok(())
}

/// Keeps a socket open, answering pings, until the task is dropped.
fn hold(mut ws: Ws) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move { while let Some(Ok(_)) = ws.next().await {} })
}

async fn idle(url: &str, pid: Option<u32>, site_key: &str, count: usize) -> anyhow::Result<()> {
    let visitors = create_visitors(url, site_key, count).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = server_rss_kib(pid);
    let started = Instant::now();
    let sockets: Vec<anyhow::Result<Ws>> = stream::iter(visitors.iter())
        .map(|v| async move { Ok(visitor_hello(url, &v.token, json!({})).await?.0) })
        .buffer_unordered(64)
        .collect()
        .await;
    let mut held = Vec::new();
    let mut failed = 0;
    for socket in sockets {
        match socket {
            Ok(ws) => held.push(hold(ws)),
            Err(_) => failed += 1,
        }
    }
    let opened_in = started.elapsed();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let after = server_rss_kib(pid);
    println!("idle: {} visitor sockets held ({failed} failed), opened in {:.1} s", held.len(), opened_in.as_secs_f64());
    if let (Some(before), Some(after)) = (before, after) {
        println!(
            "idle: server RSS {:.1} MiB before, {:.1} MiB after: {:.1} KiB per idle socket",
            before as f64 / 1024.0,
            after as f64 / 1024.0,
            (after.saturating_sub(before)) as f64 / held.len().max(1) as f64
        );
    }
    for task in held {
        task.abort();
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn throughput(
    url: &str,
    agent_url: Option<&str>,
    analyze_url: Option<&str>,
    site_key: &str,
    cookie: &str,
    visitors: usize,
    agents: usize,
    rate: u64,
    seconds: u64,
) -> anyhow::Result<()> {
    let mut people = create_visitors(url, site_key, visitors).await?;
    let sockets = start_conversations(url, &mut people).await?;
    analyze(analyze_url).await?;
    let latencies = Arc::new(Mutex::new(Vec::<u64>::new()));
    let measuring = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut agent_tasks = Vec::new();
    for n in 0..agents {
        let mut ws = agent_hello(agent_url.unwrap_or(url), url, cookie).await?;
        let (latencies, measuring) = (latencies.clone(), measuring.clone());
        agent_tasks.push(tokio::spawn(async move {
            while let Ok(frame) = next_json(&mut ws).await {
                if n == 0
                    && frame["type"] == "message"
                    && measuring.load(Ordering::Relaxed)
                    && let Some(sent) = frame["body"].as_str().and_then(|b| b.strip_prefix("t=")).and_then(|t| t.parse::<u64>().ok())
                {
                    latencies.lock().map(|mut l| l.push(elapsed_micros().saturating_sub(sent))).ok();
                }
            }
        }));
    }
    let acks = Arc::new(AtomicU64::new(0));
    let interval = Duration::from_secs_f64(visitors as f64 / rate as f64);
    let deadline = Instant::now() + Duration::from_secs(seconds + 2);
    let mut tasks = Vec::new();
    for (n, (ws, visitor)) in sockets.into_iter().zip(people).enumerate() {
        let (acks, measuring, conversation) = (acks.clone(), measuring.clone(), visitor.conversation.unwrap_or_default());
        tasks.push(tokio::spawn(async move {
            // Spread the visitors over the interval so the load is even.
            tokio::time::sleep(interval.mul_f64(n as f64 / visitors as f64)).await;
            let mut tick = tokio::time::interval(interval);
            let (mut sink, mut source) = ws.split();
            let counter = tokio::spawn(async move {
                while let Some(Ok(message)) = source.next().await {
                    if let WsMessage::Text(text) = message
                        && text.contains(r#""type":"ack""#)
                        && measuring.load(Ordering::Relaxed)
                    {
                        acks.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
            while Instant::now() < deadline {
                tick.tick().await;
                let (_, frame) = send_frame(Some(&conversation), format!("t={}", elapsed_micros()));
                if sink.send(frame).await.is_err() {
                    break;
                }
            }
            counter.abort();
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    measuring.store(true, Ordering::Relaxed);
    let window = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    measuring.store(false, Ordering::Relaxed);
    let measured = window.elapsed().as_secs_f64();
    let acked = acks.load(Ordering::Relaxed);
    for task in tasks.into_iter().chain(agent_tasks) {
        task.abort();
    }
    let mut latencies = latencies.lock().map(|l| l.clone()).unwrap_or_default();
    latencies.sort_unstable();
    let across = agent_url.map(|a| format!(" (agents on {a})")).unwrap_or_default();
    println!("throughput: {visitors} visitors, {agents} agents{across}, offered {rate} msg/s for {seconds} s");
    println!("throughput: {:.0} messages acked/s ({acked} in {measured:.1} s)", acked as f64 / measured);
    println!(
        "throughput: visitor-to-agent latency over {} messages: p50 {:.1} ms, p99 {:.1} ms, p99.9 {:.1} ms, max {:.1} ms",
        latencies.len(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 0.999),
        percentile(&latencies, 1.0)
    );
    Ok(())
}

async fn saturate(
    url: &str,
    analyze_url: Option<&str>,
    site_key: &str,
    visitors: usize,
    in_flight: usize,
    seconds: u64,
) -> anyhow::Result<()> {
    let mut people = create_visitors(url, site_key, visitors).await?;
    let sockets = start_conversations(url, &mut people).await?;
    analyze(analyze_url).await?;
    let acks = Arc::new(AtomicU64::new(0));
    let measuring = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop = Instant::now() + Duration::from_secs(seconds + 2);
    let mut tasks = Vec::new();
    for (mut ws, visitor) in sockets.into_iter().zip(people) {
        let (acks, measuring, conversation) = (acks.clone(), measuring.clone(), visitor.conversation.unwrap_or_default());
        tasks.push(tokio::spawn(async move {
            for _ in 0..in_flight {
                let (_, frame) = send_frame(Some(&conversation), "saturating".into());
                if ws.send(frame).await.is_err() {
                    return;
                }
            }
            while Instant::now() < stop {
                let Ok(frame) = next_json(&mut ws).await else { return };
                if frame["type"] == "ack" {
                    if measuring.load(Ordering::Relaxed) {
                        acks.fetch_add(1, Ordering::Relaxed);
                    }
                    let (_, frame) = send_frame(Some(&conversation), "saturating".into());
                    if ws.send(frame).await.is_err() {
                        return;
                    }
                } else if frame["type"] == "error" {
                    eprintln!("error frame: {frame}");
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    measuring.store(true, Ordering::Relaxed);
    let window = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    measuring.store(false, Ordering::Relaxed);
    let rate = acks.load(Ordering::Relaxed) as f64 / window.elapsed().as_secs_f64();
    for task in tasks {
        task.abort();
    }
    println!("saturate: {visitors} visitors x {in_flight} in flight: {rate:.0} durable messages acked/s");
    Ok(())
}

/// A resume storm: `visitors` sockets drop and reconnect at once (see [`Scenario::Resume`]).
struct Storm {
    visitors: usize,
    agents: usize,
    live_replies: bool,
    missed: bool,
}

async fn resume(url: &str, analyze_url: Option<&str>, site_key: &str, cookie: &str, storm: Storm) -> anyhow::Result<()> {
    let Storm { visitors, agents, live_replies, missed } = storm;
    // The seqs each visitor must receive after its reconnect: its own first message is seq 1.
    let expected: &[i64] = match (missed, live_replies) {
        (true, true) => &[2, 3],
        (true, false) | (false, true) => &[2],
        (false, false) => &[],
    };
    let mut people = create_visitors(url, site_key, visitors).await?;
    let sockets = start_conversations(url, &mut people).await?;
    analyze(analyze_url).await?;
    let conversations: Vec<String> = people.iter().map(|p| p.conversation.clone().unwrap_or_default()).collect();
    let mut agent_sinks = Vec::new();
    for _ in 0..agents {
        let ws = agent_hello(url, url, cookie).await?;
        let (sink, mut source) = ws.split();
        let acks = Arc::new(AtomicUsize::new(0));
        agent_sinks.push((sink, acks.clone()));
        tokio::spawn(async move {
            while let Some(Ok(message)) = source.next().await {
                if let WsMessage::Text(text) = message {
                    if text.contains(r#""type":"ack""#) {
                        acks.fetch_add(1, Ordering::Relaxed);
                    } else if text.contains(r#""type":"error""#) {
                        eprintln!("agent error frame: {text}");
                    }
                }
            }
        });
    }
    // Every visitor socket drops at once.
    drop(sockets);
    println!("resume: {visitors} visitor sockets dropped");

    // One reply per conversation while they are away, spread over the agents; wait for the acks.
    let shard = |a: usize| conversations.iter().skip(a).step_by(agents).cloned().collect::<Vec<_>>();
    let mut first_round = Vec::new();
    for (a, (mut sink, acks)) in agent_sinks.into_iter().enumerate() {
        let shard = if missed { shard(a) } else { Vec::new() };
        first_round.push(tokio::spawn(async move {
            send_windowed(&mut sink, &acks, &shard, "reply while away", None).await;
            (sink, acks)
        }));
    }
    let mut agent_sinks = Vec::new();
    for task in first_round {
        agent_sinks.push(task.await?);
    }
    let committed: usize = agent_sinks.iter().map(|(_, acks)| acks.load(Ordering::Relaxed)).sum();
    println!("resume: {committed} replies committed while the visitors were away");

    // Everyone reconnects at once with the seq it holds, while agents reply again (paced).
    let reconnect_started = Instant::now();
    let recovered = Arc::new(AtomicUsize::new(0));
    let received: Arc<Mutex<HashMap<String, Vec<i64>>>> = Arc::default();
    let timings: Arc<Mutex<(Vec<u64>, Vec<u64>)>> = Arc::default();
    let mut handles = Vec::new();
    for (visitor, conversation) in people.iter().zip(&conversations) {
        let (url, token, conversation) = (url.to_string(), visitor.token.clone(), conversation.clone());
        let (recovered, received, timings) = (recovered.clone(), received.clone(), timings.clone());
        let expected_count = expected.len();
        handles.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            let until = Instant::now() + Duration::from_secs(30);
            if let Ok((mut ws, _)) = visitor_hello(&url, &token, json!({ conversation.clone(): 1 })).await {
                timings.lock().map(|mut t| t.0.push(reconnect_started.elapsed().as_micros() as u64)).ok();
                let count_recovered = || {
                    recovered.fetch_add(1, Ordering::Relaxed);
                    timings.lock().map(|mut t| t.1.push(reconnect_started.elapsed().as_micros() as u64)).ok();
                };
                // Missing nothing, a visitor has recovered with its welcome.
                let mut counted = !missed;
                if counted {
                    count_recovered();
                }
                while Instant::now() < until && seen.len() < expected_count {
                    let frame = match tokio::time::timeout(Duration::from_secs(1), next_json(&mut ws)).await {
                        Err(_) => continue,
                        Ok(Err(error)) => {
                            eprintln!("visitor socket ended: {error}");
                            break;
                        }
                        Ok(Ok(frame)) => frame,
                    };
                    if frame["type"] == "message" {
                        seen.push(frame["seq"].as_i64().unwrap_or(-1));
                        if !counted && seen.contains(&2) {
                            counted = true;
                            count_recovered();
                        }
                    }
                }
                // Anything more would be a duplicate.
                if let Ok(Ok(frame)) = tokio::time::timeout(Duration::from_millis(500), next_json(&mut ws)).await
                    && frame["type"] == "message"
                {
                    seen.push(frame["seq"].as_i64().unwrap_or(-1));
                }
            }
            received.lock().map(|mut r| r.insert(conversation, seen)).ok();
        }));
    }
    let mut senders = Vec::new();
    for (a, (mut sink, acks)) in agent_sinks.into_iter().enumerate().filter(|_| live_replies) {
        let shard = shard(a);
        senders.push(tokio::spawn(async move {
            // 80 frames a second: under an agent socket's sustained limit.
            send_windowed(&mut sink, &acks, &shard, "reply during the reconnect", Some(Duration::from_micros(12_500))).await;
        }));
    }
    let mut all_recovered_at = None;
    while reconnect_started.elapsed() < Duration::from_secs(30) {
        if recovered.load(Ordering::Relaxed) >= visitors {
            all_recovered_at = Some(reconnect_started.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!(
        "resume: {} of {visitors} recovered {}; all within {}",
        recovered.load(Ordering::Relaxed),
        if missed { "the reply sent while away" } else { "(welcomed; nothing was missed)" },
        all_recovered_at.map(|at| format!("{:.2} s", at.as_secs_f64())).unwrap_or_else(|| "-- (not all within 30 s)".into())
    );
    for sender in senders {
        let _ = sender.await;
    }
    for handle in handles {
        let _ = handle.await;
    }
    if let Ok(mut timings) = timings.lock() {
        timings.0.sort_unstable();
        timings.1.sort_unstable();
        println!(
            "resume: welcome after p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms; missed reply after p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
            percentile(&timings.0, 0.5),
            percentile(&timings.0, 0.99),
            percentile(&timings.0, 1.0),
            percentile(&timings.1, 0.5),
            percentile(&timings.1, 0.99),
            percentile(&timings.1, 1.0)
        );
    }
    let received = received.lock().map(|r| r.clone()).unwrap_or_default();
    let (mut lost, mut duplicated, mut in_order) = (0, 0, 0);
    for conversation in &conversations {
        let seen = received.get(conversation).cloned().unwrap_or_default();
        let mut unique = seen.clone();
        unique.sort_unstable();
        unique.dedup();
        duplicated += seen.len() - unique.len();
        lost += expected.iter().filter(|s| !unique.contains(s)).count();
        if seen == expected {
            in_order += 1;
        } else if lost + duplicated < 6 {
            eprintln!("resume: conversation {conversation} received {seen:?}");
        }
    }
    println!("resume: {in_order} of {visitors} got every reply ({}), in order, once; {lost} lost, {duplicated} duplicated", expected.len());
    Ok(())
}

type Sink = futures_util::stream::SplitSink<Ws, WsMessage>;

/// Sends one message to each conversation, keeping at most 60 waiting for their ack (the
/// server allows 64), optionally paced; returns when every one is acknowledged.
async fn send_windowed(sink: &mut Sink, acks: &AtomicUsize, conversations: &[String], body: &str, pace: Option<Duration>) {
    let start = acks.load(Ordering::Relaxed);
    let mut tick = pace.map(tokio::time::interval);
    let gave_up = Instant::now() + Duration::from_secs(60);
    for (sent, conversation) in conversations.iter().enumerate() {
        while sent.saturating_sub(acks.load(Ordering::Relaxed) - start) >= 60 {
            if Instant::now() > gave_up {
                eprintln!("agent: acks stopped coming; giving up");
                return;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        if let Some(tick) = tick.as_mut() {
            tick.tick().await;
        }
        let (_, frame) = send_frame(Some(conversation), body.into());
        if sink.send(frame).await.is_err() {
            return;
        }
    }
    let waited = Instant::now();
    while acks.load(Ordering::Relaxed) - start < conversations.len() && waited.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The labels [`seed_inbox`] puts on conversations: one on a third of them, one on about 1 in
/// 150, one on 1 in 1,000 (a filter by a rare label must not walk the whole inbox). Which
/// conversations carry them is decided by a hash, independent of their status and assignee.
const SEEDED_LABELS: [(&str, &str); 3] = [
    ("00000000-0000-7000-8003-000000000001", "common: a third"),
    ("00000000-0000-7000-8003-000000000002", "uncommon: 1 in 150"),
    ("00000000-0000-7000-8003-000000000003", "rare: 1 in 1,000"),
];

/// A connection to the server's database for seeding, the id of the workspace of `site_key`
/// and of the member who signed it up.
async fn signed_up_workspace(database_url: &str, site_key: &str) -> anyhow::Result<(tokio_postgres::Client, String, String)> {
    let (client, connection) = tokio_postgres::connect(database_url, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    let row = client
        .query_one(
            "SELECT w.id::text, m.user_id::text FROM workspaces w JOIN memberships m ON m.workspace_id = w.id WHERE w.site_key = $1",
            &[&site_key],
        )
        .await?;
    Ok((client, row.get(0), row.get(1)))
}

/// Seeds `count` conversations of one workspace: a quarter assigned to the agent, statuses
/// spread like a real inbox's, three messages each, labels on a third ([`SEEDED_LABELS`]).
async fn seed_inbox(database_url: &str, site_key: &str, count: u32) -> anyhow::Result<(String, String, Vec<String>)> {
    let (client, workspace, user) = signed_up_workspace(database_url, site_key).await?;
    let started = Instant::now();
    client
        .batch_execute(&format!(
            "BEGIN;
             CREATE TEMP TABLE seed AS SELECT n, gen_random_uuid() AS contact, gen_random_uuid() AS conversation FROM generate_series(1, {count}) n;
             INSERT INTO contacts (id, workspace_id, name, email, created_at, last_seen_at)
               SELECT contact, '{workspace}', CASE WHEN n % 3 = 0 THEN 'Visitor ' || n END, CASE WHEN n % 5 = 0 THEN 'v' || n || '@example.com' END,
                      now() - n * interval '1 minute', now() - n * interval '1 minute' FROM seed;
             INSERT INTO conversations (id, workspace_id, contact_id, status, assignee_id, last_seq, agent_read_seq, visitor_read_seq, last_message_at, created_at)
               SELECT conversation, '{workspace}', contact, (ARRAY['open', 'open', 'pending', 'snoozed', 'resolved', 'resolved'])[1 + n % 6],
                      CASE WHEN n % 4 = 0 THEN '{user}'::uuid END, 3, n % 4, 3, now() - n * interval '1 minute', now() - n * interval '1 minute' FROM seed;
             UPDATE conversations SET snoozed_until = now() + interval '1 day' WHERE status = 'snoozed' AND workspace_id = '{workspace}';
             INSERT INTO messages (id, workspace_id, conversation_id, seq, client_id, author_kind, body, created_at)
               SELECT gen_random_uuid(), '{workspace}', conversation, s, gen_random_uuid(), CASE WHEN s = 2 THEN 'agent' ELSE 'visitor' END,
                      'Message ' || s || ' of conversation ' || n || ': where is my order, and can I change the delivery address?',
                      now() - n * interval '1 minute' - (3 - s) * interval '10 seconds'
               FROM seed, generate_series(1, 3) s;
             INSERT INTO labels (id, workspace_id, name, color) VALUES
               ('{l1}', '{workspace}', 'Billing', '#2563eb'), ('{l2}', '{workspace}', 'Bug', '#dc2626'), ('{l3}', '{workspace}', 'Legal', '#7c3aed');
             INSERT INTO conversation_labels (workspace_id, conversation_id, label_id)
               SELECT '{workspace}'::uuid, conversation, '{l1}'::uuid FROM seed WHERE abs(hashtext('a' || n)) % 3 = 0
               UNION ALL SELECT '{workspace}'::uuid, conversation, '{l2}'::uuid FROM seed WHERE abs(hashtext('b' || n)) % 150 = 1
               UNION ALL SELECT '{workspace}'::uuid, conversation, '{l3}'::uuid FROM seed WHERE abs(hashtext('c' || n)) % 1000 = 2;
             COMMIT;
             ANALYZE contacts; ANALYZE conversations; ANALYZE messages; ANALYZE labels; ANALYZE conversation_labels;",
            l1 = SEEDED_LABELS[0].0,
            l2 = SEEDED_LABELS[1].0,
            l3 = SEEDED_LABELS[2].0,
        ))
        .await?;
    println!("seeded {count} conversations ({} messages) in {:.1} s", count * 3, started.elapsed().as_secs_f64());
    let sample = client
        .query("SELECT id::text FROM conversations WHERE workspace_id = $1::text::uuid ORDER BY random() LIMIT 200", &[&workspace])
        .await?
        .into_iter()
        .map(|r| r.get::<_, String>(0))
        .collect();
    Ok((workspace, user, sample))
}

async fn inbox(url: &str, site_key: &str, cookie: &str, count: u32, requests: usize, database_url: &str) -> anyhow::Result<()> {
    let (workspace, _, sample) = seed_inbox(database_url, site_key, count).await?;
    let pages = SignedIn::new(url, cookie)?;
    let get = |path: String| pages.get(path);
    // Warm-up: the first requests prepare statements and fill caches.
    for _ in 0..20 {
        get(format!("/app/{workspace}/inbox")).await?;
    }
    let views = [
        "view=all&status=open",
        "view=mine&status=open",
        "view=unassigned&status=open",
        "view=all&status=resolved",
        "view=mine&status=pending",
    ];
    let (mut first_pages, mut deep_pages, mut conversations) = (Vec::new(), Vec::new(), Vec::new());
    let mut after: HashMap<&str, String> = HashMap::new();
    for i in 0..requests {
        let query = views[i % views.len()];
        let (micros, _) = get(format!("/app/{workspace}/inbox?{query}")).await?;
        first_pages.push(micros);
        // Follow the "older" link of each view, page after page: keyset pages stay as fast deep down.
        let path = match after.get(query) {
            Some(cursor) => format!("/app/{workspace}/inbox?{query}&after={cursor}"),
            None => format!("/app/{workspace}/inbox?{query}"),
        };
        let (micros, body) = get(path).await?;
        deep_pages.push(micros);
        if let Some(start) = body.find("&amp;after=") {
            let rest = &body[start + "&amp;after=".len()..];
            let cursor: String = rest.chars().take_while(|c| *c != '"').collect();
            after.insert(query, cursor.replace('+', "%2B").replace(':', "%3A"));
        }
        let conversation = &sample[i % sample.len()];
        let (micros, _) = get(format!("/app/{workspace}/inbox/{conversation}?view=all&status=open")).await?;
        conversations.push(micros);
    }
    // The list filtered by each label, alone and with a view, first pages and the pages after.
    let mut by_label = Vec::new();
    let mut label_after: HashMap<String, String> = HashMap::new();
    for i in 0..requests {
        let (label, _) = SEEDED_LABELS[i % SEEDED_LABELS.len()];
        let view = ["view=all&status=open", "view=mine&status=open", "view=all&status=resolved"][(i / SEEDED_LABELS.len()) % 3];
        let query = format!("{view}&label={label}");
        let path = match label_after.get(&query) {
            Some(cursor) if i % 2 == 1 => format!("/app/{workspace}/inbox?{query}&after={cursor}"),
            _ => format!("/app/{workspace}/inbox?{query}"),
        };
        let (micros, body) = get(path).await?;
        by_label.push(micros);
        if let Some(start) = body.find("&amp;after=") {
            let rest = &body[start + "&amp;after=".len()..];
            let cursor: String = rest.chars().take_while(|c| *c != '"').collect();
            label_after.insert(query, cursor.replace('+', "%2B").replace(':', "%3A"));
        }
    }
    for (name, mut times) in [
        ("list, first page", first_pages),
        ("list, keyset pages", deep_pages),
        ("list, by label", by_label),
        ("conversation page", conversations),
    ] {
        print_latencies(name, &mut times);
    }
    Ok(())
}

/// Pages of the dashboard, requested one at a time as the signed-up owner.
struct SignedIn {
    client: reqwest::Client,
    url: String,
    cookie: String,
}

impl SignedIn {
    fn new(url: &str, cookie: &str) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
        Ok(Self { client, url: url.to_string(), cookie: cookie.to_string() })
    }

    /// `GET path`, which must answer 200: (microseconds to the whole body, the body).
    async fn get(&self, path: String) -> anyhow::Result<(u64, String)> {
        let started = Instant::now();
        let response = self.client.get(format!("{}{path}", self.url)).header("cookie", &self.cookie).send().await?;
        let status = response.status();
        let body = response.text().await?;
        anyhow::ensure!(status == 200, "GET {path}: {status}");
        Ok((started.elapsed().as_micros() as u64, body))
    }
}

/// One line of latencies: the median, p95, p99 and the slowest.
fn print_latencies(name: &str, times: &mut [u64]) {
    times.sort_unstable();
    println!(
        "{name:<20} {} requests: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        times.len(),
        percentile(times, 0.50),
        percentile(times, 0.95),
        percentile(times, 0.99),
        percentile(times, 1.0)
    );
}

/// Seeds `count` conversations over the last 90 days, one every 78 seconds, with `messages`
/// each (visitor and agent in turn, the agents' replies spread over five members), first replies
/// within ten minutes, two thirds resolved within two hours, one resolved conversation in five
/// rated, a label on a third; business hours on (Monday to Friday, 09:00 to 17:00, Paris).
/// Returns (workspace, the members' ids).
async fn seed_reports(database_url: &str, site_key: &str, count: u32, messages: u32) -> anyhow::Result<(String, Vec<String>)> {
    let (client, workspace, owner) = signed_up_workspace(database_url, site_key).await?;
    let started = Instant::now();
    client
        .batch_execute(&format!(
            "BEGIN;
             UPDATE workspaces SET time_zone = 'Europe/Paris', hours_enabled = true,
                    business_hours = '[[540,1020],[540,1020],[540,1020],[540,1020],[540,1020],null,null]' WHERE id = '{workspace}';
             CREATE TEMP TABLE agents AS SELECT k, CASE WHEN k = 0 THEN '{owner}'::uuid ELSE gen_random_uuid() END AS id FROM generate_series(0, 4) k;
             INSERT INTO users (id, name, email, password_hash)
               SELECT id, 'Agent ' || k, 'agent-' || k || '-' || id || '@example.com', 'x' FROM agents WHERE k > 0;
             INSERT INTO memberships (workspace_id, user_id, role) SELECT '{workspace}', id, 'agent' FROM agents WHERE k > 0;
             CREATE TEMP TABLE seed AS
               SELECT n, gen_random_uuid() AS contact, gen_random_uuid() AS conversation,
                      now() - n * interval '78 seconds' AS created, (SELECT id FROM agents WHERE k = n % 5) AS agent
               FROM generate_series(1, {count}) n;
             INSERT INTO contacts (id, workspace_id, name, created_at, last_seen_at)
               SELECT contact, '{workspace}', 'Visitor ' || n, created, created FROM seed;
             INSERT INTO conversations (id, workspace_id, contact_id, status, assignee_id, last_seq, agent_read_seq, visitor_read_seq,
                                        last_message_at, created_at, first_reply_at, first_reply_by, resolved_at, resolved_by)
               SELECT conversation, '{workspace}', contact, CASE WHEN n % 3 = 0 THEN 'open' ELSE 'resolved' END, agent, {messages}, {messages}, {messages},
                      created, created, created + (n % 600) * interval '1 second', agent,
                      CASE WHEN n % 3 <> 0 THEN created + (n % 7200) * interval '1 second' END, CASE WHEN n % 3 <> 0 THEN agent END
               FROM seed;
             INSERT INTO messages (id, workspace_id, conversation_id, seq, client_id, author_kind, author_id, body, created_at)
               SELECT gen_random_uuid(), '{workspace}', conversation, s, gen_random_uuid(),
                      CASE WHEN s % 2 = 0 THEN 'agent' ELSE 'visitor' END, CASE WHEN s % 2 = 0 THEN agent ELSE contact END,
                      'Message ' || s || ' of conversation ' || n, created + s * interval '30 seconds'
               FROM seed, generate_series(1, {messages}) s;
             INSERT INTO agent_reply_counts (workspace_id, quarter, user_id, replies)
               SELECT workspace_id, date_bin('15 minutes', created_at, TIMESTAMPTZ '2000-01-01 00:00:00+00'), author_id, count(*)
               FROM messages WHERE workspace_id = '{workspace}' AND author_kind = 'agent' GROUP BY 1, 2, 3;
             INSERT INTO conversation_ratings (conversation_id, workspace_id, agent_id, score, comment, first_rated_at, rated_at)
               SELECT conversation, '{workspace}', agent, 1 + n % 5, CASE WHEN n % 2 = 0 THEN 'Comment ' || n END,
                      created + interval '3 hours', created + interval '3 hours'
               FROM seed WHERE n % 3 <> 0 AND n % 5 = 1;
             INSERT INTO labels (id, workspace_id, name, color) VALUES ('{l1}', '{workspace}', 'Billing', '#2563eb');
             INSERT INTO conversation_labels (workspace_id, conversation_id, label_id)
               SELECT '{workspace}'::uuid, conversation, '{l1}'::uuid FROM seed WHERE abs(hashtext('a' || n)) % 3 = 0;
             COMMIT;",
            l1 = SEEDED_LABELS[0].0,
        ))
        .await?;
    // Vacuumed as autovacuum would have done over 90 days, so that index-only scans need no
    // heap visits; VACUUM runs only as a statement of its own.
    for table in ["contacts", "conversations", "messages", "conversation_ratings", "agent_reply_counts", "conversation_labels"] {
        client.batch_execute(&format!("VACUUM ANALYZE {table}")).await?;
    }
    println!(
        "seeded {count} conversations ({} messages) over 90 days in {:.1} s",
        u64::from(count) * u64::from(messages),
        started.elapsed().as_secs_f64()
    );
    let agents = client
        .query("SELECT user_id::text FROM memberships WHERE workspace_id = $1::text::uuid ORDER BY user_id", &[&workspace])
        .await?
        .into_iter()
        .map(|r| r.get::<_, String>(0))
        .collect();
    Ok((workspace, agents))
}

/// Times the reports page over the seeded history: the last 30 days for the team, for one agent
/// and for a label, and the last 90 days.
async fn reports(
    url: &str,
    site_key: &str,
    cookie: &str,
    count: u32,
    messages: u32,
    requests: usize,
    database_url: &str,
) -> anyhow::Result<()> {
    let (workspace, agents) = seed_reports(database_url, site_key, count, messages).await?;
    let pages = SignedIn::new(url, cookie)?;
    let get = |path: String| pages.get(path);
    let page = format!("/app/{workspace}/reports");
    for _ in 0..10 {
        get(format!("{page}?range=30d")).await?;
    }
    let (_, body) = get(format!("{page}?range=30d")).await?;
    anyhow::ensure!(body.contains("<svg"), "the reports page shows charts");
    let today = time::OffsetDateTime::now_utc().date();
    let ninety = today - time::Duration::days(89);
    let kinds: [(&str, String); 4] = [
        ("30 days, team", format!("{page}?range=30d")),
        ("30 days, one agent", format!("{page}?range=30d&agent={}", agents[0])),
        ("30 days, one label", format!("{page}?range=30d&label={}", SEEDED_LABELS[0].0)),
        ("90 days, team", format!("{page}?range=custom&from={ninety}&to={today}")),
    ];
    for (name, path) in kinds {
        let mut times = Vec::with_capacity(requests);
        for _ in 0..requests {
            times.push(get(path.clone()).await?.0);
        }
        print_latencies(name, &mut times);
    }
    Ok(())
}
