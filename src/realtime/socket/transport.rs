//! The WebSocket of one connection: tungstenite over the TCP stream that the HTTP/1 server hands
//! over once the upgrade is answered ([`super::upgrade`]).
//!
//! Why not the HTTP dispatcher's own streaming (actix-ws): the dispatcher keeps two 8 KiB
//! buffers for the life of the connection, more than everything else an idle socket holds. Here
//! an idle socket holds a 1 KiB read buffer and a write buffer the size of its largest burst
//! (docs/performance.md, "idle sockets").
//!
//! Frames are queued and written when the session loop flushes, before it waits for the next
//! event: a burst of deliveries is one write, and a frame never waits for a later one.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    WebSocketStream,
    tungstenite::{
        self, Message, Utf8Bytes,
        error::CapacityError,
        protocol::{CloseFrame, Role, WebSocketConfig},
    },
};

pub use tungstenite::protocol::frame::coding::CloseCode;

/// Bytes read from the network at a time. Client frames are small (a `send` is a few hundred
/// bytes); a larger one is read in several steps, up to its limit.
const READ_CHUNK: usize = 1024;
/// Queued frames are written once this many bytes wait, or at the next flush.
const WRITE_BATCH: usize = 4096;
/// A peer that takes nothing from its socket for this long is gone: its frames are not
/// allowed to hold the session loop (and its heartbeat) forever.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// After its close frame, how long a socket waits for the peer's, reading what is still on
/// the way: closing with unread data would reset the connection, and the peer could lose the
/// close frame and its code.
const LINGER: Duration = Duration::from_secs(1);

/// The longest close reason a close frame can carry (RFC 6455, 5.5).
const MAX_CLOSE_REASON: usize = 123;

/// A frame from the client. Pings are answered by tungstenite itself, with the next write.
pub enum Incoming {
    Text(Utf8Bytes),
    Binary,
    Ping,
    Pong,
    Close,
}

/// Why the next frame could not be read.
pub enum ReadError {
    /// A frame or message over the limit the socket was opened with.
    TooLarge,
    /// Not a valid WebSocket frame (unmasked, a bad opcode, text that is not UTF-8...).
    Invalid,
    /// The connection is gone.
    Gone,
}

/// The peer is gone, or takes nothing: no frame can be written any more.
#[derive(Debug)]
pub struct Gone;

pub struct Socket {
    ws: WebSocketStream<TcpStream>,
    unflushed: bool,
}

impl Socket {
    /// Speaks WebSocket on a connection whose upgrade has been answered. `already_read` holds
    /// what the client sent after its request, read along with it.
    pub async fn accept(io: TcpStream, already_read: Vec<u8>, max_message_bytes: usize) -> Self {
        let config = WebSocketConfig::default()
            .read_buffer_size(READ_CHUNK)
            .write_buffer_size(WRITE_BATCH)
            .max_frame_size(Some(max_message_bytes))
            .max_message_size(Some(max_message_bytes));
        let ws = WebSocketStream::from_partially_read(io, already_read, Role::Server, Some(config)).await;
        Self { ws, unflushed: false }
    }

    /// The next frame; `None` once the connection has ended.
    pub async fn next(&mut self) -> Option<Result<Incoming, ReadError>> {
        let message = match self.ws.next().await? {
            Ok(message) => message,
            Err(tungstenite::Error::Capacity(CapacityError::MessageTooLong { .. })) => return Some(Err(ReadError::TooLarge)),
            Err(tungstenite::Error::Protocol(_) | tungstenite::Error::Utf8(_) | tungstenite::Error::Capacity(_)) => {
                return Some(Err(ReadError::Invalid));
            }
            Err(_) => return Some(Err(ReadError::Gone)),
        };
        Some(Ok(match message {
            Message::Text(text) => Incoming::Text(text),
            Message::Binary(_) => Incoming::Binary,
            // A ping's pong is queued by tungstenite; it goes out with the next flush.
            Message::Ping(_) => {
                self.unflushed = true;
                Incoming::Ping
            }
            Message::Pong(_) => Incoming::Pong,
            Message::Close(_) | Message::Frame(_) => Incoming::Close,
        }))
    }

    /// Queues a text frame; it is written by the next [`Self::flush`] at the latest.
    pub async fn queue(&mut self, text: String) -> Result<(), Gone> {
        self.unflushed = true;
        write(self.ws.feed(Message::text(text))).await
    }

    pub async fn ping(&mut self) -> Result<(), Gone> {
        self.unflushed = true;
        write(self.ws.feed(Message::Ping(Default::default()))).await
    }

    /// Writes what is queued. Cheap when nothing is.
    pub async fn flush(&mut self) -> Result<(), Gone> {
        if !self.unflushed {
            return Ok(());
        }
        write(self.ws.flush()).await?;
        self.unflushed = false;
        Ok(())
    }

    /// Writes what is queued and the close frame (a normal close when `reason` is `None`).
    pub async fn send_close(&mut self, reason: Option<(CloseCode, String)>) {
        let (code, mut reason) = reason.unwrap_or((CloseCode::Normal, String::new()));
        // A control frame carries at most 125 bytes, two of them the code: a longer reason
        // would make the client fail the connection and lose the code.
        if reason.len() > MAX_CLOSE_REASON {
            let mut end = MAX_CLOSE_REASON;
            while !reason.is_char_boundary(end) {
                end -= 1;
            }
            reason.truncate(end);
        }
        let frame = CloseFrame { code, reason: Utf8Bytes::from(reason) };
        // Fails when the peer closed first: tungstenite has answered its close already.
        let _ = write(self.ws.send(Message::Close(Some(frame)))).await;
        self.unflushed = false;
    }

    /// Waits (at most [`LINGER`]) for the peer to answer the close frame, reading and dropping
    /// what it still sends.
    pub async fn linger(&mut self) {
        let deadline = tokio::time::Instant::now() + LINGER;
        while let Ok(Some(Ok(_))) = tokio::time::timeout_at(deadline, self.ws.next()).await {}
    }
}

async fn write(operation: impl Future<Output = Result<(), tungstenite::Error>>) -> Result<(), Gone> {
    match tokio::time::timeout(WRITE_TIMEOUT, operation).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) | Err(_) => Err(Gone),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A close frame with a reason too long for it: the reason is cut, on a character
    /// boundary, and the client still gets the code.
    #[tokio::test]
    async fn a_long_close_reason_is_cut_to_fit_its_frame() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let client = tokio::spawn(async move {
            let stream = TcpStream::connect(address).await.expect("connect");
            let mut ws = WebSocketStream::from_raw_socket(stream, Role::Client, None).await;
            match ws.next().await {
                Some(Ok(Message::Close(Some(frame)))) => (frame.code, frame.reason.to_string()),
                other => panic!("expected a close frame, got {other:?}"),
            }
        });
        let (stream, _) = listener.accept().await.expect("accept");
        let mut socket = Socket::accept(stream, Vec::new(), 1024).await;
        socket.send_close(Some((CloseCode::Policy, "é".repeat(100)))).await;
        let (code, reason) = client.await.expect("client");
        assert_eq!(code, CloseCode::Policy);
        assert_eq!(reason, "é".repeat(61), "cut at 122 bytes, the last whole character within 123");
    }
}
