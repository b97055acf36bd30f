//! The world around Parlor in the browser tests: websites on other origins than Parlor's that
//! embed the widget, and a network between the browser and Parlor that a test can cut.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, Ordering},
};

use actix_web::{App, HttpResponse, HttpServer, http::header::ContentType, web};
use tokio::net::TcpListener;

/// A website on another origin than Parlor's: answers every request with `html`.
pub async fn serve_site(html: String) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = format!("http://127.0.0.1:{}", listener.local_addr().expect("address").port());
    let server = HttpServer::new(move || {
        let html = html.clone();
        App::new().default_service(web::to(move || {
            let html = html.clone();
            async move { HttpResponse::Ok().content_type(ContentType::html()).body(html) }
        }))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .expect("listen")
    .run();
    tokio::spawn(server);
    address
}

/// A network between the browser and Parlor that a test can cut and mend: while cut, every
/// open connection is dropped and new ones are refused.
pub struct Network {
    pub address: String,
    up: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl Network {
    pub async fn to(target: &str) -> Network {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = format!("http://127.0.0.1:{}", listener.local_addr().expect("address").port());
        let target = target.trim_start_matches("http://").to_string();
        let up = Arc::new(AtomicBool::new(true));
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
