//! Typed settings, read once from the environment at start-up (twelve-factor).
//!
//! | variable | default | meaning |
//! | --- | --- | --- |
//! | `DATABASE_URL` | `postgres://postgres@127.0.0.1:5432/parlor` | Postgres; the database is created if missing; `sslmode` and `sslrootcert` work as in libpq on every connection ([`crate::db::tls`]) |
//! | `PARLOR_ADDR` | `127.0.0.1:8080` | address the HTTP server binds |
//! | `PUBLIC_URL` | `http://localhost:8080` | the URL people reach Parlor at: links in emails, the snippet, cookie `Secure` flag |
//! | `DATA_DIR` | `./data` | local files: outgoing mail when no SMTP is set, the generated secret key |
//! | `SECRET_KEY` | generated once into `DATA_DIR/secret_key` | signs CSRF tokens and visitor credentials; set it (32+ characters) when running several instances |
//! | `SMTP_URL` | unset: mail is written to `DATA_DIR/mail/` | e.g. `smtps://user:pass@smtp.example.com` or `smtp://127.0.0.1:1025` |
//! | `MAIL_FROM` | `Parlor <no-reply@localhost>` | sender of every email |
//! | `NATS_URL` | unset: realtime fan-out through Postgres | NATS server for cross-instance fan-out |
//! | `STRIPE_SECRET_KEY` | unset: billing off, nothing limited | Stripe API key; turns billing on |
//! | `STRIPE_WEBHOOK_SECRET` | required with billing | verifies Stripe webhook signatures (`whsec_...`) |
//! | `STRIPE_API_BASE` | `https://api.stripe.com` | Stripe API base URL (tests point it at a local fake) |
//! | `STRIPE_PRICE_PRO`, `STRIPE_PRICE_BUSINESS` | at least one with billing | Stripe price ids of the paid plans, per seat per month |
//! | `BILLING_FREE_SEATS` | `1` | agent seats of the Free plan |
//! | `BILLING_FREE_CONVERSATIONS` | `100` | conversations a month on the Free plan |
//! | `BILLING_TRIAL_DAYS` | `14` | free trial of a first paid subscription (0: none) |
//! | `WEBHOOKS_ALLOW_PRIVATE_NETWORKS` | `false` | let webhook endpoints be on loopback or private networks (for a self-hosted install) |
//! | `JOB_INTERVAL_MS` | `5000` | how often each instance looks for due jobs and webhook deliveries |
//! | `TRUST_FORWARDED_FOR` | `false` | proxies in front of Parlor whose `X-Forwarded-For` is believed: a number of hops (`1` for one nginx; `true` means 1) or a list of networks (`10.0.0.0/8,192.168.1.7`) |
//! | `VISITOR_MAX_OPEN_CONVERSATIONS` | `5` | conversations one visitor may have open (not resolved) at once |
//! | `VISITOR_MAX_NEW_CONVERSATIONS_PER_DAY` | `20` | conversations one visitor may start in 24 hours |
//! | `STORAGE_URL` | unset: files under `DATA_DIR/uploads` | `s3://bucket/prefix` keeps files in S3-compatible storage, with `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` (default `us-east-1`) and `AWS_ENDPOINT_URL` (MinIO, R2, ...) |
//! | `UPLOAD_MAX_BYTES` | `26214400` (25 MB) | the largest file one upload may be (at most 500 MB: an upload is held in memory while it is checked) |
//! | `INBOUND_DOMAIN` | unset: two-way email off | the domain visitors' replies go to: Parlor's emails about a conversation get `Reply-To: reply+<token>@INBOUND_DOMAIN`, and each workspace's support address is `<slug>@INBOUND_DOMAIN` ([`crate::email::inbound`]) |
//! | `INBOUND_SMTP_ADDR` | unset: no listener | address of the built-in SMTP listener that takes mail for `INBOUND_DOMAIN`, e.g. `0.0.0.0:2525` |
//! | `INBOUND_WEBHOOK_SECRET` | unset: `POST /webhooks/inbound-email` refuses everything | the secret a provider sends as the HTTP Basic password or `?secret=` (16+ characters) |
//! | `RUST_LOG` | `info` | log filter |
//! | `LOG_FORMAT` | `pretty` | `pretty` or `json` |

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use anyhow::{Context, bail};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

