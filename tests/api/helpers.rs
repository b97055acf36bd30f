//! `spawn_app()` and the verbs tests speak in, each through the product's own routes:
//! `app.sign_up_workspace()`, `workspace.add_member(Role::Agent)`, `workspace.visitor()`,
//! `visitor.says(..)`, `agent.replies(..)`, `workspace.api_key(..)`, `browser.sign_in(..)`, ...

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
        format!("parlor_template_{}", hex::encode(&digest[..6]))
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

    /// An empty database in LATIN1, without Parlor's tables: for what Postgres refuses to
    /// convert (a character that encoding lacks). Dropped like the others.
    pub fn create_latin1() -> Self {
        keep_openssl_alive_at_exit();
        let name = format!("parlor_latin1_{}", Uuid::new_v4().simple());
        let mut conn = maintenance_connection();
        diesel::sql_query(format!(
            "CREATE DATABASE {} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0",
            db::quote_identifier(&name)
        ))
        .execute(&mut conn)
        .expect("create a LATIN1 database");
        Self { name }
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
        data_dir: data_dir.clone(),
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
        storage: parlor::config::StorageSettings::Local(data_dir.join("uploads")),
        upload_max_bytes: parlor::config::DEFAULT_UPLOAD_MAX_BYTES,
        file_link_ttl: std::time::Duration::from_secs(3600),
        inbound: None,
        metrics_addr: None,
        shutdown_grace: parlor::config::DEFAULT_SHUTDOWN_GRACE,
    }
}

pub struct TestApp {
    pub address: String,
    pub state: web::Data<AppState>,
    /// The built-in SMTP listener's port, when the settings start it (`INBOUND_SMTP_ADDR`).
    pub inbound_smtp_port: Option<u16>,
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
    let inbound_smtp_port = app.inbound_smtp_port();
    tokio::spawn(app.run_until_stopped());
    let address = format!("http://127.0.0.1:{port}");
    TestApp { browser: Browser::new(&address), address, state, inbound_smtp_port, _data_dir: data_dir, database }
}

