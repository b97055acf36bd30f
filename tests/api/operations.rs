//! Running Parlor as a service, with real processes: the Prometheus metrics on their own
//! listener moving with requests, messages and jobs; a SIGTERM drain (readiness 503, sockets
//! closed with 1012, exit within the grace); and a rolling restart of two instances behind the
//! shipped Caddy configuration, with NATS between them, under traffic: nothing lost, nothing
//! doubled, no request failed.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use serde_json::json;
use uuid::Uuid;

use crate::{
    faults::{
        Pace, Progress, agent_receives, assert_agent_got_each_once_in_order, assert_stored_exactly_once, keep_sending, sign_up_on,
        stored_messages, visitor, wait_for,
    },
    helpers::TestDatabase,
    servers::{CaddyProxy, ParlorEnv, ParlorProcess, PrivateNats, free_port},
    socket_client::{Read, Socket, widget_session_at},
};

/// The Prometheus text of `/metrics` on `port`.
async fn scrape(port: u16) -> String {
    let response = reqwest::get(format!("http://127.0.0.1:{port}/metrics")).await.expect("GET /metrics");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().expect("content type").to_string();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "Prometheus text format, not {content_type}");
    response.text().await.expect("metrics text")
}

/// The sum of the samples of `name` whose labels include all of `labels`; `None` when no such
/// series exists.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let mut found = None;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((series, value)) = line.rsplit_once(' ') else { continue };
        let (series_name, series_labels) = match series.split_once('{') {
            Some((n, rest)) => (n, rest.trim_end_matches('}')),
            None => (series, ""),
        };
        if series_name != name {
            continue;
        }
        if labels.iter().all(|(k, v)| series_labels.split(',').any(|pair| pair == format!("{k}=\"{v}\""))) {
            *found.get_or_insert(0.0) += value.parse::<f64>().expect("a sample value");
        }
    }
    found
}