/// Everything the application needs to start; built by [`Settings::from_env`] or by tests.
#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: SecretString,
    pub addr: SocketAddr,
    pub public_url: Url,
    pub data_dir: PathBuf,
    pub secret_key: SecretString,
    pub mail: MailSettings,
    pub mail_from: String,
    pub nats_url: Option<String>,
    pub stripe: Option<StripeSettings>,
    pub trust_forwarded_for: ForwardedTrust,
    pub log_format: LogFormat,
    pub database_pool_size: u32,
    pub rate_limits: RateLimits,
    /// How often this instance sweeps for due jobs and webhook deliveries.
    pub job_interval: Duration,
    pub webhooks_allow_private_networks: bool,
    /// How often each instance re-checks the credentials of its open sockets: the socket
    /// heartbeat in production, shorter in tests.
    pub credential_check_interval: Duration,
    /// Where uploaded files are kept.
    pub storage: StorageSettings,
    /// The largest file one upload may be, in bytes.
    pub upload_max_bytes: u64,
    /// How long a link to a file works.
    pub file_link_ttl: Duration,
    /// Two-way email; `None` when `INBOUND_DOMAIN` is unset.
    pub inbound: Option<InboundSettings>,
    /// Where Prometheus scrapes `/metrics`; `None` (the default): no metrics at all.
    pub metrics_addr: Option<SocketAddr>,
    /// How long a SIGTERM drain may take before the process exits anyway.
    pub shutdown_grace: Duration,
}

/// Mail coming in (`INBOUND_*`).
#[derive(Clone, Debug)]
pub struct InboundSettings {
    /// Lowercase, without `@`.
    pub domain: String,
    /// The built-in SMTP listener's address, if it runs.
    pub smtp_addr: Option<SocketAddr>,
    /// Authenticates `POST /webhooks/inbound-email`; unset, the webhook answers 401 to all.
    pub webhook_secret: Option<SecretString>,
}

impl InboundSettings {
    fn from_env() -> anyhow::Result<Option<Self>> {
        let Some(domain) = var("INBOUND_DOMAIN") else {
            if var("INBOUND_SMTP_ADDR").is_some() {
                bail!("INBOUND_SMTP_ADDR needs INBOUND_DOMAIN, the domain whose mail it takes");
            }
            return Ok(None);
        };
        let domain = domain.trim().trim_start_matches('@').to_ascii_lowercase();
        if domain.is_empty() || domain.len() > 253 || !domain.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') {
            bail!("INBOUND_DOMAIN must be a domain name such as in.example.com, not {domain:?}");
        }
        let smtp_addr = match var("INBOUND_SMTP_ADDR") {
            None => None,
            Some(addr) => {
                Some(addr.parse().with_context(|| format!("INBOUND_SMTP_ADDR must be host:port, e.g. 0.0.0.0:2525, not {addr:?}"))?)
            }
        };
        let webhook_secret = match var("INBOUND_WEBHOOK_SECRET") {
            None => None,
            Some(secret) if secret.len() >= 16 => Some(SecretString::from(secret)),
            Some(_) => bail!("INBOUND_WEBHOOK_SECRET must be at least 16 characters"),
        };
        Ok(Some(Self { domain, smtp_addr, webhook_secret }))
    }
}

/// Where uploaded files are kept (`STORAGE_URL`).
#[derive(Clone, Debug)]
pub enum StorageSettings {
    /// Files under this folder (`DATA_DIR/uploads` by default).
    Local(PathBuf),
    /// An S3-compatible bucket: `STORAGE_URL=s3://bucket/prefix` and the usual `AWS_*` variables.
    S3 {
        bucket: String,
        /// Keys start with it (no slashes at either end); may be empty.
        prefix: String,
        region: String,
        /// `AWS_ENDPOINT_URL`, for MinIO, R2 and others; AWS itself when unset.
        endpoint: Option<String>,
        access_key_id: Option<String>,
        secret_access_key: Option<SecretString>,
        session_token: Option<SecretString>,
    },
}

impl StorageSettings {
    fn from_env(data_dir: &std::path::Path) -> anyhow::Result<Self> {
        let Some(raw) = var("STORAGE_URL") else { return Ok(Self::Local(data_dir.join("uploads"))) };
        let url = Url::parse(raw.trim()).with_context(|| format!("STORAGE_URL must look like s3://bucket/prefix, not {raw:?}"))?;
        if url.scheme() != "s3" {
            bail!("STORAGE_URL must be an s3:// URL (s3://bucket/prefix), not {:?}", url.scheme());
        }
        let bucket = url.host_str().filter(|b| !b.is_empty()).context("STORAGE_URL names no bucket: s3://bucket/prefix")?.to_string();
        Ok(Self::S3 {
            bucket,
            prefix: url.path().trim_matches('/').to_string(),
            region: var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")).unwrap_or_else(|| "us-east-1".into()),
            endpoint: var("AWS_ENDPOINT_URL"),
            access_key_id: var("AWS_ACCESS_KEY_ID"),
            secret_access_key: var("AWS_SECRET_ACCESS_KEY").map(SecretString::from),
            session_token: var("AWS_SESSION_TOKEN").map(SecretString::from),
        })
    }
}