/// One person's browser: its own cookies, no automatic redirects (tests look at them).
#[derive(Clone)]
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
        Self::build(address, ip, None)
    }

    /// A browser whose person reads `accept_language` (an `Accept-Language` header), first.
    pub fn speaking(address: &str, accept_language: &str) -> Self {
        Self::build(address, "203.0.113.1", Some(accept_language))
    }

    fn build(address: &str, ip: &str, accept_language: Option<&str>) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(language) = accept_language {
            headers.insert(reqwest::header::ACCEPT_LANGUAGE, language.parse().expect("a header value"));
        }
        let client = reqwest::Client::builder()
            .default_headers(headers)
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

    /// The ids of this person's sessions as the account page lists them: (this browser's,
    /// every other device's).
    pub async fn sessions(&self) -> (String, Vec<String>) {
        let page = self.get_html("/app/account").await;
        let (mut this, mut others) = (None, Vec::new());
        for row in page.split("<tr>").skip(2) {
            let Some(id) = between(row, "/app/account/sessions/", "/revoke") else { continue };
            if row.contains("This device") { this = Some(id) } else { others.push(id) }
        }
        (this.expect("the account page lists this device"), others)
    }

    /// The workspace's site key, as its settings page shows it.
    pub async fn site_key(&self, workspace: &str) -> String {
        let settings = self.get_html(&format!("/app/{workspace}/settings")).await;
        between(&settings, "<dt>Site key</dt><dd><code>", "</code>").expect("the settings page shows the site key")
    }

    /// The widget's identity secret, as the widget settings page shows it to an admin.
    pub async fn identity_secret(&self, workspace: &str) -> String {
        let page = self.get_html(&format!("/app/{workspace}/widget")).await;
        between(&page, r#"id="identity-secret" class="code" type="text" readonly value=""#, "\"").expect("the identity secret is shown")
    }

    /// The contact of a conversation, as its inbox page names it.
    pub async fn contact_of(&self, workspace: &str, conversation: &str) -> String {
        let page = self.get_html(&format!("/app/{workspace}/inbox/{conversation}")).await;
        let open = page.find(r#"<section class="inbox-conversation""#).expect("the conversation is open");
        between(&page[open..], r#"data-contact=""#, "\"").expect("the conversation names its contact")
    }

    /// The user id of the member called `name`, as this admin's team page names it in its forms.
    pub async fn member_id(&self, workspace: &str, name: &str) -> String {
        let page = unescape_html(&self.get_html(&format!("/app/{workspace}/team")).await);
        let label = page.find(&format!(">Role of {name}</label>")).unwrap_or_else(|| panic!("{name} is on the team page"));
        let id_at = page[..label].rfind("for=\"role-").expect("the role select's label") + "for=\"role-".len();
        page[id_at..id_at + 36].to_string()
    }

    /// The signed-in person's user id, as the assign form of an open conversation offers it.
    pub async fn own_user_id(&self, workspace: &str, conversation: &str) -> String {
        let page = self.get_html(&format!("/app/{workspace}/inbox/{conversation}")).await;
        let mut options = page.split("<option value=\"").skip(1);
        let own = options.find(|option| option.split("</option>").next().is_some_and(|o| o.ends_with(" (you)")));
        let field = r#"<input type="hidden" name="assignee" value=""#;
        own.map(|option| option[..36].to_string()).or_else(|| between(&page, field, "\"")).expect("the assign form names me")
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
    /// Only to reach behind the API: to check what is stored, to age a row, or to simulate what
    /// no route can do; a test arranges its world with the verbs below (`sign_up_workspace`, ...).
    pub fn query_string(&self, sql: &str) -> Option<String> {
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
            value: Option<String>,
        }
        let mut conn = PgConnection::establish(&self.database.url()).expect("connect");
        diesel::sql_query(sql).get_result::<Row>(&mut conn).ok().and_then(|r| r.value)
    }

    /// See [`Self::query_string`]: only behind the API.
    pub fn execute(&self, sql: &str) -> usize {
        let mut conn = PgConnection::establish(&self.database.url()).expect("connect");
        diesel::sql_query(sql).execute(&mut conn).expect("sql")
    }

    pub fn count(&self, table: &str) -> i64 {
        self.query_string(&format!("SELECT count(*)::text AS value FROM {table}")).and_then(|v| v.parse().ok()).expect("count")
    }
}

/// The path of the first link to this server in an email (at `http://localhost:8080`, or at
/// `http://127.0.0.1:<port>` for an app on its public URL).
pub fn link_path(email: &Email) -> String {
    let start = ["http://localhost:8080/", "http://127.0.0.1:"]
        .iter()
        .filter_map(|origin| email.text.find(origin))
        .min()
        .expect("a link in the email");
    let after_scheme = &email.text[start + "http://".len()..];
    let rest = &after_scheme[after_scheme.find('/').expect("a path")..];
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

/// A role a new member is invited with.
#[derive(Clone, Copy, Debug)]
pub enum Role {
    Admin,
    Agent,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
        }
    }
}

/// A workspace as its owner sees it after signing up: the owner's signed-in browser (the same
/// cookies as `app.browser` when signed up through it), the workspace's id and its site key.
pub struct TestWorkspace<'a> {
    pub app: &'a TestApp,
    pub id: String,
    pub site_key: String,
    pub owner: Member<'a>,
}

/// Someone signed in to a workspace's dashboard.
pub struct Member<'a> {
    pub app: &'a TestApp,
    pub browser: Browser,
    pub person: Person,
    pub workspace: String,
}

/// A visitor of a workspace's website with an open widget: their token, their contact id and a
/// socket that has said hello. `says` starts a conversation, then keeps writing in it.
pub struct Visitor {
    pub address: String,
    pub token: String,
    pub contact_id: String,
    pub socket: crate::socket_client::Socket,
    pub conversation: Option<String>,
}

impl TestApp {
    /// Ada signs up through `app.browser`: her workspace, with her signed in as its owner.
    pub async fn sign_up_workspace(&self) -> TestWorkspace<'_> {
        self.sign_up_workspace_as(&self.browser, Person::new("Ada")).await
    }

    /// `person` signs up through `browser` and becomes the owner of a new workspace.
    pub async fn sign_up_workspace_as(&self, browser: &Browser, person: Person) -> TestWorkspace<'_> {
        let id = browser.sign_up_ok(&person).await;
        let site_key = browser.site_key(&id).await;
        let owner = Member { app: self, browser: browser.clone(), person, workspace: id.clone() };
        TestWorkspace { app: self, id, site_key, owner }
    }
}

