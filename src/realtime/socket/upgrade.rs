//! Connections whose request asks for an upgrade. The HTTP/1 server hands each one here with its
//! request and its TCP stream (actix-http's upgrade hook). The application answers the request
//! as it answers any other, through the same routes and middleware (metrics, tracing, the
//! origin and cookie checks of `GET /ws`). An accepted WebSocket handshake
//! ([`super::connect`]) turns the connection into a [`Socket`], in a task of its own; the HTTP
//! dispatcher and its buffers are gone from then on. Any other answer is written out as it is,
//! and the connection closes after it.

use std::{io, rc::Rc, sync::Arc};

use actix_codec::Framed;
use actix_http::{
    ConnectionType, Request, Response, StatusCode,
    body::{BodySize, BoxBody, MessageBody},
    h1,
};
use actix_service::{Service, ServiceFactory, fn_factory, fn_service};
use actix_web::dev::AppConfig;
use futures_util::SinkExt;
use tokio::net::TcpStream;

use super::transport::Socket;
use crate::{auth::CurrentUser, realtime::protocol::MAX_FRAME_BYTES, state::AppState};

/// What `GET /ws` decided, carried in its 101 answer to the socket's task.
pub struct PendingSocket {
    pub(super) state: Arc<AppState>,
    /// The signed-in member, when the page that opened the socket is Parlor's own.
    pub(super) agent: Option<CurrentUser>,
    /// The page's origin when it is not Parlor's: checked against the workspace's allowed
    /// domains once `hello` names the workspace.
    pub(super) foreign_origin: Option<String>,
}

/// The upgrade service of one HTTP server: `app` is the application's own service factory, made
/// once more for this purpose on each worker.
pub fn service<F, B>(
    app: F,
    config: AppConfig,
) -> impl ServiceFactory<(Request, Framed<TcpStream, h1::Codec>), Config = (), Response = (), Error = actix_web::Error, InitError = ()>
where
    F: ServiceFactory<Request, Config = AppConfig, Response = actix_web::dev::ServiceResponse<B>, Error = actix_web::Error, InitError = ()>
        + 'static,
    B: MessageBody + 'static,
{
    let app = Rc::new(app);
    fn_factory(move || {
        let making = app.new_service(config.clone());
        async move {
            let app = Rc::new(making.await?);
            Ok(fn_service(move |(request, framed)| answer(app.clone(), request, framed)))
        }
    })
}

/// Answers one request that asked for an upgrade.
async fn answer<S, B>(app: Rc<S>, request: Request, mut framed: Framed<TcpStream, h1::Codec>) -> Result<(), actix_web::Error>
where
    S: Service<Request, Response = actix_web::dev::ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody + 'static,
{
    let mut response: Response<BoxBody> = match app.call(request).await {
        Ok(response) => response.map_into_boxed_body().into(),
        Err(error) => error.error_response().into(),
    };
    let pending = response.extensions_mut().remove::<PendingSocket>();
    let (head, body) = response.into_parts();
    match pending {
        Some(pending) if head.status() == StatusCode::SWITCHING_PROTOCOLS => {
            framed.send(h1::Message::Item((head, BodySize::None))).await?;
            let parts = framed.into_parts();
            let (io, already_read) = (parts.io, parts.read_buf.to_vec());
            // A task of its own: the HTTP connection's task ends here, and with it everything
            // the server held for the connection.
            actix_web::rt::spawn(async move {
                let socket = Socket::accept(io, already_read, MAX_FRAME_BYTES).await;
                super::run(pending, socket).await;
            });
            Ok(())
        }
        _ => write_whole(framed, head, body).await,
    }
}

/// Writes an ordinary answer (an error, or a page asked for with an upgrade header); the
/// connection closes after it.
async fn write_whole(mut framed: Framed<TcpStream, h1::Codec>, mut head: Response<()>, body: BoxBody) -> Result<(), actix_web::Error> {
    head.head_mut().set_connection_type(ConnectionType::Close);
    let size = body.size();
    framed.send(h1::Message::Item((head, size))).await?;
    if size != BodySize::None {
        let mut body = std::pin::pin!(body);
        while let Some(chunk) = std::future::poll_fn(|cx| body.as_mut().poll_next(cx)).await {
            framed.feed(h1::Message::Chunk(Some(chunk.map_err(|error| io::Error::other(error.to_string()))?))).await?;
        }
        framed.send(h1::Message::Chunk(None)).await?;
    }
    Ok(())
}
