//! `spawn_app()` and the verbs tests speak in: `app.sign_up()`, `browser.sign_in()`, ...

use std::{
    path::PathBuf,
    sync::{Arc, OnceLock},
    time::{Duration, Instant},
};

use actix_web::web;
use diesel::{Connection, PgConnection, RunQueryDsl, sql_types::Text};
use parlor::{
    config::{LogFormat, MailSettings, RateLimits, Settings},
    db,
    email::Email,
    startup::{AppState, Application},
};
use reqwest::{Response, StatusCode, redirect::Policy};
use secrecy::SecretString;
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse battery";

/// The Postgres server tests create their databases on (any database of it).
fn server_url() -> String {
    std::env::var("PARLOR_TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn database_url(name: &str) -> String {
    let mut url = url::Url::parse(&server_url()).expect("PARLOR_TEST_DATABASE_URL is a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

/// The template's name carries a digest of the migrations, so a changed migration gets a fresh
/// template and concurrent test processes never drop one another's.
fn template_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let mut hasher = Sha256::new();
        let mut entries: Vec<PathBuf> = walk(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("migrations"));
        entries.sort();
        for path in entries {
            hasher.update(path.to_string_lossy().as_bytes());
            hasher.update(std::fs::read(&path).expect("read migration"));
        }
        let digest = hasher.finalize();
        format!("parlor_template_{}", digest.iter().take(6).map(|b| format!("{b:02x}")).collect::<String>())
    })
}

fn walk(dir: &PathBuf) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("migrations dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn maintenance_connection() -> PgConnection {
    PgConnection::establish(&server_url()).unwrap_or_else(|e| panic!("tests need Postgres at {}: {e}", server_url()))
}

/// Creates and migrates the template once, under an advisory lock shared by all test processes.
fn ensure_template() {
    static READY: OnceLock<()> = OnceLock::new();
    READY.get_or_init(|| {
        let mut conn = maintenance_connection();
        diesel::sql_query("SELECT pg_advisory_lock(727001)").execute(&mut conn).expect("lock");
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let exists = diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
            .bind::<Text, _>(template_name())
            .get_result::<Count>(&mut conn)
            .expect("query pg_database")
            .n
            > 0;
        if !exists {
            let building = format!("{}_building", template_name());
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", db::quote_identifier(&building)))
                .execute(&mut conn)
                .expect("drop half-built template");
            diesel::sql_query(format!("CREATE DATABASE {}", db::quote_identifier(&building))).execute(&mut conn).expect("create template");
            db::run_migrations(&SecretString::from(database_url(&building))).expect("migrate template");
            diesel::sql_query(format!(
                "ALTER DATABASE {} RENAME TO {}",
                db::quote_identifier(&building),
                db::quote_identifier(template_name())
            ))
            .execute(&mut conn)
            .expect("publish template");
        }
        diesel::sql_query("SELECT pg_advisory_unlock(727001)").execute(&mut conn).expect("unlock");
    });
}

/// A fresh database for one test, dropped when the test ends.
pub struct TestDatabase {
    pub name: String,
}

/// Keeps OpenSSL from tearing itself down at process exit. libpq loads libcrypto, which
/// registers `OPENSSL_cleanup` with `atexit`; the test binary exits while the servers' pool
/// threads still hold connections, and the cleanup then crashes the process (SIGSEGV) after
/// every test has passed. Asking for no atexit handler before the first connection avoids it.
pub fn keep_openssl_alive_at_exit() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        unsafe extern "C" {
            fn dlsym(handle: *mut std::ffi::c_void, symbol: *const std::ffi::c_char) -> *mut std::ffi::c_void;
        }
        const OPENSSL_INIT_NO_ATEXIT: u64 = 0x0008_0000;
        // SAFETY: RTLD_DEFAULT (null) searches the loaded libraries; the symbol, when present, is
        // OpenSSL's `int OPENSSL_init_crypto(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings)`.
        unsafe {
            let symbol = dlsym(std::ptr::null_mut(), c"OPENSSL_init_crypto".as_ptr());
            if !symbol.is_null() {
                let init: extern "C" fn(u64, *const std::ffi::c_void) -> std::ffi::c_int = std::mem::transmute(symbol);
                init(OPENSSL_INIT_NO_ATEXIT, std::ptr::null());
            }
        }
    });
}

impl TestDatabase {
    pub fn create() -> Self {
        keep_openssl_alive_at_exit();
        ensure_template();
        let name = format!("parlor_test_{}", Uuid::new_v4().simple());
        let mut conn = maintenance_connection();
        diesel::sql_query(format!("CREATE DATABASE {} TEMPLATE {}", db::quote_identifier(&name), db::quote_identifier(template_name())))
            .execute(&mut conn)
            .expect("clone template");
        Self { name }
    }

