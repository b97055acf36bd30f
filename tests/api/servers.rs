//! Real processes for the fault tests: Parlor's own binary, a private Postgres cluster
//! (`initdb` and `pg_ctl`, optionally reachable over TLS only) and a private NATS server. Each
//! listens on a free loopback port and is stopped when its guard is dropped, also when a test
//! fails half-way.

use std::{
    io::{Read as _, Seek, SeekFrom},
    os::unix::fs::{MetadataExt, PermissionsExt},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use diesel::{Connection, PgConnection, RunQueryDsl, sql_types::Text};

use crate::helpers::TempDir;

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port").local_addr().expect("local addr").port()
}

/// The last lines of a log, for the message of a failed test.
fn tail(path: &Path, lines: usize) -> String {
    let Ok(mut file) = std::fs::File::open(path) else { return format!("(no log at {})", path.display()) };
    let length = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(length.saturating_sub(16 * 1024)));
    let mut text = String::new();
    let _ = file.read_to_string(&mut text);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Asks `url` every 100 ms until it answers 200; past `within`, fails with `failure()`, which is
/// also called before each try (to fail early, e.g. on a process that exited).
async fn wait_for_200(url: &str, within: Duration, mut failure: impl FnMut() -> String) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + within;
    loop {
        let why = failure();
        let answer = client.get(url).timeout(Duration::from_secs(2)).send().await;
        if answer.is_ok_and(|r| r.status() == 200) {
            return;
        }
        assert!(Instant::now() < deadline, "{why}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs SQL on `url` (through libpq, as diesel does) and returns the first column of the first row.
pub fn query(url: &str, sql: &str) -> Option<String> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
        value: Option<String>,
    }
    crate::helpers::keep_openssl_alive_at_exit();
    let mut conn = PgConnection::establish(url).unwrap_or_else(|e| panic!("connect to {url}: {e}"));
    diesel::sql_query(sql).get_result::<Row>(&mut conn).ok().and_then(|r| r.value)
}

/// What the instances of one test share.
#[derive(Clone)]
pub struct ParlorEnv {
    pub database_url: String,
    pub secret_key: String,
    pub nats_url: Option<String>,
    /// More variables for every instance, e.g. `METRICS_ADDR` or `OTEL_EXPORTER_OTLP_ENDPOINT`.
    pub extra_env: Vec<(String, String)>,
}

impl ParlorEnv {
    pub fn new(database_url: String) -> Self {
        Self {
            database_url,
            secret_key: format!("fault-test-secret-{}", uuid::Uuid::new_v4().simple()),
            nats_url: None,
            extra_env: Vec::new(),
        }
    }
}

/// `parlor serve`, started from the binary cargo built; SIGKILLed when dropped.
pub struct ParlorProcess {
    child: Child,
    pub address: String,
    log: PathBuf,
    _data_dir: TempDir,
}

impl ParlorProcess {
    /// Starts an instance and waits (up to 60 s: a fresh database is migrated first) until its
    /// `/readyz` answers 200.
    pub async fn start(env: &ParlorEnv) -> Self {
        Self::start_on(env, free_port()).await
    }

    /// [`Self::start`] on a given port: an instance started again where the proxy expects it.
    pub async fn start_on(env: &ParlorEnv, port: u16) -> Self {
        let address = format!("http://127.0.0.1:{port}");
        let data_dir = TempDir::new();
        let log = data_dir.path.join("parlor.log");
        let log_file = std::fs::File::create(&log).expect("create the log file");
        // PARLOR_TEST_BIN runs another build (e.g. a release binary) through the same tests.
        let binary = std::env::var("PARLOR_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_parlor").to_string());
        let mut command = Command::new(binary);
        // Nothing inherited: a NATS_URL or DATABASE_URL of the test run must not leak in.
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &env.database_url)
            .env("PARLOR_ADDR", format!("127.0.0.1:{port}"))
            .env("PUBLIC_URL", &address)
            .env("DATA_DIR", &data_dir.path)
            .env("SECRET_KEY", &env.secret_key)
            .env("JOB_INTERVAL_MS", "1000")
            .env("RUST_LOG", "info,tracing_actix_web=warn")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("log handle"))
            .stderr(log_file);
        if let Some(nats) = &env.nats_url {
            command.env("NATS_URL", nats);
        }
        command.envs(env.extra_env.iter().map(|(name, value)| (name, value)));
        let child = command.arg("serve").spawn().expect("start the parlor binary");
        let mut process = Self { child, address, log, _data_dir: data_dir };
        let ready = format!("{}/readyz", process.address);
        wait_for_200(&ready, Duration::from_secs(60), || {
            if let Ok(Some(status)) = process.child.try_wait() {
                panic!("parlor exited at start ({status}):\n{}", process.log_tail());
            }
            format!("parlor was not ready within 60 s:\n{}", process.log_tail())
        })
        .await;
        process
    }

    /// The Origin a browser sends for Parlor's own pages (its `PUBLIC_URL`).
    pub fn origin(&self) -> String {
        self.address.clone()
    }

    /// `kill -9`: no shutdown, no goodbye to any socket.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `kill -TERM`: the way an orchestrator stops an instance for a deploy.
    pub fn terminate(&self) {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("run kill");
        assert!(status.success(), "kill -TERM {} failed", self.child.id());
    }

    /// Waits up to `within` for the process to exit; how long it took, or `None` if it still runs.
    pub async fn wait_for_exit(&mut self, within: Duration) -> Option<(Duration, std::process::ExitStatus)> {
        let started = Instant::now();
        while started.elapsed() < within {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some((started.elapsed(), status));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        None
    }

    /// The whole log, for tests that look for a line.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn log_tail(&self) -> String {
        tail(&self.log, 60)
    }
}

