//! A real headless Chromium, driven through chromiumoxide, for the browser tests. Elements are
//! found the way a screen reader finds them: by role and accessible name in the accessibility
//! tree of every frame (the chat's iframe included), which reads through closed shadow roots.

use std::{path::Path, sync::Arc, time::Duration};

use chromiumoxide::{
    Browser, BrowserConfig,
    cdp::{
        browser_protocol::{
            accessibility::{AxNode, AxValue, GetFullAxTreeParams},
            dom::{self, GetDocumentParams, GetOuterHtmlParams, Node, NodeId, ResolveNodeParams},
            emulation::SetDeviceMetricsOverrideParams,
            input::{DispatchKeyEventParams, DispatchKeyEventType, InsertTextParams},
            network::{CookieParam, SetCookiesParams},
            page::{BringToFrontParams, CaptureScreenshotFormat, CaptureScreenshotParams, FrameId, FrameTree, GetFrameTreeParams},
        },
        js_protocol::runtime::{CallFunctionOnParams, EvaluateParams},
    },
    error::CdpError,
};
use futures_util::StreamExt;
use serde_json::Value;
use tokio::time::Instant;

use crate::helpers::TempDir;

/// An element of the page, as DevTools names it across documents and shadow roots.
pub use chromiumoxide::cdp::browser_protocol::dom::BackendNodeId;

/// How long a test waits for something a person would see before it fails.
const PATIENCE: Duration = Duration::from_secs(30);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(100);

/// One browser at a time: on two cores, several at once starve each other and the servers
/// under test.
static ONE_AT_A_TIME: std::sync::LazyLock<Arc<tokio::sync::Mutex<()>>> = std::sync::LazyLock::new(Arc::default);

pub struct Chromium {
    browser: Browser,
    _profile: TempDir,
    _turn: tokio::sync::OwnedMutexGuard<()>,
}

impl Chromium {
    /// Starts Debian's chromium (or `PARLOR_CHROMIUM`) headless with a fresh profile.
    pub async fn launch() -> Chromium {
        Self::launch_in("en-US,en").await
    }

    /// Starts it for a person whose browser asks for `languages` (an `Accept-Language` list:
    /// "de-DE,de", "ar"): its requests say so, and so does `navigator.languages`.
    pub async fn launch_in(languages: &str) -> Chromium {
        let turn = ONE_AT_A_TIME.clone().lock_owned().await;
        let binary = std::env::var("PARLOR_CHROMIUM").unwrap_or_else(|_| "chromium".into());
        let profile = TempDir::new();
        // The flags these tests were written for rather than chromiumoxide's (puppeteer's)
        // defaults, which change how background tabs and their timers behave: a test watches
        // the inbox in a background tab.
        let config = BrowserConfig::builder()
            .chrome_executable(&binary)
            .user_data_dir(&profile.path)
            .disable_default_args()
            .no_sandbox()
            .window_size(1280, 900)
            .viewport(None)
            .launch_timeout(Duration::from_secs(30))
            // A DevTools call unanswered this long is a failure, not something to wait out.
            .request_timeout(PATIENCE)
            .args([
                "disable-gpu",
                "disable-quic",
                "no-first-run",
                "disable-background-networking",
                "disable-component-update",
                "disable-sync",
                "disable-dev-shm-usage",
                // Cross-origin frames in the page's process, so that one session reaches them.
                "disable-site-isolation-trials",
                "disable-features=IsolateOrigins,site-per-process",
            ])
            .arg(format!("lang={}", languages.split(',').next().unwrap_or("en-US")))
            .arg(format!("accept-lang={languages}"))
            .build()
            .unwrap_or_else(|e| panic!("browser configuration: {e}"));
        let (browser, mut handler) =
            Browser::launch(config).await.unwrap_or_else(|e| panic!("cannot start {binary} (scripts/test installs chromium): {e}"));
        tokio::spawn(async move {
            // An event chromiumoxide cannot parse is not a reason to stop driving the browser.
            while let Some(event) = handler.next().await {
                if let Err(e) = event {
                    eprintln!("chromium: {e}");
                }
            }
        });
        Chromium { browser, _profile: profile, _turn: turn }
    }

    /// A new tab, `width` pixels wide.
    pub async fn new_page(&self, width: u32) -> Page {
        let page = self.browser.new_page("about:blank").await.expect("a new tab");
        let page = Page { page };
        page.run(dom::EnableParams::default()).await;
        page.run(SetDeviceMetricsOverrideParams::new(width, 900, 1.0, false)).await;
        page
    }
}

pub struct Page {
    page: chromiumoxide::Page,
}

/// A DevTools answer that says the DOM changed under the question (a frame reloaded between
/// two calls) is an answer: it means "not there now".
fn current<T>(answer: Result<T, CdpError>, what: &str) -> Option<T> {
    match answer {
        Ok(value) => Some(value),
        Err(CdpError::Chrome(_)) => None,
        Err(e) => panic!("{what}: {e}"),
    }
}

