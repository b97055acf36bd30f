//! A WebSocket client for tests, speaking Parlor's protocol over a real socket.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message as WsMessage, client::IntoClientRequest, protocol::frame::coding::CloseCode},
};
use uuid::Uuid;

use crate::helpers::{Browser, TestApp};

pub struct Socket {
    stream: WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>,
    /// `message` frames read while looking for another kind of frame, in order.
    buffered: std::collections::VecDeque<Value>,
    /// The close code of the server's close frame, once [`Socket::read`] has seen one.
    pub close_code: Option<u16>,
}

/// What one read brought, for clients that expect the server or the network to fail.
#[derive(Debug)]
pub enum Read {
    Frame(Value),
    Nothing,
    Ended,
}

/// How a socket ended, as the client saw it.
#[derive(Debug, PartialEq)]
pub enum Ended {
    Closed(Option<(CloseCode, String)>),
    Dropped,
}

impl Socket {
    pub async fn open(address: &str, headers: &[(&'static str, String)]) -> Socket {
        let url = format!("{}/ws", address.replace("http://", "ws://"));
        let mut request = url.into_client_request().expect("request");
        for (name, value) in headers {
            request.headers_mut().insert(*name, value.parse().expect("header value"));
        }
        let (stream, _) = connect_async(request).await.expect("WebSocket upgrade");
        Socket { stream, buffered: Default::default(), close_code: None }
    }

    /// Opens a socket, or `None` when nothing answers within 5 s (an instance that was killed).
    pub async fn try_open(address: &str, headers: &[(&'static str, String)]) -> Option<Socket> {
        let url = format!("{}/ws", address.replace("http://", "ws://"));
        let mut request = url.into_client_request().expect("request");
        for (name, value) in headers {
            request.headers_mut().insert(*name, value.parse().expect("header value"));
        }
        let (stream, _) = tokio::time::timeout(Duration::from_secs(5), connect_async(request)).await.ok()?.ok()?;
        Some(Socket { stream, buffered: Default::default(), close_code: None })
    }

    /// Sends a frame; false when the socket is gone.
    pub async fn try_send(&mut self, frame: &Value) -> bool {
        self.stream.send(WsMessage::Text(frame.to_string().into())).await.is_ok()
    }

    /// The next JSON frame within `wait`, skipping pings; a close or an error is `Ended`.
    pub async fn read(&mut self, wait: Duration) -> Read {
        if let Some(frame) = self.buffered.pop_front() {
            return Read::Frame(frame);
        }
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.stream.next()).await {
                Err(_) => return Read::Nothing,
                Ok(Some(Ok(WsMessage::Text(text)))) => return Read::Frame(serde_json::from_str(&text).expect("server frames are JSON")),
                Ok(Some(Ok(WsMessage::Close(frame)))) => {
                    self.close_code = frame.map(|f| u16::from(f.code));
                    return Read::Ended;
                }
                Ok(Some(Err(_))) | Ok(None) => return Read::Ended,
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// A visitor socket that has said hello; `resume` maps conversation ids to the last seq held.
    pub async fn visitor(app: &TestApp, token: &str, resume: Value) -> (Socket, Value) {
        let mut socket = Socket::open(&app.address, &[]).await;
        socket.send(json!({"type": "hello", "visitor_token": token, "resume": resume})).await;
        let welcome = socket.expect("welcome").await;
        (socket, welcome)
    }

    /// An agent socket opened from a signed-in dashboard page.
    pub async fn agent(app: &TestApp, browser: &Browser) -> Socket {
        let origin = app.state.settings.public_origin();
        let mut socket = Socket::open(&app.address, &[("origin", origin), ("cookie", browser.cookie_header())]).await;
        socket.send(json!({"type": "hello"})).await;
        let welcome = socket.expect("welcome").await;
        assert_eq!(welcome["role"], "agent");
        socket
    }

    pub async fn send(&mut self, frame: Value) {
        self.stream.send(WsMessage::Text(frame.to_string().into())).await.expect("send frame");
    }

    /// A WebSocket control or binary frame, which carries no protocol frame.
    pub async fn send_ws(&mut self, message: WsMessage) {
        self.stream.send(message).await.expect("send frame");
    }

    pub async fn send_raw(&mut self, text: String) {
        self.stream.send(WsMessage::Text(text.into())).await.expect("send frame");
    }

    /// Sends a message and returns its client id.
    pub async fn say(&mut self, conversation_id: Option<&str>, body: &str) -> String {
        let client_id = Uuid::now_v7().to_string();
        let mut frame = json!({"type": "send", "client_id": client_id, "body": body});
        if let Some(id) = conversation_id {
            frame["conversation_id"] = json!(id);
        }
        self.send(frame).await;
        client_id
    }

    /// The next JSON frame, skipping pings; panics after 5 s.
    pub async fn next(&mut self) -> Value {
        self.next_within(Duration::from_secs(5)).await.expect("a frame within 5 s")
    }

    pub async fn next_within(&mut self, wait: Duration) -> Option<Value> {
        if let Some(frame) = self.buffered.pop_front() {
            return Some(frame);
        }
        self.read_within(wait).await
    }

    async fn read_within(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let message = tokio::time::timeout_at(deadline, self.stream.next()).await.ok()??;
            match message.expect("socket error") {
                WsMessage::Text(text) => return Some(serde_json::from_str(&text).expect("server frames are JSON")),
                WsMessage::Close(frame) => panic!("socket closed: {frame:?}"),
                _ => continue,
            }
        }
    }

    /// The next frame of this type, skipping presence and typing frames in between; `message`
    /// frames met on the way are kept for [`Socket::messages`].
    pub async fn expect(&mut self, kind: &str) -> Value {
        if let Some(at) = self.buffered.iter().position(|f| f["type"] == kind) {
            return self.buffered.remove(at).expect("position is in range");
        }
        loop {
            let frame = self.read_within(Duration::from_secs(5)).await.expect("a frame within 5 s");
            if frame["type"] == kind {
                return frame;
            }
            if frame["type"] == "message" {
                self.buffered.push_back(frame);
                continue;
            }
            assert!(
                matches!(
                    frame["type"].as_str(),
                    Some(
                        "presence"
                            | "visitor_presence"
                            | "typing"
                            | "read"
                            | "conversation"
                            | "availability"
                            | "conversation_status"
                            | "rating"
                            | "rated"
                    )
                ),
                "expected a {kind} frame, got {frame}"
            );
        }
    }

    /// The next `message` frames, as (seq, body), skipping other kinds of frames.
    pub async fn messages(&mut self, count: usize) -> Vec<(i64, String)> {
        let mut found = Vec::new();
        while found.len() < count {
            let frame = self.next().await;
            if frame["type"] == "message" {
                found.push((frame["seq"].as_i64().unwrap(), frame["body"].as_str().unwrap().to_string()));
            }
        }
        found
    }

    /// No `message` frame arrives within `wait`.
    pub async fn assert_no_message(&mut self, wait: Duration) {
        while let Some(frame) = self.next_within(wait).await {
            assert_ne!(frame["type"], "message", "unexpected message {frame}");
        }
    }

    /// Waits for the server to close the socket and reports how.
    pub async fn ended(&mut self) -> Ended {
        loop {
            match tokio::time::timeout(Duration::from_secs(5), self.stream.next()).await.expect("the server closes within 5 s") {
                Some(Ok(WsMessage::Close(frame))) => return Ended::Closed(frame.map(|f| (f.code, f.reason.to_string()))),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Ended::Dropped,
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }
}

/// Starts a widget session for `site_key`; returns (visitor_token, visitor_id).
pub async fn widget_session(app: &TestApp, site_key: &str) -> (String, String) {
    widget_session_at(&app.address, site_key).await
}

/// [`widget_session`] on the Parlor at `address`.
pub async fn widget_session_at(address: &str, site_key: &str) -> (String, String) {
    let response = reqwest::Client::new()
        .post(format!("{address}/api/widget/v1/sessions"))
        .json(&json!({"site_key": site_key}))
        .send()
        .await
        .expect("POST sessions");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    (body["visitor_token"].as_str().unwrap().to_string(), body["visitor_id"].as_str().unwrap().to_string())
}