/// The default of `UPLOAD_MAX_BYTES`: 25 MB.
pub const DEFAULT_UPLOAD_MAX_BYTES: u64 = 25 * 1024 * 1024;

/// Where outgoing email goes.
#[derive(Clone, Debug)]
pub enum MailSettings {
    /// Through an SMTP relay (`SMTP_URL`).
    Smtp(SecretString),
    /// One `.eml` file per email in this folder, plus a log line.
    Files(PathBuf),
    /// Kept in memory; tests read them back.
    Memory,
}

/// Billing through Stripe; present only when `STRIPE_SECRET_KEY` is set.
#[derive(Clone, Debug)]
pub struct StripeSettings {
    pub secret_key: SecretString,
    pub webhook_secret: SecretString,
    pub api_base: String,
    /// The paid plans, in the order they are offered.
    pub plans: Vec<PaidPlan>,
    pub free_seats: u32,
    pub free_conversations: u32,
    pub trial_days: u32,
}

/// A paid plan: a Stripe price charged per seat per month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaidPlan {
    /// `pro`, `business`: stored on the workspace's billing account.
    pub key: &'static str,
    pub name: &'static str,
    pub price_id: String,
}

/// The paid plans Parlor knows, by the variable holding each one's Stripe price id.
const PAID_PLANS: [(&str, &str, &str); 2] = [("pro", "Pro", "STRIPE_PRICE_PRO"), ("business", "Business", "STRIPE_PRICE_BUSINESS")];

/// Which proxies' `X-Forwarded-For` entries are believed. Each proxy appends the address it
/// got the request from, so only the right-most entries are trustworthy: the client is the
/// right-most address that no trusted proxy added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ForwardedTrust {
    /// No proxy: the TCP peer is the client and the header is ignored.
    #[default]
    Nobody,
    /// This many proxies in a row, the last of them the TCP peer (nginx alone: 1; a cloud load
    /// balancer in front of nginx: 2).
    Hops(u8),
    /// Proxies at these networks, wherever they are in the chain.
    Networks(Vec<ipnet::IpNet>),
}

impl ForwardedTrust {
    /// Parses `TRUST_FORWARDED_FOR`: `false`/`0`, `true` (one hop), a hop count up to 10, or a
    /// comma-separated list of addresses and CIDR networks.
    pub fn parse(value: &str) -> anyhow::Result<Self> {
        let value = value.trim();
        match value {
            "" | "false" | "0" => return Ok(Self::Nobody),
            "true" => return Ok(Self::Hops(1)),
            _ => {}
        }
        if let Ok(hops) = value.parse::<u8>() {
            if hops > 10 {
                bail!("TRUST_FORWARDED_FOR must be at most 10 proxy hops, not {hops}");
            }
            return Ok(Self::Hops(hops));
        }
        let mut networks = Vec::new();
        for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let network = match part.parse::<ipnet::IpNet>() {
                Ok(network) => network,
                Err(_) => match part.parse::<std::net::IpAddr>() {
                    Ok(address) => ipnet::IpNet::from(address),
                    Err(_) => bail!(
                        "TRUST_FORWARDED_FOR must be false, a number of proxy hops, or a list of networks like 10.0.0.0/8, not {part:?}"
                    ),
                },
            };
            networks.push(network);
        }
        Ok(Self::Networks(networks))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// One rate limit: at most `count` attempts per `period` for one key (an IP or an account).
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub count: u32,
    pub period: Duration,
}

impl Limit {
    pub const fn per_hour(count: u32) -> Self {
        Self { count, period: Duration::from_secs(3600) }
    }
    pub const fn per_minutes(count: u32, minutes: u64) -> Self {
        Self { count, period: Duration::from_secs(minutes * 60) }
    }
}