impl Page {
    async fn run<C: chromiumoxide::types::Command>(&self, command: C) -> C::Response {
        let method = command.identifier();
        match self.page.execute(command).await {
            Ok(answer) => answer.result,
            Err(e) => panic!("{method}: {e}"),
        }
    }

    /// Closes the tab, as a person closing it would: its sockets go with it.
    pub async fn close(self) {
        self.page.close().await.expect("closing a tab");
    }

    /// Carries a signed-in test browser's cookies (`name=value; ...`) over to this tab.
    pub async fn set_cookies(&self, url: &str, header: &str) {
        let cookies = header
            .split(';')
            .map(str::trim)
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').expect("name=value");
                CookieParam::builder().name(name).value(value).url(url).build().expect("a cookie")
            })
            .collect::<Vec<_>>();
        self.run(SetCookiesParams::new(cookies)).await;
    }

    /// Opens `url` and waits until it has loaded.
    pub async fn goto(&self, url: &str) {
        if let Err(e) = self.page.goto(url).await {
            panic!("opening {url}: {e}");
        }
    }

    /// Evaluates `expression` in the page (not in its frames) and returns its value.
    pub async fn eval(&self, expression: &str) -> Value {
        let evaluate =
            EvaluateParams::builder().expression(expression).return_by_value(true).await_promise(true).build().expect("an expression");
        let answer = self.run(evaluate).await;
        if let Some(exception) = answer.exception_details {
            panic!("{expression} threw: {exception:?}");
        }
        answer.result.value.unwrap_or(Value::Null)
    }

    /// Waits for `expression` to be true; while a page loads it may throw, which counts as not
    /// yet.
    pub async fn wait_until(&self, expression: &str) {
        let guarded = format!("(() => {{ try {{ return !!({expression}); }} catch (e) {{ return false; }} }})()");
        let deadline = Instant::now() + PATIENCE;
        while self.eval(&guarded).await != Value::Bool(true) {
            assert!(Instant::now() < deadline, "waited {PATIENCE:?} for {expression}");
            tokio::time::sleep(POLL).await;
        }
    }

    /// Every document of the page, its frames' and shadow roots' included, as DOM node ids;
    /// the page's own document first.
    async fn documents(&self) -> Vec<NodeId> {
        fn collect(node: &Node, out: &mut Vec<NodeId>) {
            if let Some(document) = &node.content_document {
                out.push(document.node_id);
                collect(document, out);
            }
            for child in node.children.iter().chain(&node.shadow_roots).flatten() {
                collect(child, out);
            }
        }
        let root = self.run(GetDocumentParams::builder().depth(-1).pierce(true).build()).await.root;
        let mut out = vec![root.node_id];
        collect(&root, &mut out);
        out
    }

    /// Every frame of the page, the page's own first.
    async fn frames(&self) -> Vec<FrameId> {
        fn collect(tree: FrameTree, out: &mut Vec<FrameId>) {
            out.push(tree.frame.id);
            for child in tree.child_frames.into_iter().flatten() {
                collect(child, out);
            }
        }
        let mut out = Vec::new();
        collect(self.run(GetFrameTreeParams::default()).await.frame_tree, &mut out);
        out
    }

    /// The element a screen reader would announce as `name`, with `role`, in any frame of the
    /// page, if there is one now.
    ///
    /// `Accessibility.getFullAXTree` answers at once; `queryAXTree` would be the direct question,
    /// but Chromium answers it only after the frame's next rendering update, which a frame that
    /// is just being shown may never get.
    pub async fn find(&self, role: &str, name: &str) -> Option<BackendNodeId> {
        let says = |value: &Option<AxValue>, expected: &str| {
            value.as_ref().and_then(|v| v.value.as_ref()).and_then(Value::as_str) == Some(expected)
        };
        let announced = |node: &AxNode| !node.ignored && says(&node.role, role) && says(&node.name, name);
        for frame in self.frames().await {
            let tree = self.page.execute(GetFullAxTreeParams::builder().frame_id(frame).build()).await;
            let Some(tree) = current(tree, "Accessibility.getFullAXTree") else { continue };
            if let Some(node) = tree.result.nodes.iter().filter(|n| announced(n)).find_map(|n| n.backend_dom_node_id) {
                return Some(node);
            }
        }
        None
    }

    /// Waits for [`Page::find`].
    pub async fn wait_for(&self, role: &str, name: &str) -> BackendNodeId {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(node) = self.find(role, name).await {
                return node;
            }
            assert!(Instant::now() < deadline, "no {role} named {name:?} appeared within {PATIENCE:?}");
            tokio::time::sleep(POLL).await;
        }
    }

    /// Calls `function` (a JS function declaration) with `this` bound to the element.
    pub async fn call_on(&self, node: BackendNodeId, function: &str) -> Value {
        let object = self.run(ResolveNodeParams::builder().backend_node_id(node).build()).await.object;
        let call = CallFunctionOnParams::builder()
            .object_id(object.object_id.expect("a live element"))
            .function_declaration(function)
            .return_by_value(true)
            .await_promise(true)
            .build()
            .expect("a function");
        let answer = self.run(call).await;
        if let Some(exception) = answer.exception_details {
            panic!("{function} threw: {exception:?}");
        }
        answer.result.value.unwrap_or(Value::Null)
    }

    pub async fn click(&self, node: BackendNodeId) {
        self.call_on(node, "function () { this.click(); }").await;
    }

    pub async fn focus(&self, node: BackendNodeId) {
        self.run(dom::FocusParams::builder().backend_node_id(node).build()).await;
    }

    /// Types into the focused element, as a keyboard would.
    pub async fn type_text(&self, text: &str) {
        self.run(InsertTextParams::new(text)).await;
    }

    pub async fn press(&self, key: &str) {
        self.press_with(key, 0).await;
    }

    /// Presses `key` with Shift held.
    pub async fn press_shifted(&self, key: &str) {
        self.press_with(key, 8).await;
    }

    /// Types one printable key as a keypress (for page shortcuts), not as inserted text.
    pub async fn press_key(&self, key: &str) {
        let code = key.chars().next().map(|c| c.to_ascii_uppercase() as i64).unwrap_or(0);
        let event = |kind| DispatchKeyEventParams::builder().r#type(kind).key(key).windows_virtual_key_code(code);
        self.run(event(DispatchKeyEventType::KeyDown).text(key).build().expect("a key")).await;
        self.run(event(DispatchKeyEventType::KeyUp).build().expect("a key")).await;
    }

    async fn press_with(&self, key: &str, modifiers: i64) {
        let (key_code, text) = match key {
            "Enter" => (13, "\r"),
            "Escape" => (27, ""),
            "Tab" => (9, ""),
            "ArrowUp" => (38, ""),
            "ArrowDown" => (40, ""),
            "ArrowLeft" => (37, ""),
            "ArrowRight" => (39, ""),
            other => panic!("no key {other}"),
        };
        let event = |kind| {
            DispatchKeyEventParams::builder().r#type(kind).key(key).code(key).windows_virtual_key_code(key_code).modifiers(modifiers)
        };
        let mut down = event(DispatchKeyEventType::KeyDown);
        if !text.is_empty() {
            down = down.text(text);
        }
        self.run(down.build().expect("a key")).await;
        self.run(event(DispatchKeyEventType::KeyUp).build().expect("a key")).await;
    }

    /// The HTML of every frame of the page (the chat's iframe included).
    pub async fn frames_html(&self) -> String {
        let mut html = String::new();
        for document in self.documents().await.into_iter().skip(1) {
            let outer = self.page.execute(GetOuterHtmlParams::builder().node_id(document).build()).await;
            if let Some(outer) = current(outer, "DOM.getOuterHTML") {
                html.push_str(&outer.result.outer_html);
            }
        }
        html
    }

    /// Makes this the foreground tab: background tabs do not update their accessibility tree.
    pub async fn bring_to_front(&self) {
        self.run(BringToFrontParams::default()).await;
    }

    /// Waits until the page's own text (not its frames') contains `text`.
    pub async fn wait_for_text(&self, text: &str) {
        let probe = format!("document.body.innerText.includes({})", Value::String(text.into()));
        self.wait_until(&probe).await;
    }

    /// Waits until the chat window (any frame of the page) shows `text`.
    pub async fn wait_for_frame_text(&self, text: &str) {
        let deadline = Instant::now() + PATIENCE;
        while !self.frames_html().await.contains(text) {
            assert!(Instant::now() < deadline, "the chat window did not show {text:?} within {PATIENCE:?}");
            tokio::time::sleep(POLL).await;
        }
    }

    /// Chooses `files` in the file input `selector`, as a person does in the file picker (the
    /// page gets its `change` event).
    pub async fn choose_files(&self, selector: &str, files: &[&Path]) {
        let find = EvaluateParams::builder()
            .expression(format!("document.querySelector({})", Value::String(selector.into())))
            .build()
            .expect("an expression");
        let input = self.run(find).await.result.object_id.unwrap_or_else(|| panic!("no element {selector}"));
        let files = files.iter().map(|path| path.to_string_lossy().into_owned()).collect::<Vec<_>>();
        self.run(dom::SetFileInputFilesParams::builder().files(files).object_id(input).build().expect("files")).await;
    }

    /// Saves a PNG of the page (for people looking at a failure).
    pub async fn screenshot(&self, path: &Path) {
        use base64::Engine;
        let shot = self.run(CaptureScreenshotParams::builder().format(CaptureScreenshotFormat::Png).build()).await;
        let data: &str = shot.data.as_ref();
        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(data) {
            let _ = std::fs::write(path, bytes);
        }
    }
}
