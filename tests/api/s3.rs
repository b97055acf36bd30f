//! Files in S3-compatible storage, against a real S3 API: moto's server (`moto[server]`, which
//! `scripts/test` installs into `.venv-moto`), started by the test on a free port. A file sent
//! in the chat lands in the bucket under the configured prefix, its signed link serves it, and
//! deleting its contact empties the bucket; avatars live there too.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};

use parlor::config::StorageSettings;
use reqwest::StatusCode;
use secrecy::SecretString;

use crate::{
    file_storage::{PDF, download, sends_file, upload_ok},
    helpers::{location, spawn_app_with},
};

/// moto's S3 server: `PARLOR_MOTO_SERVER`, else `.venv-moto/bin/moto_server` (where scripts/test
/// installs it), else `moto_server` on the `PATH`.
fn moto_server_program() -> PathBuf {
    if let Some(path) = std::env::var_os("PARLOR_MOTO_SERVER") {
        return path.into();
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-moto/bin/moto_server");
    if venv.is_file() {
        return venv;
    }
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).map(|dir| dir.join("moto_server")).find(|p| p.is_file()))
        .unwrap_or_default();
    on_path.unwrap_or_else(|| {
        panic!(
            "moto's S3 server (moto_server) is not installed, and the S3 storage test needs it. \
             Run scripts/test, which installs moto[server] into .venv-moto; or install it yourself: \
             `python3 -m venv .venv-moto && .venv-moto/bin/pip install 'moto[server]'` \
             (or set PARLOR_MOTO_SERVER to a moto_server program)"
        )
    })
}

/// A running moto server with one bucket; stopped when dropped.
struct S3Server {
    endpoint: String,
    bucket: String,
    _process: tokio::process::Child,
}

impl S3Server {
    async fn start() -> Self {
        let program = moto_server_program();
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
        let mut process = tokio::process::Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e} (scripts/test installs moto[server] into .venv-moto)", program.display()));
        let endpoint = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while client.get(&endpoint).send().await.is_err() {
            if let Ok(Some(status)) = process.try_wait() {
                let mut stderr = String::new();
                if let Some(mut pipe) = process.stderr.take() {
                    use tokio::io::AsyncReadExt;
                    let _ = pipe.read_to_string(&mut stderr).await;
                }
                panic!("{} exited ({status}) before answering: {stderr}", program.display());
            }
            assert!(Instant::now() < deadline, "{} did not answer on {endpoint} within 30 s", program.display());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // moto takes any credentials, and unsigned requests to create and list a bucket.
        let bucket = "parlor-files".to_string();
        let created = client.put(format!("{endpoint}/{bucket}")).send().await.expect("PUT bucket");
        assert!(created.status().is_success(), "creating the bucket: {}", created.text().await.unwrap_or_default());
        Self { endpoint, bucket, _process: process }
    }

    /// Reads an object as a client of the bucket would. moto takes any credentials, but it
    /// answers an anonymous read of a private object 403, so the request names some.
    async fn get_object(&self, key: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(format!("{}/{}/{key}", self.endpoint, self.bucket))
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00",
            )
            .send()
            .await
            .expect("GET object")
    }

    /// The keys in the bucket under `prefix`, from its listing.
    async fn keys(&self, prefix: &str) -> Vec<String> {
        let listing = reqwest::get(format!("{}/{}?list-type=2&prefix={prefix}", self.endpoint, self.bucket))
            .await
            .expect("list the bucket")
            .text()
            .await
            .expect("listing");
        listing.split("<Key>").skip(1).filter_map(|rest| rest.split("</Key>").next()).map(str::to_string).collect()
    }
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).expect("encode a PNG");
    bytes.into_inner()
}