impl Drop for ParlorProcess {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            eprintln!("--- log of parlor at {} ---\n{}", self.address, self.log_tail());
        }
    }
}

/// The newest Postgres server binaries of the machine (Debian puts them outside PATH).
fn postgres_bin() -> PathBuf {
    let installed = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().to_str().and_then(|v| v.parse::<u32>().ok()).map(|v| (v, e.path().join("bin"))))
                .filter(|(_, bin)| bin.join("initdb").exists())
                .max_by_key(|(v, _)| *v)
                .map(|(_, bin)| bin)
        })
        .ok()
        .flatten();
    installed.unwrap_or_else(|| panic!("no /usr/lib/postgresql/*/bin/initdb: install the postgresql package (scripts/test does)"))
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A private Postgres cluster in a temporary folder, on its own port; stopped and removed when
/// dropped. Postgres refuses to run as root, so under root it runs as the `postgres` user.
pub struct PrivatePostgres {
    pub port: u16,
    dir: PathBuf,
    bin: PathBuf,
    /// The CA that signed the server's certificate, when the cluster speaks TLS.
    pub ca_file: Option<PathBuf>,
}

impl PrivatePostgres {
    /// `tls`: the server has a certificate and `pg_hba.conf` admits `hostssl` connections only.
    pub fn start(tls: bool) -> Self {
        let bin = postgres_bin();
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("parlor-pg-{}", uuid::Uuid::new_v4().simple()));
        let data = dir.join("data");
        std::fs::create_dir_all(&dir).expect("create the cluster folder");
        let mut cluster = Self { port, dir, bin, ca_file: None };
        cluster.chown();
        cluster.run(
            "initdb",
            &["-D", data.to_str().expect("utf-8 path"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
        );
        let mut conf = format!(
            "\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\nfsync = off\nmax_connections = 200\n",
            cluster.dir.display()
        );
        let hba = if tls {
            let ca = write_certificates(&cluster.dir, &data);
            cluster.ca_file = Some(ca);
            conf.push_str("ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n");
            "hostssl all all 127.0.0.1/32 trust\n"
        } else {
            "host all all 127.0.0.1/32 trust\n"
        };
        append(&data.join("postgresql.conf"), &conf);
        std::fs::write(data.join("pg_hba.conf"), hba).expect("write pg_hba.conf");
        cluster.chown();
        cluster.start_again();
        cluster
    }

    fn data(&self) -> String {
        self.dir.join("data").to_string_lossy().into_owned()
    }

    fn chown(&self) {
        if running_as_root() {
            let status = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&self.dir).status().expect("chown");
            assert!(status.success(), "chown of {} to postgres failed", self.dir.display());
        }
    }

    /// Runs one of the server's programs, as the `postgres` user under root.
    fn run(&self, program: &str, args: &[&str]) {
        let path = self.bin.join(program);
        let mut command = if running_as_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let output = command.args(args).stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("run {}: {e}", path.display()));
        assert!(
            output.status.success(),
            "{program} {args:?} failed: {}\n{}\nserver log:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            tail(&self.dir.join("server.log"), 30)
        );
    }

    /// Starts the server and returns once it accepts connections.
    pub fn start_again(&self) {
        let log = self.dir.join("server.log").to_string_lossy().into_owned();
        self.run("pg_ctl", &["-D", &self.data(), "-l", &log, "-w", "-t", "30", "start"]);
    }

    /// Stops the server the hard way: every backend is killed, recovery runs at the next start.
    pub fn stop_immediately(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "immediate", "-w", "stop"]);
    }

    /// A URL of database `name` on this server, with `params` (e.g. `sslmode=require`).
    pub fn url(&self, name: &str, params: &str) -> String {
        let query = if params.is_empty() { String::new() } else { format!("?{params}") };
        format!("postgres://postgres@127.0.0.1:{}/{name}{query}", self.port)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- log of the private Postgres on port {} ---\n{}", self.port, tail(&self.dir.join("server.log"), 30));
        }
        let mut command = if running_as_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(self.bin.join("pg_ctl"));
            c
        } else {
            Command::new(self.bin.join("pg_ctl"))
        };
        let _ = command.args(["-D", &self.data(), "-m", "immediate", "-w", "stop"]).stdout(Stdio::null()).stderr(Stdio::null()).status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn append(path: &Path, text: &str) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    file.write_all(text.as_bytes()).expect("append");
}