/// The abuse limits of the account forms and the widget; documented in the README.
#[derive(Clone, Copy, Debug)]
pub struct RateLimits {
    pub signup_per_ip: Limit,
    pub login_per_ip: Limit,
    pub login_per_account: Limit,
    pub reset_per_ip: Limit,
    pub reset_per_account: Limit,
    pub verify_resend_per_account: Limit,
    /// Changes of email address asked for (each mails the new and the current address).
    pub email_change_per_account: Limit,
    pub widget_session_per_ip: Limit,
    /// Files one visitor may upload.
    pub uploads_per_visitor: Limit,
    /// Ratings sent from the rating email's page, per IP.
    pub ratings_per_ip: Limit,
    /// Conversations one visitor may have open (not resolved) at once.
    pub visitor_open_conversations: u32,
    /// Conversations one visitor may start in 24 hours.
    pub visitor_new_conversations_per_day: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            signup_per_ip: Limit::per_hour(10),
            login_per_ip: Limit::per_minutes(30, 15),
            login_per_account: Limit::per_minutes(10, 15),
            reset_per_ip: Limit::per_hour(10),
            reset_per_account: Limit::per_hour(3),
            verify_resend_per_account: Limit::per_hour(3),
            email_change_per_account: Limit::per_hour(5),
            widget_session_per_ip: Limit::per_minutes(30, 1),
            uploads_per_visitor: Limit::per_minutes(20, 1),
            ratings_per_ip: Limit::per_minutes(20, 10),
            visitor_open_conversations: 5,
            visitor_new_conversations_per_day: 20,
        }
    }
}

impl LogFormat {
    /// Read on its own, before the other settings, so that their warnings are logged.
    pub fn from_env() -> anyhow::Result<Self> {
        match std::env::var("LOG_FORMAT").ok().as_deref().map(str::trim) {
            None | Some("") | Some("pretty") => Ok(Self::Pretty),
            Some("json") => Ok(Self::Json),
            Some(other) => bail!("LOG_FORMAT must be pretty or json, not {other:?}"),
        }
    }
}

pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/parlor";

/// An environment variable, unless unset or blank.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A whole-number environment variable, or `default` when unset.
fn number(name: &str, default: u32) -> anyhow::Result<u32> {
    match var(name) {
        None => Ok(default),
        Some(text) => text.trim().parse().with_context(|| format!("{name} must be a whole number, not {text:?}")),
    }
}

impl StripeSettings {
    /// Billing is on when `STRIPE_SECRET_KEY` is set; then its webhook secret and a price are required.
    fn from_env() -> anyhow::Result<Option<Self>> {
        let Some(key) = var("STRIPE_SECRET_KEY") else { return Ok(None) };
        let webhook_secret = var("STRIPE_WEBHOOK_SECRET")
            .context("STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY (Stripe's dashboard, Webhooks, signing secret)")?;
        let plans: Vec<PaidPlan> =
            PAID_PLANS.iter().filter_map(|(key, name, variable)| var(variable).map(|price_id| PaidPlan { key, name, price_id })).collect();
        if plans.is_empty() {
            bail!("with STRIPE_SECRET_KEY set, name at least one paid plan's price: STRIPE_PRICE_PRO=price_...");
        }
        Ok(Some(StripeSettings {
            secret_key: SecretString::from(key),
            webhook_secret: SecretString::from(webhook_secret),
            api_base: var("STRIPE_API_BASE").unwrap_or_else(|| "https://api.stripe.com".into()),
            plans,
            free_seats: number("BILLING_FREE_SEATS", 1)?.max(1),
            free_conversations: number("BILLING_FREE_CONVERSATIONS", 100)?,
            trial_days: number("BILLING_TRIAL_DAYS", 14)?.min(730),
        }))
    }
}

/// How long a SIGTERM drain may take: orchestrators kill after their own grace (Kubernetes'
/// default is 30 s, docker's 10 s), so Parlor finishes within theirs.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

