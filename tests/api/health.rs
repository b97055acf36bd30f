use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_answers_ok_as_json() {
    let app = spawn_app().await;
    let response = app.browser.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readyz_reports_that_the_database_is_reachable() {
    let app = spawn_app().await;
    let response = app.browser.get("/readyz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn readyz_answers_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    let name = app.database.name.clone();
    std::thread::spawn(move || {
        use diesel::{Connection, RunQueryDsl};
        let mut conn = diesel::PgConnection::establish(
            &std::env::var("PARLOR_TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        )
        .unwrap();
        diesel::sql_query(format!("DROP DATABASE \"{name}\" WITH (FORCE)")).execute(&mut conn).unwrap();
    })
    .join()
    .unwrap();
    let response = app.browser.get("/readyz").await;
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["database"], "unreachable");
}

#[tokio::test]
async fn an_unknown_page_answers_404_with_a_readable_page_and_request_id() {
    let app = spawn_app().await;
    let response = app.browser.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("This page does not exist"), "{html}");
    assert!(html.contains("request id"), "{html}");
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_and_no_sniffing() {
    let app = spawn_app().await;
    let response = app.browser.get("/login").await;
    let csp = response.headers().get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(response.headers().get("x-content-type-options").unwrap(), "nosniff");
}

/// A draining instance (step 1 of the drain, `src/ops/drain.rs`): not ready, and each answer
/// closes its connection, so that a load balancer's kept connection moves elsewhere.
#[tokio::test]
async fn a_draining_instance_is_not_ready_and_closes_each_connection_after_its_answer() {
    let app = spawn_app().await;
    let ready = app.browser.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.headers().get("connection"), None, "a ready instance keeps its connections");
    app.state.lifecycle.start_draining();
    for path in ["/readyz", "/healthz"] {
        let answer = app.browser.get(path).await;
        assert_eq!(answer.headers().get("connection").map(|v| v.to_str().unwrap_or_default()), Some("close"), "{path}");
        let status = answer.status();
        let body: serde_json::Value = answer.json().await.unwrap();
        match path {
            "/readyz" => assert_eq!((status.as_u16(), body["status"].as_str()), (503, Some("draining"))),
            _ => assert_eq!((status.as_u16(), body["status"].as_str()), (200, Some("ok")), "still alive while it drains"),
        }
    }
}

/// A request already under way when the drain begins (its head came before, its body after)
/// is answered with `Connection: close` too: whether to close is judged on the answer, so no
/// answer given while draining keeps its connection.
#[tokio::test]
async fn a_request_under_way_when_the_drain_begins_closes_its_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let mut stream = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://")).await.expect("connect");
    let body = "{}";
    let head = format!(
        "POST /webhooks/stripe HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    // The handler waits for the body; by now the request has passed every middleware's entry.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.state.lifecycle.start_draining();
    stream.write_all(body.as_bytes()).await.expect("body");
    let mut answer = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("the server closes the connection after its answer")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer).to_ascii_lowercase();
    assert!(answer.starts_with("http/1.1 "), "{answer}");
    assert!(answer.contains("\r\nconnection: close\r\n"), "{answer}");
}

/// A reconnect storm needs room in the listening socket's backlog: the kernel holds completed
/// handshakes there until the server accepts them, and drops those beyond it (the client
/// retries a second later). The kernel reports a listener's backlog as its Send-Q (`ss -lnt`).
#[tokio::test]
async fn the_listener_holds_a_reconnect_storm_in_its_backlog() {
    let app = spawn_app().await;
    let port = app.address.rsplit(':').next().expect("a port").to_string();
    let output = std::process::Command::new("ss")
        .args(["-Hltn", &format!("sport = :{port}")])
        .output()
        .expect("ss (iproute2) runs; scripts/test installs it");
    let listing = String::from_utf8_lossy(&output.stdout);
    let send_q: Vec<&str> = listing.lines().filter_map(|line| line.split_whitespace().nth(2)).collect();
    // The kernel caps a backlog at net.core.somaxconn; the test asks no more than it allows.
    let somaxconn: u32 = std::fs::read_to_string("/proc/sys/net/core/somaxconn").expect("somaxconn").trim().parse().expect("a number");
    assert_eq!(send_q, vec![4096.min(somaxconn).to_string()], "{listing}");
}