    pub fn url(&self) -> String {
        database_url(&self.name)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Off the async runtime's thread: the drop blocks on Postgres.
        let _ = std::thread::spawn(move || {
            let mut conn = maintenance_connection();
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", db::quote_identifier(&name))).execute(&mut conn);
        })
        .join();
    }
}

pub fn test_settings(database: &TestDatabase, data_dir: PathBuf) -> Settings {
    Settings {
        database_url: SecretString::from(database.url()),
        addr: "127.0.0.1:0".parse().expect("addr"),
        public_url: url::Url::parse("http://localhost:8080").expect("url"),
        data_dir,
        secret_key: SecretString::from(format!("test-secret-{}", Uuid::new_v4())),
        mail: MailSettings::Memory,
        mail_from: "Parlor <no-reply@parlor.test>".into(),
        nats_url: None,
        stripe: None,
        // Tests play clients from several addresses through this header.
        trust_forwarded_for: parlor::config::ForwardedTrust::Hops(1),
        log_format: LogFormat::Pretty,
        database_pool_size: 4,
        rate_limits: RateLimits::default(),
        job_interval: std::time::Duration::from_millis(100),
        // Tests receive webhooks on 127.0.0.1.
        webhooks_allow_private_networks: true,
        // A revoked socket's last line of defence, quick enough for a test to watch.
        credential_check_interval: std::time::Duration::from_secs(1),
    }
}

pub struct TestApp {
    pub address: String,
    pub state: web::Data<AppState>,
    pub browser: Browser,
    _data_dir: TempDir,
    // Dropped last: the server's pool must not outlive its database for long.
    pub database: Arc<TestDatabase>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts Parlor with settings changed by `configure` (e.g. lower rate limits).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        parlor::telemetry::init(LogFormat::Pretty);
    }
    start(Arc::new(TestDatabase::create()), configure).await
}

/// Parlor at an address equal to its `PUBLIC_URL`, as a browser must see it (the widget's
/// pages name Parlor's origin in their policies).
pub async fn spawn_app_on_public_url() -> TestApp {
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
    spawn_app_with(|s| {
        s.addr = format!("127.0.0.1:{port}").parse().expect("addr");
        s.public_url = url::Url::parse(&format!("http://127.0.0.1:{port}")).expect("url");
    })
    .await
}

/// A second instance of Parlor on the same database, as behind a load balancer.
pub async fn spawn_instance_of(app: &TestApp, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let secret = app.state.settings.secret_key.clone();
    start(app.database.clone(), move |s| {
        s.secret_key = secret;
        configure(s);
    })
    .await
}

async fn start(database: Arc<TestDatabase>, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let data_dir = TempDir::new();
    let mut settings = test_settings(&database, data_dir.path.clone());
    configure(&mut settings);
    let app = Application::build(settings).await.expect("application builds");
    let port = app.port();
    let state = app.state();
    tokio::spawn(app.run_until_stopped());
    let address = format!("http://127.0.0.1:{port}");
    TestApp { browser: Browser::new(&address), address, state, _data_dir: data_dir, database }
}

/// One person's browser: its own cookies, no automatic redirects (tests look at them).
pub struct Browser {
    pub client: reqwest::Client,
    pub jar: Arc<reqwest::cookie::Jar>,
    pub address: String,
    /// Sent as `X-Forwarded-For`, to play a client at another address.
    pub ip: String,
}

impl Browser {
    pub fn new(address: &str) -> Self {
        Self::with_ip(address, "203.0.113.1")
    }

