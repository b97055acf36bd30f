//! Requests that ask for an upgrade, spoken byte by byte over TCP: a WebSocket leaves the HTTP
//! server once its handshake is answered, and every other such request still gets its ordinary
//! answer.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::{
    helpers::{TestWorkspace, spawn_app},
    socket_client::widget_session,
};

const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
/// The answer RFC 6455 gives for [`KEY`].
const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

fn request(address: &str, path: &str, extra_headers: &str) -> String {
    let host = address.trim_start_matches("http://");
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n{extra_headers}\r\n")
}

/// A client frame, masked as RFC 6455 requires.
fn client_frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mask = [0x37, 0xfa, 0x21, 0x3d];
    let mut frame = vec![0x80 | opcode];
    match payload.len() {
        len @ 0..=125 => frame.push(0x80 | len as u8),
        len => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(len as u16).to_be_bytes());
        }
    }
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, byte)| byte ^ mask[i % 4]));
    frame
}

/// Reads until `buffer` holds a whole server frame at its start; returns (opcode, payload)
/// and drops the frame from `buffer`.
async fn read_frame(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> (u8, Vec<u8>) {
    loop {
        if buffer.len() >= 2 {
            assert_eq!(buffer[1] & 0x80, 0, "server frames are not masked");
            let (len, header) = match buffer[1] & 0x7f {
                126 if buffer.len() >= 4 => (u16::from_be_bytes([buffer[2], buffer[3]]) as usize, 4),
                127 => panic!("no frame here is that large"),
                126 => (usize::MAX, 4),
                len => (len as usize, 2),
            };
            if len != usize::MAX && buffer.len() >= header + len {
                let opcode = buffer[0] & 0x0f;
                let payload = buffer[header..header + len].to_vec();
                buffer.drain(..header + len);
                return (opcode, payload);
            }
        }
        let mut chunk = [0u8; 4096];
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk)).await.expect("a frame within 5 s").expect("read");
        assert!(read > 0, "the server closed the connection before the frame");
        buffer.extend_from_slice(&chunk[..read]);
    }
}

/// Reads the answer's head; returns it and what came after it.
async fn read_head(stream: &mut TcpStream) -> (String, Vec<u8>) {
    let mut buffer = Vec::new();
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8(buffer[..end].to_vec()).expect("a text head");
            return (head, buffer[end + 4..].to_vec());
        }
        let mut chunk = [0u8; 4096];
        let read =
            tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk)).await.expect("an answer within 5 s").expect("read");
        assert!(read > 0, "the server closed the connection before answering");
        buffer.extend_from_slice(&chunk[..read]);
    }
}

/// Everything up to the server's close of the connection.
async fn read_to_end(stream: &mut TcpStream) -> String {
    let mut all = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut all)).await.expect("the connection closes").expect("read");
    String::from_utf8_lossy(&all).into_owned()
}

#[tokio::test]
async fn a_hello_sent_together_with_the_handshake_is_read_and_a_ping_answered() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let (token, visitor_id) = widget_session(&app, &site_key).await;
    let mut stream = TcpStream::connect(app.address.trim_start_matches("http://")).await.expect("connect");
    // One write: the handshake, the hello right behind it, then a ping. The server reads them
    // together, and what follows the request must reach the socket, not be lost with the
    // HTTP server's buffer.
    let mut bytes = request(&app.address, "/ws", &format!("Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {KEY}\r\n")).into_bytes();
    bytes.extend(client_frame(0x1, json!({"type": "hello", "visitor_token": token}).to_string().as_bytes()));
    bytes.extend(client_frame(0x9, b"are you there"));
    stream.write_all(&bytes).await.expect("write");

    let (head, mut rest) = read_head(&mut stream).await;
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    assert!(head.to_ascii_lowercase().contains(&format!("sec-websocket-accept: {}", ACCEPT.to_ascii_lowercase())), "{head}");
    let mut frames = Vec::new();
    while frames.len() < 2 {
        frames.push(read_frame(&mut stream, &mut rest).await);
    }
    let welcome = frames.iter().find(|(opcode, _)| *opcode == 0x1).expect("a text frame");
    let welcome: Value = serde_json::from_slice(&welcome.1).expect("JSON");
    assert_eq!((welcome["type"].as_str(), welcome["visitor_id"].as_str()), (Some("welcome"), Some(visitor_id.as_str())));
    assert!(frames.contains(&(0xA, b"are you there".to_vec())), "the ping's pong carries its payload: {frames:?}");

    // A close from the client is answered with a close, and the connection ends.
    stream.write_all(&client_frame(0x8, &1000u16.to_be_bytes())).await.expect("write");
    let (opcode, payload) = read_frame(&mut stream, &mut rest).await;
    assert_eq!((opcode, payload.get(..2)), (0x8, Some(&1000u16.to_be_bytes()[..])));
    assert_eq!(read_to_end(&mut stream).await, "");
}

#[tokio::test]
async fn a_request_asking_for_an_upgrade_anywhere_else_gets_its_ordinary_answer() {
    let app = spawn_app().await;
    let host = app.address.trim_start_matches("http://").to_string();

    // A page: answered in full, body included, and the connection closes after it.
    let mut stream = TcpStream::connect(&host).await.expect("connect");
    stream.write_all(request(&app.address, "/healthz", "").as_bytes()).await.expect("write");
    let answer = read_to_end(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with(r#"{"status":"ok"}"#), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("connection: close"), "{answer}");

    // No such page.
    let mut stream = TcpStream::connect(&host).await.expect("connect");
    stream.write_all(request(&app.address, "/no-such-page", "").as_bytes()).await.expect("write");
    let answer = read_to_end(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");

    // The socket's address with a handshake that lacks its key: refused, and no socket.
    let mut stream = TcpStream::connect(&host).await.expect("connect");
    stream.write_all(request(&app.address, "/ws", "Sec-WebSocket-Version: 13\r\n").as_bytes()).await.expect("write");
    let answer = read_to_end(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert_eq!(app.state.realtime.hub.socket_count(), 0);

    // The same server still speaks plain HTTP.
    let health = reqwest::get(format!("{}/healthz", app.address)).await.expect("GET /healthz");
    assert_eq!(health.status(), 200);
}
