//! A real headless Chromium driven over the DevTools protocol, for the widget's browser tests.
//! Elements are found the way a screen reader finds them: by role and accessible name (through
//! closed shadow roots and into the chat's iframe).

use std::{
    collections::HashMap,
    process::Stdio,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    net::TcpListener,
    process::{Child, Command},
    sync::{mpsc, oneshot},
};
use tokio_tungstenite::tungstenite::Message as WsMessage;

use crate::helpers::TempDir;

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Value>>>>;

/// One browser at a time: on two cores, several at once starve each other (and the servers
/// under test) until DevTools calls time out.
static ONE_AT_A_TIME: std::sync::LazyLock<Arc<tokio::sync::Mutex<()>>> = std::sync::LazyLock::new(Arc::default);

pub struct Chromium {
    _turn: tokio::sync::OwnedMutexGuard<()>,
    child: Child,
    _profile: TempDir,
    outgoing: mpsc::UnboundedSender<String>,
    pending: Pending,
    next_id: AtomicU64,
}

impl Chromium {
    /// Starts Debian's chromium (or `PARLOR_CHROMIUM`) headless with a fresh profile.
    pub async fn launch() -> Chromium {
        let turn = ONE_AT_A_TIME.clone().lock_owned().await;
        let binary = std::env::var("PARLOR_CHROMIUM").unwrap_or_else(|_| "chromium".into());
        let profile = TempDir::new();
        let mut child = Command::new(&binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                // Cross-origin frames in the page's process, so that one session reaches them.
                "--disable-site-isolation-trials",
                "--disable-features=IsolateOrigins,site-per-process",
                "--remote-debugging-port=0",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path.display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary} (scripts/test installs chromium): {e}"));
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let endpoint = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await.expect("chromium stderr") {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    return url.trim().to_string();
                }
            }
            panic!("chromium exited before it listened");
        })
        .await
        .expect("chromium starts within 30 s");
        // Keep draining stderr so that chromium never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

        let (socket, _) = tokio_tungstenite::connect_async(endpoint.as_str()).await.expect("connect to DevTools");
        let (mut write, mut read) = socket.split();
        let (outgoing, mut queue) = mpsc::unbounded_channel::<String>();
        tokio::spawn(async move {
            while let Some(text) = queue.recv().await {
                if write.send(WsMessage::Text(text.into())).await.is_err() {
                    return;
                }
            }
        });
        let pending: Pending = Arc::default();
        let answers = pending.clone();
        tokio::spawn(async move {
            while let Some(Ok(message)) = read.next().await {
                let WsMessage::Text(text) = message else { continue };
                let Ok(value) = serde_json::from_str::<Value>(&text) else { continue };
                if let Some(id) = value["id"].as_u64()
                    && let Some(reply) = answers.lock().unwrap().remove(&id)
                {
                    let _ = reply.send(value);
                }
            }
            eprintln!("chromium: the DevTools connection ended");
        });
        Chromium { _turn: turn, child, _profile: profile, outgoing, pending, next_id: AtomicU64::new(1) }
    }

    async fn call(&self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.call_within(session, method, params, Duration::from_secs(60))
            .await
            .unwrap_or_else(|| panic!("DevTools did not answer {method} within 60 s"))
    }

    /// A DevTools call; `None` when no answer came within `wait`.
    async fn call_within(&self, session: Option<&str>, method: &str, params: Value, wait: Duration) -> Option<Value> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (reply, answer) = oneshot::channel();
        self.pending.lock().unwrap().insert(id, reply);
        let mut command = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            command["sessionId"] = json!(session);
        }
        self.outgoing.send(command.to_string()).expect("DevTools connection open");
        let answer = tokio::time::timeout(wait, answer).await.ok()?.expect("answer");
        if let Some(error) = answer.get("error") {
            panic!("{method} failed: {error}");
        }
        Some(answer["result"].clone())
    }

    /// A new tab, `width` pixels wide.
    pub async fn new_page(&self, width: u32) -> Page<'_> {
        let target = self.call(None, "Target.createTarget", json!({"url": "about:blank"})).await;
        let attached = self.call(None, "Target.attachToTarget", json!({"targetId": target["targetId"], "flatten": true})).await;
        let page = Page { chromium: self, session: attached["sessionId"].as_str().expect("session").to_string() };
        page.call("Page.enable", json!({})).await;
        page.call("DOM.enable", json!({})).await;
        page.call("Accessibility.enable", json!({})).await;
        page.call("Emulation.setDeviceMetricsOverride", json!({"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": false}))
            .await;
        page
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