    pub fn with_ip(address: &str, ip: &str) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(Policy::none())
            .user_agent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36")
            .build()
            .expect("client");
        Self { client, jar, address: address.to_string(), ip: ip.to_string() }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(format!("{}{path}", self.address)).header("x-forwarded-for", &self.ip).send().await.expect("GET")
    }

    pub async fn get_html(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body")
    }

    /// The CSRF token the server puts in this browser's forms.
    pub async fn csrf_token(&self) -> String {
        // This page has a form whether or not the browser is signed in.
        let html = self.get_html("/password/forgot").await;
        extract_csrf(&html).expect("the forgot-password page has a csrf token")
    }

    /// Posts a form with this browser's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf_token().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.post_raw(path, &all).await
    }

    /// Posts exactly these fields: no CSRF token unless one is given.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client.post(format!("{}{path}", self.address)).header("x-forwarded-for", &self.ip).form(fields).send().await.expect("POST")
    }

    pub async fn sign_up(&self, person: &Person) -> Response {
        self.post_form(
            "/signup",
            &[("name", &person.name), ("email", &person.email), ("password", &person.password), ("workspace_name", &person.workspace)],
        )
        .await
    }

    /// Signs up and returns the new workspace's id.
    pub async fn sign_up_ok(&self, person: &Person) -> String {
        let response = self.sign_up(person).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "sign-up should succeed: {}", response.text().await.unwrap_or_default());
        let location = location(&response);
        location.trim_start_matches("/app/").split('?').next().expect("workspace id").to_string()
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.post_form("/login", &[("email", email), ("password", password)]).await
    }

    /// The `Cookie` header this browser sends to the server.
    pub fn cookie_header(&self) -> String {
        use reqwest::cookie::CookieStore;
        let url = self.address.parse().expect("address is a URL");
        self.jar.cookies(&url).map(|v| v.to_str().expect("ascii cookies").to_string()).unwrap_or_default()
    }

    /// Whether this browser's session opens the dashboard.
    pub async fn is_signed_in(&self) -> bool {
        let response = self.get("/app").await;
        !location(&response).starts_with("/login")
    }
}

pub fn location(response: &Response) -> String {
    response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

pub fn extract_csrf(html: &str) -> Option<String> {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_string())
}

/// Someone signing up.
#[derive(Clone)]
pub struct Person {
    pub name: String,
    pub email: String,
    pub password: String,
    pub workspace: String,
}

impl Person {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_string(),
            email: format!("{}@{}.example", name.to_lowercase().replace(' ', "."), Uuid::new_v4().simple()),
            password: PASSWORD.to_string(),
            workspace: format!("{name}'s Shop"),
        }
    }
}

impl TestApp {
    pub fn new_browser(&self) -> Browser {
        Browser::new(&self.address)
    }

    pub fn browser_at(&self, ip: &str) -> Browser {
        Browser::with_ip(&self.address, ip)
    }

    pub fn outbox(&self) -> Vec<Email> {
        self.state.mailer.outbox().expect("tests use the in-memory mailer")
    }

    /// Waits (up to 5 s) for an email to `to` whose subject contains `subject`.
    pub async fn wait_for_email(&self, to: &str, subject: &str) -> Email {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(email) = self.outbox().into_iter().rev().find(|e| e.to == to && e.subject.contains(subject)) {
                return email;
            }
            assert!(Instant::now() < deadline, "no email to {to} with subject {subject:?}; outbox: {:?}", self.outbox());
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Runs SQL against this test's database and returns the first column of the first row.
    pub fn query_string(&self, sql: &str) -> Option<String> {
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
            value: Option<String>,
        }
        let mut conn = PgConnection::establish(&self.database.url()).expect("connect");
        diesel::sql_query(sql).get_result::<Row>(&mut conn).ok().and_then(|r| r.value)
    }

    pub fn execute(&self, sql: &str) -> usize {
        let mut conn = PgConnection::establish(&self.database.url()).expect("connect");
        diesel::sql_query(sql).execute(&mut conn).expect("sql")
    }

    pub fn count(&self, table: &str) -> i64 {
        self.query_string(&format!("SELECT count(*)::text AS value FROM {table}")).and_then(|v| v.parse().ok()).expect("count")
    }
}

/// The path of the first link to this server in an email.
pub fn link_path(email: &Email) -> String {
    let start = email.text.find("http://localhost:8080/").expect("a link in the email");
    let rest = &email.text[start + "http://localhost:8080".len()..];
    rest.split_whitespace().next().expect("link").to_string()
}

/// A temporary folder removed at drop.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new() -> Self {
        let path = std::env::temp_dir().join(format!("parlor-test-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path).expect("temp dir");
        Self { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The text a browser shows for escaped HTML (the entities askama writes).
pub fn unescape_html(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&#60;", "<")
        .replace("&gt;", ">")
        .replace("&#62;", ">")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

/// A real SMTP server on `port` (Python's aiosmtpd, `tests/support/smtp_sink.py`) that writes
/// each message it accepts to `spool` as an `.eml` file; it stops when the handle is dropped.
pub async fn start_smtp_sink(port: u16, spool: &std::path::Path) -> tokio::process::Child {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_sink.py");
    let mut server = tokio::process::Command::new("python3")
        .arg(script)
        .arg(port.to_string())
        .arg(spool)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python3 runs the SMTP sink (scripts/test installs aiosmtpd)");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let ready = tokio::time::timeout(Duration::from_secs(15), lines.next_line()).await;
    assert!(matches!(ready, Ok(Ok(Some(ref line))) if line == "ready"), "SMTP sink did not start: {ready:?}");
    server
}