#[tokio::test]
async fn files_live_in_s3_compatible_storage_and_leave_it_with_their_contact() {
    let s3 = S3Server::start().await;
    let (endpoint, bucket) = (s3.endpoint.clone(), s3.bucket.clone());
    let app = spawn_app_with(move |s| {
        s.storage = StorageSettings::S3 {
            bucket,
            prefix: "parlor-test".into(),
            region: "us-east-1".into(),
            endpoint: Some(endpoint),
            access_key_id: Some("test".into()),
            secret_access_key: Some(SecretString::from("test")),
            session_token: None,
        };
    })
    .await;
    let workspace = app.sign_up_workspace().await;
    let mut agent = workspace.owner.socket().await;
    let mut visitor = workspace.visitor().await;
    let photo = png(900, 600);
    let pdf = upload_ok(&app.address, &visitor.token, "invoice.pdf", PDF).await;
    let image = upload_ok(&app.address, &visitor.token, "photo.png", &photo).await;
    let message = sends_file(&mut visitor, &mut agent, "Two files", &pdf).await;
    let url = message["attachments"][0]["url"].as_str().expect("a signed link");
    assert_eq!(download(&app, url).await.bytes().await.unwrap(), PDF, "the link serves the bytes from S3");
    let message = sends_file(&mut visitor, &mut agent, "And a photo", &image).await;
    let attachment = &message["attachments"][0];
    assert_eq!(attachment["content_type"], "image/png");
    assert_eq!(download(&app, attachment["url"].as_str().unwrap()).await.bytes().await.unwrap(), photo);
    let thumbnail = download(&app, attachment["thumbnail_url"].as_str().expect("a thumbnail link")).await;
    assert_eq!(thumbnail.status(), StatusCode::OK);
    assert!(!thumbnail.bytes().await.unwrap().is_empty());

    // The objects are in the bucket, under the prefix, by workspace (an opaque photo's
    // thumbnail is a JPEG).
    let object = s3.get_object(&format!("parlor-test/{}/{pdf}", workspace.id)).await;
    assert_eq!(object.status(), StatusCode::OK);
    assert_eq!(object.bytes().await.unwrap(), PDF);
    let mut keys = s3.keys("parlor-test/").await;
    keys.sort();
    let ws = &workspace.id;
    let mut expected =
        vec![format!("parlor-test/{ws}/{pdf}"), format!("parlor-test/{ws}/{image}"), format!("parlor-test/{ws}/{image}.thumbnail.jpg")];
    expected.sort();
    assert_eq!(keys, expected);

    let deleted = app.browser.post_form(&format!("/app/{ws}/contacts/{}/delete", visitor.contact_id), &[]).await;
    assert_eq!(location(&deleted), format!("/app/{ws}/inbox?notice=contact_deleted"));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = s3.keys("parlor-test/").await;
        if left.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "the contact's files are still in the bucket: {left:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let gone = s3.get_object(&format!("parlor-test/{ws}/{pdf}")).await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.count("file_deletions"), 0);
}

#[tokio::test]
async fn avatars_live_in_s3_compatible_storage_too_and_leave_it_when_replaced() {
    let s3 = S3Server::start().await;
    let (endpoint, bucket) = (s3.endpoint.clone(), s3.bucket.clone());
    let app = spawn_app_with(move |s| {
        s.storage = StorageSettings::S3 {
            bucket,
            prefix: "parlor-test".into(),
            region: "us-east-1".into(),
            endpoint: Some(endpoint),
            access_key_id: Some("test".into()),
            secret_access_key: Some(SecretString::from("test")),
            session_token: None,
        };
    })
    .await;
    let workspace = app.sign_up_workspace().await;
    let first = crate::avatars::uploads_avatar(&workspace.owner.browser, png(500, 300)).await;
    let name = first.trim_start_matches("/avatars/").to_string();
    let small = name.replace('.', "-64.");
    let mut keys = s3.keys("parlor-test/").await;
    keys.sort();
    assert_eq!(keys, vec![format!("parlor-test/avatars/{small}"), format!("parlor-test/avatars/{name}")]);
    let served = reqwest::get(format!("{}{first}", app.address)).await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    let bytes = served.bytes().await.unwrap();
    assert_eq!(s3.get_object(&format!("parlor-test/avatars/{name}")).await.bytes().await.unwrap(), bytes);

    let second = crate::avatars::uploads_avatar(&workspace.owner.browser, png(300, 500)).await;
    let kept = second.trim_start_matches("/avatars/").to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = s3.keys("parlor-test/").await;
        if !left.iter().any(|key| key.contains(name.trim_end_matches(".jpg"))) {
            assert!(left.contains(&format!("parlor-test/avatars/{kept}")), "{left:?}");
            break;
        }
        assert!(Instant::now() < deadline, "the replaced avatar is still in the bucket: {left:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