/// Scrapes until `check` holds (up to 15 s: jobs run on the worker's tick).
async fn scrape_until(port: u16, what: &str, check: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let text = scrape(port).await;
        if check(&text) {
            return text;
        }
        assert!(Instant::now() < deadline, "{what} within 15 s; the metrics were:\n{text}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_served_apart_and_move_with_requests_messages_broker_and_jobs() {
    let database = TestDatabase::create();
    let (metrics_a, metrics_b) = (free_port(), free_port());
    let env = ParlorEnv::new(database.url());
    let env_a = ParlorEnv { extra_env: vec![("METRICS_ADDR".into(), format!("127.0.0.1:{metrics_a}"))], ..env.clone() };
    let env_b = ParlorEnv { extra_env: vec![("METRICS_ADDR".into(), format!("127.0.0.1:{metrics_b}"))], ..env };
    let a = ParlorProcess::start(&env_a).await;
    let _b = ParlorProcess::start(&env_b).await;

    let before = scrape(metrics_a).await;
    assert_eq!(sample(&before, "parlor_build_info", &[("version", env!("CARGO_PKG_VERSION"))]), Some(1.0));
    assert_eq!(sample(&before, "parlor_draining", &[]), Some(0.0));
    assert!(before.contains("# TYPE parlor_http_requests_total counter"), "{before}");
    // Only on the metrics listener: the public one, behind the proxy, does not serve them.
    let public = reqwest::get(format!("{}/metrics", a.address)).await.expect("GET public /metrics");
    assert_eq!(public.status(), 404);

    // Requests, by route pattern and status.
    let healthz = |text: &str| sample(text, "parlor_http_requests_total", &[("method", "GET"), ("route", "/healthz"), ("status", "200")]);
    let healthz_before = healthz(&before).unwrap_or(0.0);
    for _ in 0..3 {
        assert_eq!(reqwest::get(format!("{}/healthz", a.address)).await.expect("healthz").status(), 200);
    }
    let text = scrape(metrics_a).await;
    assert_eq!(healthz(&text), Some(healthz_before + 3.0), "three GET /healthz counted:\n{text}");
    assert!(sample(&text, "parlor_http_request_duration_seconds_count", &[("method", "GET"), ("route", "/healthz")]).unwrap_or(0.0) >= 3.0);
    assert!(sample(&text, "parlor_http_requests_total", &[("route", "/api/widget/v1/sessions")]).is_none(), "nothing yet");

    // A message from a visitor: its socket, its commit, its ack, and the wake-up to B.
    let (_, site_key) = sign_up_on(&a.address).await;
    let (token, _) = widget_session_at(&a.address, &site_key).await;
    let text = scrape(metrics_a).await;
    assert_eq!(
        sample(&text, "parlor_http_requests_total", &[("method", "POST"), ("route", "/api/widget/v1/sessions"), ("status", "200")]),
        Some(1.0),
        "a route is labelled by its pattern"
    );
    let stored_before = sample(&text, "parlor_messages_stored_total", &[]).unwrap_or(0.0);
    let received_before = sample(&scrape(metrics_b).await, "parlor_broker_received_total", &[]).unwrap_or(0.0);
    let mut socket = Socket::open(&a.address, &[]).await;
    socket.send(json!({"type": "hello", "visitor_token": token})).await;
    socket.expect("welcome").await;
    socket.send(json!({"type": "send", "client_id": Uuid::now_v7(), "body": "Where is my parcel?"})).await;
    let ack = socket.expect("ack").await;
    let conversation = ack["conversation_id"].as_str().expect("conversation id").to_string();
    let text = scrape(metrics_a).await;
    assert_eq!(sample(&text, "parlor_sockets_open", &[("role", "visitor")]), Some(1.0), "{text}");
    assert_eq!(sample(&text, "parlor_messages_stored_total", &[]), Some(stored_before + 1.0));
    assert!(sample(&text, "parlor_writer_batch_size_count", &[]).unwrap_or(0.0) >= 1.0);
    // The hello was read by the socket readers.
    assert!(sample(&text, "parlor_socket_reads_batch_size_count", &[]).unwrap_or(0.0) >= 1.0, "{text}");
    assert!(sample(&text, "parlor_socket_reads_duration_seconds_count", &[]).unwrap_or(0.0) >= 1.0);
    assert!(sample(&text, "parlor_writer_commit_duration_seconds_count", &[]).unwrap_or(0.0) >= 1.0);
    assert!(sample(&text, "parlor_ack_duration_seconds_count", &[]).unwrap_or(0.0) >= 1.0);
    assert!(sample(&text, "parlor_broker_published_total", &[]).unwrap_or(0.0) >= 1.0);
    assert!(sample(&text, "parlor_db_pool_wait_seconds_count", &[]).unwrap_or(0.0) >= 1.0);
    assert!(sample(&text, "parlor_db_pool_connections", &[("state", "idle")]).is_some(), "{text}");
    assert!(sample(&text, "parlor_jobs_queued", &[]).is_some(), "{text}");
    // B heard the wake-up through the broker (Postgres here) and timed it.
    scrape_until(metrics_b, "instance B counts the wake-up it received", |text| {
        sample(text, "parlor_broker_received_total", &[]).unwrap_or(0.0) > received_before
            && sample(text, "parlor_broker_lag_seconds_count", &[]).unwrap_or(0.0) >= 1.0
    })
    .await;
    socket.close().await;
    scrape_until(metrics_a, "the closed socket is no longer counted", |text| {
        sample(text, "parlor_sockets_open", &[("role", "visitor")]) == Some(0.0)
    })
    .await;

    // A job: the visitor asks for the transcript; the worker runs it and the email goes out.
    let transcript = reqwest::Client::new()
        .post(format!("{}/api/widget/v1/conversations/{conversation}/transcript", a.address))
        .bearer_auth(&token)
        .body(json!({"email": "kim@customer.test"}).to_string())
        .send()
        .await
        .expect("POST transcript");
    assert_eq!(transcript.status(), 202);
    let done = |text: &str| {
        // Either instance's worker may take it.
        sample(text, "parlor_jobs_completed_total", &[("kind", "transcript")]).unwrap_or(0.0)
    };
    let deadline = Instant::now() + Duration::from_secs(15);
    let (text_a, text_b) = loop {
        let (text_a, text_b) = (scrape(metrics_a).await, scrape(metrics_b).await);
        if done(&text_a) + done(&text_b) >= 1.0 {
            break (text_a, text_b);
        }
        assert!(Instant::now() < deadline, "the transcript job ran within 15 s:\n{text_a}\n{text_b}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let both =
        |name: &str, labels: &[(&str, &str)]| sample(&text_a, name, labels).unwrap_or(0.0) + sample(&text_b, name, labels).unwrap_or(0.0);
    assert_eq!(both("parlor_jobs_completed_total", &[("kind", "transcript")]), 1.0);
    assert_eq!(both("parlor_emails_sent_total", &[("kind", "transcript")]), 1.0, "the transcript email, counted by its job's kind");
    assert!(both("parlor_job_lag_seconds_count", &[]) >= 1.0);
    assert_eq!(both("parlor_jobs_failed_total", &[("kind", "transcript")]), 0.0);
    assert_eq!(sample(&text_a, "parlor_jobs_running", &[]).unwrap_or(0.0), 0.0);
    // The sign-up's confirmation email went out outside any job.
    assert!(sample(&text_a, "parlor_emails_sent_total", &[("kind", "account")]).unwrap_or(0.0) >= 1.0, "{text_a}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_turns_readiness_to_503_closes_sockets_with_1012_and_exits_within_the_grace() {
    let database = TestDatabase::create();
    let metrics = free_port();
    let env = ParlorEnv { extra_env: vec![("METRICS_ADDR".into(), format!("127.0.0.1:{metrics}"))], ..ParlorEnv::new(database.url()) };
    let mut instance = ParlorProcess::start(&env).await;
    let (_, site_key) = sign_up_on(&instance.address).await;
    let (token, _) = widget_session_at(&instance.address, &site_key).await;
    let mut socket = Socket::open(&instance.address, &[]).await;
    socket.send(json!({"type": "hello", "visitor_token": token})).await;
    socket.expect("welcome").await;
    // A connection kept alive, as a load balancer keeps its own to each instance.
    let balancer = reqwest::Client::new();
    let ready = balancer.get(format!("{}/readyz", instance.address)).send().await.expect("readyz");
    assert_eq!(ready.status(), 200);
    // Read to the end: the connection goes back to the client's pool, and the questions below
    // go out on it (see the loop).
    ready.bytes().await.expect("readyz body");

    instance.terminate();
    let terminated = Instant::now();
    // The signal takes a moment to arrive; until then the instance is ready as before.
    let draining = loop {
        match balancer.get(format!("{}/readyz", instance.address)).send().await {
            Ok(answer) if answer.status() == 200 && terminated.elapsed() < Duration::from_secs(2) => {
                // Read to the end, so that the next question goes out on this same connection:
                // one whose answer is still unread would make the client open another.
                answer.bytes().await.expect("readyz body");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            other => break other,
        }
    };
    match draining {
        Ok(answer) => {
            assert_eq!(answer.status(), 503, "a draining instance is not ready");
            assert_eq!(answer.headers().get("connection").map(|v| v.to_str().unwrap_or_default()), Some("close"));
            assert_eq!(answer.json::<serde_json::Value>().await.expect("json")["status"], "draining");
        }
        // With nothing to wait for, the drain can end (in under a millisecond) and close the
        // kept connection between two questions 5 ms apart: then it must have drained.
        // (`health::a_draining_instance_is_not_ready_...` sees the 503 every time.)
        Err(error) => {
            instance.wait_for_exit(Duration::from_secs(12)).await.expect("parlor exits after SIGTERM");
            assert!(instance.log().contains("drained; stopping the HTTP server"), "{error:?}: {}", instance.log());
        }
    }
    // New connections are refused at once (a proxy retries them on another instance).
    let refused = reqwest::Client::new().get(format!("{}/healthz", instance.address)).timeout(Duration::from_secs(2)).send().await;
    assert!(refused.as_ref().is_err_and(|e| e.is_connect()), "a new connection is refused while draining: {refused:?}");

    // The socket is closed with 1012 (service restart), which clients take as "reconnect now".
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match socket.read(Duration::from_millis(100)).await {
            Read::Ended => break,
            Read::Frame(_) | Read::Nothing => assert!(Instant::now() < deadline, "the socket was not closed within 5 s"),
        }
    }
    assert_eq!(socket.close_code, Some(1012));

    let (_, status) = instance.wait_for_exit(Duration::from_secs(12)).await.expect("parlor exits after SIGTERM");
    let took = terminated.elapsed();
    eprintln!("exited {} ms after SIGTERM", took.as_millis());
    assert!(took < Duration::from_secs(10), "exited {took:?} after SIGTERM, over the 10 s grace");
    assert!(status.success(), "a drained instance exits 0, not {status}");
    let log = instance.log();
    assert!(log.contains("drained; stopping the HTTP server"), "{log}");
    assert!(log.contains("stopped accepting connections"), "{log}");
    // A deploy is routine: nothing in it may read as a fault to whoever watches the logs.
    assert!(!log.contains("ERROR"), "a clean drain logs no error:\n{log}");
}

/// A client of the public site through the proxy: GET /healthz every 20 ms until stopped;
/// counts answers and failures (anything but 200, or no answer).
fn poll_through(address: String, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<(usize, Vec<String>)> {
    tokio::spawn(async move {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client");
        let (mut answered, mut failures) = (0, Vec::new());
        while !stop.load(Ordering::Relaxed) {
            match client.get(format!("{address}/healthz")).send().await {
                Ok(response) if response.status() == 200 => answered += 1,
                Ok(response) => failures.push(format!("status {}", response.status())),
                Err(error) => failures.push(format!("{error:?}")),
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        (answered, failures)
    })
}

/// Stops `instance` as a deploy does and starts its next release on the same port.
async fn roll(instance: &mut ParlorProcess, env: &ParlorEnv, port: u16) -> Duration {
    instance.terminate();
    let (took, status) = instance.wait_for_exit(Duration::from_secs(12)).await.expect("the instance exits after SIGTERM");
    assert!(status.success(), "a drained instance exits 0, not {status}\n{}", instance.log_tail());
    assert!(took < Duration::from_secs(10), "exited {took:?} after SIGTERM, over the 10 s grace");
    assert!(!instance.log().contains("ERROR"), "a drain under traffic logs no error:\n{}", instance.log_tail());
    *instance = ParlorProcess::start_on(env, port).await;
    // The proxy's next health check (every second) takes it back.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    took
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolling_restart_behind_the_proxy_loses_doubles_and_fails_nothing() {
    const VISITORS: usize = 4;
    const MESSAGES: usize = 200;
    // One message a visitor every 100 ms: 20 s of traffic, across both restarts.
    const PACE: Pace = Pace { burst: 1, every: Duration::from_millis(100) };
    let database = TestDatabase::create();
    let nats = PrivateNats::start().await;
    let (port_a, port_b, proxy_port) = (free_port(), free_port(), free_port());
    let site = format!("http://127.0.0.1:{proxy_port}");
    // As in production: every instance has the site's address, and trusts the one proxy.
    let env = ParlorEnv {
        nats_url: Some(nats.url()),
        extra_env: vec![("PUBLIC_URL".into(), site.clone()), ("TRUST_FORWARDED_FOR".into(), "1".into())],
        ..ParlorEnv::new(database.url())
    };
    let mut a = ParlorProcess::start_on(&env, port_a).await;
    let mut b = ParlorProcess::start_on(&env, port_b).await;
    let proxy = CaddyProxy::start(proxy_port, &[port_a, port_b]).await;
    assert_eq!(proxy.address, site);

    let (email, site_key) = sign_up_on(&site).await;
    let mut visitors = Vec::new();
    for n in 0..VISITORS {
        visitors.push(visitor(&site, &site_key, &format!("v{n}"), MESSAGES).await);
    }
    let conversations: Vec<String> = visitors.iter().map(|v| v.conversation.clone()).collect();
    let agent =
        tokio::spawn(agent_receives(site.clone(), site.clone(), email, conversations, VISITORS * (MESSAGES + 1), Duration::from_secs(90)));
    let stop_polling = Arc::new(AtomicBool::new(false));
    let poller = poll_through(site.clone(), stop_polling.clone());
    let progress = Progress::default();
    let senders: Vec<_> =
        visitors.into_iter().map(|v| tokio::spawn(keep_sending(vec![site.clone()], v, PACE, progress.clone(), false))).collect();

    wait_for(&progress.sent, VISITORS * MESSAGES / 10).await;
    let took_a = roll(&mut a, &env, port_a).await;
    let took_b = roll(&mut b, &env, port_b).await;
    eprintln!("instance A exited {} ms after SIGTERM, B {} ms", took_a.as_millis(), took_b.as_millis());
    let sent_during_rolls = progress.sent.load(Ordering::Relaxed);
    assert!(sent_during_rolls < VISITORS * MESSAGES, "the traffic outlasted both restarts ({sent_during_rolls} sent)");

    let mut runs = Vec::new();
    for sender in senders {
        runs.push(sender.await.expect("visitor task"));
    }
    stop_polling.store(true, Ordering::Relaxed);
    let (answered, failures) = poller.await.expect("poller");
    eprintln!("{answered} requests through the proxy during the restarts; failed: {failures:?}");
    assert!(answered > 100, "the poller kept asking");
    assert!(failures.is_empty(), "no request failed during the rolling restart: {failures:?}");
    let restarts: usize = runs.iter().map(|(_, sent)| sent.restarts).sum();
    assert!(restarts >= VISITORS, "every visitor's socket was closed with 1012 at least once (saw {restarts})");
    let stored = stored_messages(&database.url());
    assert_stored_exactly_once(&stored, &runs, true);
    let received = agent.await.expect("agent task");
    assert_agent_got_each_once_in_order(&received, &stored);
}