impl<'a> TestWorkspace<'a> {
    /// The owner invites someone new as `role` and they accept with a new account.
    pub async fn add_member(&self, role: Role) -> Member<'a> {
        self.add_member_named("Grace", role).await
    }

    /// [`Self::add_member`] with a name of one's choice (names tell members apart on pages).
    pub async fn add_member_named(&self, name: &str, role: Role) -> Member<'a> {
        let person = Person::new(name);
        let link = self.invite(&person.email, role).await;
        let browser = self.app.new_browser();
        let response = browser.post_form(&link, &[("name", &person.name), ("password", &person.password)]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "the invitation is accepted");
        Member { app: self.app, browser, person, workspace: self.id.clone() }
    }

    /// The owner invites `email` as `role`; returns the path of the link the invitation email carries.
    pub async fn invite(&self, email: &str, role: Role) -> String {
        let path = format!("/app/{}/team/invitations", self.id);
        let response = self.owner.browser.post_form(&path, &[("email", email), ("role", role.as_str())]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());
        link_path(&self.app.wait_for_email(email, "invited you").await)
    }

    /// Someone who already has an account (signed in through `browser`) is invited and accepts.
    pub async fn add_existing_member(&self, browser: &Browser, person: &Person, role: Role) {
        let link = self.invite(&person.email, role).await;
        let response = browser.post_form(&link, &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "the invitation is accepted");
    }

    /// A visitor opens the widget on the workspace's website.
    pub async fn visitor(&self) -> Visitor {
        let (token, contact_id) = crate::socket_client::widget_session(self.app, &self.site_key).await;
        let (socket, _) = crate::socket_client::Socket::visitor(self.app, &token, serde_json::json!({})).await;
        Visitor { address: self.app.address.clone(), token, contact_id, socket, conversation: None }
    }

    /// A new visitor writes `body`; returns them and the conversation it started.
    pub async fn visitor_says(&self, body: &str) -> (Visitor, String) {
        let mut visitor = self.visitor().await;
        let conversation = visitor.says(body).await;
        (visitor, conversation)
    }

    /// The user id of the member called `name`, as the owner's team page names it in its forms.
    pub async fn user_id(&self, name: &str) -> String {
        self.owner.browser.member_id(&self.id, name).await
    }

    /// The owner's own user id, as the assign form of an open conversation offers it.
    pub async fn owner_id(&self, conversation: &str) -> String {
        self.owner.browser.own_user_id(&self.id, conversation).await
    }

    /// An API key with these scopes, created by the owner in the console (its only showing).
    pub async fn api_key(&self, scopes: &[&str]) -> String {
        self.api_key_named("CRM sync", scopes).await
    }

    pub async fn api_key_named(&self, name: &str, scopes: &[&str]) -> String {
        crate::rest_api::create_key_with(&self.owner.browser, &self.id, name, scopes).await
    }

    /// The id of the API key called `name`, from the console's list.
    pub async fn api_key_id(&self, name: &str) -> String {
        crate::rest_api::api_key_id(&self.owner.browser, &self.id, name).await
    }

    /// The widget's identity secret, as the widget settings page shows it to an admin.
    pub async fn identity_secret(&self) -> String {
        self.owner.browser.identity_secret(&self.id).await
    }
}

impl Member<'_> {
    /// Answers in the inbox, as typed into the reply box.
    pub async fn replies(&self, conversation: &str, body: &str) {
        let path = format!("/app/{}/inbox/{conversation}/reply", self.workspace);
        let response = self.browser.post_form(&path, &[("body", body)]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());
    }

    /// Sets a conversation's status from the inbox (`open`, `pending`, `resolved`).
    pub async fn sets_status(&self, conversation: &str, status: &str) {
        let path = format!("/app/{}/inbox/{conversation}/status", self.workspace);
        let response = self.browser.post_form(&path, &[("status", status)]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());
    }

    /// This member's live socket, as the dashboard opens it.
    pub async fn socket(&self) -> crate::socket_client::Socket {
        crate::socket_client::Socket::agent(self.app, &self.browser).await
    }
}

impl Visitor {
    /// Types an email address into the widget (the visitor context API).
    pub async fn gives_email(&self, email: &str) {
        let body = serde_json::json!({"visitor_token": self.token, "email": email}).to_string();
        let response =
            reqwest::Client::new().post(format!("{}/api/widget/v1/context", self.address)).body(body).send().await.expect("POST context");
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{}", response.text().await.unwrap_or_default());
    }

    /// Writes `body` and waits for the ack; returns the conversation id.
    pub async fn says(&mut self, body: &str) -> String {
        self.socket.say(self.conversation.as_deref(), body).await;
        let conversation = self.socket.expect("ack").await["conversation_id"].as_str().expect("the ack names the conversation").to_string();
        self.conversation = Some(conversation.clone());
        conversation
    }
}

/// The text between `start` and the next `end`.
fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)?;
    Some(text[from..from + to].to_string())
}