/// A CA certificate that signed nothing the test servers use, written to `path`.
pub fn write_unrelated_ca(path: &Path) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, "Some other CA");
    let cert = params.self_signed(&KeyPair::generate().expect("key")).expect("CA certificate");
    std::fs::write(path, cert.pem()).expect("write the CA file");
}

/// A CA and a server certificate it signed for 127.0.0.1 and localhost. The server's files go
/// into the data folder; returns the path of the CA certificate (clients' `sslrootcert`).
fn write_certificates(dir: &Path, data: &Path) -> PathBuf {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "Parlor test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("CA key")).expect("CA certificate");
    let server_key = KeyPair::generate().expect("server key");
    let mut server_params = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).expect("server params");
    server_params.distinguished_name.push(DnType::CommonName, "127.0.0.1");
    let server = server_params.signed_by(&server_key, &ca).expect("server certificate");
    std::fs::write(data.join("server.crt"), server.pem()).expect("write server.crt");
    let key_path = data.join("server.key");
    std::fs::write(&key_path, server_key.serialize_pem()).expect("write server.key");
    // Postgres refuses a private key others can read.
    std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600)).expect("chmod server.key");
    let ca_path = dir.join("ca.crt");
    std::fs::write(&ca_path, ca.pem()).expect("write ca.crt");
    std::fs::set_permissions(&ca_path, std::fs::Permissions::from_mode(0o644)).expect("chmod ca.crt");
    ca_path
}

/// A private `nats-server` on its own port; killed when dropped.
pub struct PrivateNats {
    pub port: u16,
    child: Option<Child>,
}

impl PrivateNats {
    pub async fn start() -> Self {
        let mut nats = Self { port: free_port(), child: None };
        nats.start_again().await;
        nats
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Starts the server on its port and waits (up to 10 s) until it accepts connections.
    pub async fn start_again(&mut self) {
        let child = Command::new("nats-server")
            .args(["-a", "127.0.0.1", "-p", &self.port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server runs (scripts/test installs it)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_err() {
            assert!(Instant::now() < deadline, "nats-server did not listen on port {} within 10 s", self.port);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `kill -9`.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for PrivateNats {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Caddy in front of Parlor instances, run as a plain process with the shipped
/// `deploy/Caddyfile` (plain HTTP on a free port, no certificate); killed when dropped.
pub struct CaddyProxy {
    child: Child,
    pub address: String,
    _dir: TempDir,
}

impl CaddyProxy {
    /// Starts Caddy on `port` in front of the instances on `upstreams` and waits (up to 15 s)
    /// until it answers `/healthz` through one of them.
    pub async fn start(port: u16, upstreams: &[u16]) -> Self {
        let dir = TempDir::new();
        let log = std::fs::File::create(dir.path.join("caddy.log")).expect("create the caddy log");
        let config = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/Caddyfile");
        let upstreams: Vec<String> = upstreams.iter().map(|p| format!("127.0.0.1:{p}")).collect();
        let child = Command::new("caddy")
            .args(["run", "--adapter", "caddyfile", "--config", config])
            .env("PARLOR_SITE_ADDRESS", format!("http://127.0.0.1:{port}"))
            .env("PARLOR_UPSTREAMS", upstreams.join(" "))
            .env("PARLOR_HTTP_PORT", free_port().to_string())
            .env("PARLOR_HTTPS_PORT", free_port().to_string())
            .env("XDG_DATA_HOME", dir.path.join("data"))
            .env("XDG_CONFIG_HOME", dir.path.join("config"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .expect("caddy runs (scripts/test installs it)");
        let proxy = Self { child, address: format!("http://127.0.0.1:{port}"), _dir: dir };
        let healthz = format!("{}/healthz", proxy.address);
        wait_for_200(&healthz, Duration::from_secs(15), || format!("caddy did not proxy within 15 s:\n{}", proxy.log_tail())).await;
        proxy
    }

    pub fn log_tail(&self) -> String {
        tail(&self._dir.path.join("caddy.log"), 40)
    }
}

impl Drop for CaddyProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- log of caddy at {} ---\n{}", self.address, self.log_tail());
        }
    }
}