impl Settings {
    /// Reads the environment; a missing `SECRET_KEY` is generated once and kept in `DATA_DIR`.
    pub fn from_env() -> anyhow::Result<Self> {
        let data_dir = PathBuf::from(var("DATA_DIR").unwrap_or_else(|| "./data".into()));
        let public_url = parse_public_url(&var("PUBLIC_URL").unwrap_or_else(|| "http://localhost:8080".into()))?;
        let addr = var("PARLOR_ADDR")
            .unwrap_or_else(|| "127.0.0.1:8080".into())
            .parse()
            .context("PARLOR_ADDR must be host:port, e.g. 0.0.0.0:8080")?;
        let secret_key = match var("SECRET_KEY") {
            Some(key) if key.len() >= 32 => SecretString::from(key),
            Some(_) => bail!("SECRET_KEY must be at least 32 characters"),
            None => load_or_create_secret_key(&data_dir)?,
        };
        let mail = match var("SMTP_URL") {
            Some(url) => MailSettings::Smtp(SecretString::from(url)),
            None => MailSettings::Files(data_dir.join("mail")),
        };
        let stripe = StripeSettings::from_env()?;
        let log_format = LogFormat::from_env()?;
        let flag = |name: &str| match var(name).as_deref() {
            None | Some("false") | Some("0") => Ok(false),
            Some("true") | Some("1") => Ok(true),
            Some(other) => bail!("{name} must be true or false, not {other:?}"),
        };
        let storage = StorageSettings::from_env(&data_dir)?;
        let trust_forwarded_for = ForwardedTrust::parse(&var("TRUST_FORWARDED_FOR").unwrap_or_default())?;
        let webhooks_allow_private_networks = flag("WEBHOOKS_ALLOW_PRIVATE_NETWORKS")?;
        let job_interval = match var("JOB_INTERVAL_MS") {
            None => Duration::from_secs(5),
            Some(ms) => match ms.parse::<u64>() {
                Ok(ms @ 50..=600_000) => Duration::from_millis(ms),
                _ => bail!("JOB_INTERVAL_MS must be a number of milliseconds from 50 to 600000"),
            },
        };
        Ok(Self {
            database_url: SecretString::from(var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into())),
            addr,
            public_url,
            data_dir,
            secret_key,
            mail,
            mail_from: var("MAIL_FROM").unwrap_or_else(|| "Parlor <no-reply@localhost>".into()),
            nats_url: var("NATS_URL"),
            stripe,
            trust_forwarded_for,
            log_format,
            database_pool_size: 32,
            rate_limits: RateLimits {
                visitor_open_conversations: number("VISITOR_MAX_OPEN_CONVERSATIONS", 5)?.max(1),
                visitor_new_conversations_per_day: number("VISITOR_MAX_NEW_CONVERSATIONS_PER_DAY", 20)?.max(1),
                ..RateLimits::default()
            },
            job_interval,
            webhooks_allow_private_networks,
            credential_check_interval: crate::realtime::socket::HEARTBEAT,
            storage,
            upload_max_bytes: match var("UPLOAD_MAX_BYTES") {
                None => DEFAULT_UPLOAD_MAX_BYTES,
                Some(text) => match text.trim().parse::<u64>() {
                    // An upload is read whole into memory before it is stored.
                    Ok(bytes @ 1..=524_288_000) => bytes,
                    _ => bail!("UPLOAD_MAX_BYTES must be a number of bytes from 1 to 524288000 (500 MB), not {text:?}"),
                },
            },
            file_link_ttl: crate::files::links::DEFAULT_TTL,
            inbound: InboundSettings::from_env()?,
            metrics_addr: var("METRICS_ADDR")
                .map(|addr| addr.parse().with_context(|| format!("METRICS_ADDR must be host:port, e.g. 127.0.0.1:9090, not {addr:?}")))
                .transpose()?,
            shutdown_grace: match var("SHUTDOWN_GRACE_SECONDS") {
                None => DEFAULT_SHUTDOWN_GRACE,
                Some(text) => match text.trim().parse::<u64>() {
                    Ok(seconds @ 2..=300) => Duration::from_secs(seconds),
                    _ => bail!("SHUTDOWN_GRACE_SECONDS must be a number of seconds from 2 to 300, not {text:?}"),
                },
            },
        })
    }

    /// Cookies get `Secure` only when people reach Parlor over HTTPS.
    pub fn cookies_secure(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// `PUBLIC_URL` without a trailing slash, to build absolute links.
    pub fn public_base(&self) -> String {
        self.public_url.as_str().trim_end_matches('/').to_string()
    }

    /// The `Origin` header value a browser sends for pages served from `PUBLIC_URL`.
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }

    pub fn secret_bytes(&self) -> &[u8] {
        self.secret_key.expose_secret().as_bytes()
    }
}

fn parse_public_url(raw: &str) -> anyhow::Result<Url> {
    let url = Url::parse(raw).with_context(|| format!("PUBLIC_URL is not a URL: {raw:?}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!("PUBLIC_URL must start with http:// or https://");
    }
    Ok(url)
}

fn load_or_create_secret_key(data_dir: &std::path::Path) -> anyhow::Result<SecretString> {
    use base64::Engine;
    let path = data_dir.join("secret_key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let key = existing.trim().to_string();
        if key.len() >= 32 {
            return Ok(SecretString::from(key));
        }
    }
    std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create DATA_DIR {}", data_dir.display()))?;
    let key = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 48]>());
    write_private_file(&path, &key).with_context(|| format!("cannot write {}", path.display()))?;
    tracing::warn!(path = %path.display(), "SECRET_KEY is not set; generated one and saved it (set SECRET_KEY when running several instances)");
    Ok(SecretString::from(key))
}

#[cfg(unix)]
fn write_private_file(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private_file(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}