pub struct Page<'a> {
    chromium: &'a Chromium,
    session: String,
}

impl Page<'_> {
    async fn call(&self, method: &str, params: Value) -> Value {
        self.chromium.call(Some(&self.session), method, params).await
    }

    /// Carries a signed-in test browser's cookies (`name=value; ...`) over to this tab.
    pub async fn set_cookies(&self, url: &str, header: &str) {
        for pair in header.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').expect("name=value");
            self.call("Network.setCookie", json!({"name": name, "value": value, "url": url})).await;
        }
    }

    pub async fn goto(&self, url: &str) {
        self.call("Page.navigate", json!({"url": url})).await;
        self.wait_until("document.readyState === 'complete' && location.href !== 'about:blank'").await;
    }

    /// Evaluates `expression` in the page (not in its frames) and returns its value.
    pub async fn eval(&self, expression: &str) -> Value {
        let result = self.call("Runtime.evaluate", json!({"expression": expression, "returnByValue": true, "awaitPromise": true})).await;
        if let Some(exception) = result.get("exceptionDetails") {
            panic!("{expression} threw: {exception}");
        }
        result["result"]["value"].clone()
    }

    /// Waits up to 10 s for `expression` to be true; while a page loads it may throw, which
    /// counts as not yet.
    pub async fn wait_until(&self, expression: &str) {
        let guarded = format!("(() => {{ try {{ return !!({expression}); }} catch (e) {{ return false; }} }})()");
        for _ in 0..200 {
            if self.eval(&guarded).await == json!(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("waited 10 s for {expression}");
    }

    /// Every document of the page, its frames' included, as DOM node ids.
    async fn documents(&self) -> Vec<i64> {
        fn collect(node: &Value, out: &mut Vec<i64>) {
            if let Some(document) = node.get("contentDocument") {
                out.push(document["nodeId"].as_i64().unwrap_or_default());
                collect(document, out);
            }
            for key in ["children", "shadowRoots"] {
                for child in node[key].as_array().into_iter().flatten() {
                    collect(child, out);
                }
            }
        }
        // Under heavy load an answer can go missing while a frame is (re)loading: no answer
        // within 10 s counts as no documents yet, and the caller's wait asks again.
        let query = json!({"depth": -1, "pierce": true});
        let Some(root) = self.chromium.call_within(Some(&self.session), "DOM.getDocument", query, Duration::from_secs(10)).await else {
            eprintln!("chromium: DOM.getDocument got no answer within 10 s");
            return Vec::new();
        };
        let mut out = vec![root["root"]["nodeId"].as_i64().unwrap_or_default()];
        collect(&root["root"], &mut out);
        out
    }

    /// The element a screen reader would announce as `name`, with `role`, in any document of the
    /// page (shadow roots and frames included), if there is one now.
    pub async fn find(&self, role: &str, name: &str) -> Option<i64> {
        for document in self.documents().await {
            // The accessibility tree can be slow to answer while a frame is being laid out on a
            // busy machine: no answer yet counts as not found yet.
            let query = json!({"nodeId": document, "accessibleName": name, "role": role});
            let Some(found) =
                self.chromium.call_within(Some(&self.session), "Accessibility.queryAXTree", query, Duration::from_secs(5)).await
            else {
                eprintln!("chromium: Accessibility.queryAXTree for {role} {name:?} got no answer within 5 s");
                continue;
            };
            let node =
                found["nodes"].as_array().into_iter().flatten().find(|n| n["ignored"] != json!(true) && n["backendDOMNodeId"].is_i64());
            if let Some(node) = node {
                return node["backendDOMNodeId"].as_i64();
            }
        }
        None
    }

    /// Waits up to 30 s for [`Page::find`].
    pub async fn wait_for(&self, role: &str, name: &str) -> i64 {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while tokio::time::Instant::now() < deadline {
            if let Some(node) = self.find(role, name).await {
                return node;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no {role} named {name:?} appeared within 30 s");
    }

    /// Calls `function` (a JS function declaration) with `this` bound to the element.
    pub async fn call_on(&self, node: i64, function: &str) -> Value {
        let object = self.call("DOM.resolveNode", json!({"backendNodeId": node})).await;
        let result = self
            .call(
                "Runtime.callFunctionOn",
                json!({"objectId": object["object"]["objectId"], "functionDeclaration": function, "returnByValue": true, "awaitPromise": true}),
            )
            .await;
        result["result"]["value"].clone()
    }

    pub async fn click(&self, node: i64) {
        self.call_on(node, "function () { this.click(); }").await;
    }

    pub async fn focus(&self, node: i64) {
        self.call("DOM.focus", json!({"backendNodeId": node})).await;
    }

    /// Types into the focused element, as a keyboard would.
    pub async fn type_text(&self, text: &str) {
        self.call("Input.insertText", json!({"text": text})).await;
    }

    pub async fn press(&self, key: &str) {
        self.press_with(key, 0).await;
    }

    /// Types one printable key as a keypress (for page shortcuts), not as inserted text.
    pub async fn press_key(&self, key: &str) {
        let code = key.chars().next().map(|c| c.to_ascii_uppercase() as u32).unwrap_or(0);
        self.call("Input.dispatchKeyEvent", json!({"type": "keyDown", "key": key, "text": key, "windowsVirtualKeyCode": code})).await;
        self.call("Input.dispatchKeyEvent", json!({"type": "keyUp", "key": key, "windowsVirtualKeyCode": code})).await;
    }

    /// Presses `key` with Shift held.
    pub async fn press_shifted(&self, key: &str) {
        self.press_with(key, 8).await;
    }

    async fn press_with(&self, key: &str, modifiers: u8) {
        let (code, key_code, text) = match key {
            "Enter" => ("Enter", 13, "\r"),
            "Escape" => ("Escape", 27, ""),
            "Tab" => ("Tab", 9, ""),
            "ArrowUp" => ("ArrowUp", 38, ""),
            "ArrowDown" => ("ArrowDown", 40, ""),
            other => panic!("no key {other}"),
        };
        let mut down = json!({"type": "keyDown", "key": key, "code": code, "windowsVirtualKeyCode": key_code, "modifiers": modifiers});
        if !text.is_empty() {
            down["text"] = json!(text);
        }
        self.call("Input.dispatchKeyEvent", down).await;
        self.call(
            "Input.dispatchKeyEvent",
            json!({"type": "keyUp", "key": key, "code": code, "windowsVirtualKeyCode": key_code, "modifiers": modifiers}),
        )
        .await;
    }

    /// The HTML of every frame of the page (the chat's iframe included).
    pub async fn frames_html(&self) -> String {
        let mut html = String::new();
        for document in self.documents().await.into_iter().skip(1) {
            let outer = self.call("DOM.getOuterHTML", json!({"nodeId": document})).await;
            html.push_str(outer["outerHTML"].as_str().unwrap_or_default());
        }
        html
    }

    /// Makes this the foreground tab: background tabs do not update their accessibility tree.
    pub async fn bring_to_front(&self) {
        self.call("Page.bringToFront", json!({})).await;
    }

    /// Waits up to 10 s until the page's own text (not its frames') contains `text`.
    pub async fn wait_for_text(&self, text: &str) {
        let probe = format!("document.body.innerText.includes({})", serde_json::to_string(text).unwrap());
        self.wait_until(&probe).await;
    }

    pub async fn wait_for_frame_text(&self, text: &str) {
        for _ in 0..100 {
            if self.frames_html().await.contains(text) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the chat window did not show {text:?} within 10 s");
    }

    /// Saves a PNG of the page (for people looking at a failure).
    pub async fn screenshot(&self, path: &std::path::Path) {
        use base64::Engine;
        let shot = self.call("Page.captureScreenshot", json!({"format": "png"})).await;
        let bytes = base64::engine::general_purpose::STANDARD.decode(shot["data"].as_str().unwrap_or_default()).unwrap_or_default();
        let _ = std::fs::write(path, bytes);
    }
}

/// A website on another origin than Parlor's: answers every request with `html`.
pub async fn serve_site(html: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let html = Arc::new(html);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let html = html.clone();
            tokio::spawn(async move {
                let mut request = [0_u8; 4096];
                let _ = stream.read(&mut request).await;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                    html.len(),
                    html
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    address
}

/// A network between the browser and Parlor that a test can cut and mend: while cut, every
/// open connection is dropped and new ones are refused.
pub struct Network {
    pub address: String,
    up: Arc<std::sync::atomic::AtomicBool>,
    connections: Arc<Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl Network {
    pub async fn to(target: &str) -> Network {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let target = target.trim_start_matches("http://").to_string();
        let up = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let connections: Arc<Mutex<Vec<tokio::task::AbortHandle>>> = Arc::default();
        let (is_up, open) = (up.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !is_up.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is refused
                }
                let target = target.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                open.lock().unwrap().push(task.abort_handle());
            }
        });
        Network { address, up, connections }
    }

    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for connection in self.connections.lock().unwrap().drain(..) {
            connection.abort();
        }
    }

    pub fn mend(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}
