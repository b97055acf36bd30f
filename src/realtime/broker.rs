//! Fan-out between instances. A broker carries small wake-ups: ids, a short ephemeral frame, and
//! through NATS a copy of a short message without files; receivers load any other message from
//! Postgres. Brokers are treated as lossy: a socket that sees a gap in `seq` repairs it from
//! Postgres, and after a broker reconnect every socket catches up.
//!
//! Two implementations behind [`Broker`]: Postgres LISTEN/NOTIFY (the default: nothing extra to
//! run) and NATS (when `NATS_URL` is set).

use std::{sync::Arc, time::Duration};

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_postgres::types::Type;
use uuid::Uuid;

use crate::db::{ContactId, MessageId, UserId, WorkspaceId, tls::PgTarget};

pub const PG_CHANNEL: &str = "parlor_events";
pub const NATS_SUBJECT: &str = "parlor.events";
/// The largest envelope sent through Postgres: NOTIFY refuses 8,000 bytes or more.
pub const MAX_PAYLOAD: usize = 7_000;
/// The largest envelope sent through NATS, whose server refuses more than 1 MiB by default.
pub const MAX_NATS_PAYLOAD: usize = 1_000_000;

/// One thing another instance should know about.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(tag = "k")]
pub enum Wakeup {
    /// A committed message: deliver it to local sockets, from the copy `b` when it came along,
    /// else as loaded from Postgres. (Instances of earlier releases ignore `b` and load it.)
    #[serde(rename = "m")]
    Message {
        w: WorkspaceId,
        c: ContactId,
        m: MessageId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        b: Option<Arc<crate::conversations::Message>>,
    },
    /// A frame that is not stored (typing, read, presence): deliver as is.
    #[serde(rename = "f")]
    Frame { w: WorkspaceId, c: Option<ContactId>, a: bool, f: String },
    /// A member left the workspace: close their agent sockets. (Instances of the previous
    /// release send this; [`Wakeup::Revoked`] carries every kind of revocation.)
    #[serde(rename = "r")]
    Revoke { w: WorkspaceId, u: UserId },
    /// A credential or an access was revoked: close the sockets it opened.
    #[serde(rename = "x")]
    Revoked { r: super::revocation::Revocation },
    /// A frame for every visitor of a workspace (the team came online or went away).
    #[serde(rename = "v")]
    Visitors { w: WorkspaceId, f: String },
}

impl Wakeup {
    /// The same wake-up without a message's copy: what goes through Postgres. Its NOTIFY payloads
    /// hold 8,000 bytes, so copies would multiply the notifications, on the database the
    /// messages are written to, for the one read per envelope they save.
    fn without_copy(self) -> Self {
        match self {
            Self::Message { w, c, m, .. } => Self::Message { w, c, m, b: None },
            other => other,
        }
    }
}

/// What goes over the wire: wake-ups from one instance.
#[derive(Serialize, Deserialize, Debug)]
pub struct Envelope {
    /// The sending instance, which ignores its own envelopes.
    pub o: Uuid,
    pub e: Vec<Wakeup>,
    /// When it was published, in microseconds since the epoch: the broker lag metric. Absent
    /// from instances of earlier releases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<u64>,
}

fn now_micros() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_micros() as u64)
}

/// Packs wake-ups into as few envelopes as fit `max_payload` bytes. A message's copy that does
/// not fit is dropped and the message sent by id (the receiver loads it). Any other wake-up too
/// large for an envelope of its own is left out with a warning: the broker would refuse it, and
/// Postgres' refusal used to cost the whole connection (every socket then caught up from Postgres).
pub fn pack(origin: Uuid, wakeups: Vec<Wakeup>, max_payload: usize) -> Vec<String> {
    let mut payloads = Vec::new();
    let mut current: Vec<Wakeup> = Vec::new();
    let t = Some(now_micros());
    // The envelope around the wake-ups: origin, time, brackets.
    const ENVELOPE: usize = 90;
    let mut size = ENVELOPE;
    for mut wakeup in wakeups {
        let mut wakeup_size = serde_json::to_string(&wakeup).map(|s| s.len() + 1).unwrap_or(0);
        if ENVELOPE + wakeup_size > max_payload
            && let Wakeup::Message { b: copy @ Some(_), .. } = &mut wakeup
        {
            *copy = None;
            wakeup_size = serde_json::to_string(&wakeup).map(|s| s.len() + 1).unwrap_or(0);
        }
        if ENVELOPE + wakeup_size > max_payload {
            tracing::warn!(bytes = wakeup_size, max_payload, "a wake-up too large for the broker was not sent");
            continue;
        }
        if !current.is_empty() && size + wakeup_size > max_payload {
            payloads.extend(serde_json::to_string(&Envelope { o: origin, e: std::mem::take(&mut current), t }).ok());
            size = ENVELOPE;
        }
        size += wakeup_size;
        current.push(wakeup);
    }
    if !current.is_empty() {
        payloads.extend(serde_json::to_string(&Envelope { o: origin, e: current, t }).ok());
    }
    payloads
}

/// Receives what other instances publish.
pub trait Receiver: Send + Sync + 'static {
    fn receive(&self, envelope: Envelope);
    /// The broker connection was lost and is back: anything may have been missed.
    fn reconnected(&self);
}

/// Carries wake-ups to the other instances. `publish` never blocks.
pub trait Broker: Send + Sync {
    fn publish(&self, wakeups: Vec<Wakeup>);
    /// Whether a message's copy travels with its wake-up. Where it does not, the committing
    /// instance leaves the copy out rather than build one for the broker to drop.
    fn carries_copies(&self) -> bool;
}

fn decode(origin: Uuid, payload: &[u8]) -> Option<Envelope> {
    // Every instance hears its own notifications too: skip them before parsing.
    let own_prefix = format!(r#"{{"o":"{origin}""#);
    if payload.starts_with(own_prefix.as_bytes()) {
        return None;
    }
    match serde_json::from_slice::<Envelope>(payload) {
        Ok(envelope) if envelope.o != origin => {
            ::metrics::counter!(crate::ops::metrics::BROKER_RECEIVED).increment(1);
            if let Some(sent) = envelope.t {
                let lag = now_micros().saturating_sub(sent) as f64 / 1e6;
                ::metrics::histogram!(crate::ops::metrics::BROKER_LAG).record(lag);
            }
            Some(envelope)
        }
        Ok(_) => None,
        Err(error) => {
            tracing::warn!(%error, "ignoring an unreadable broker payload");
            None
        }
    }
}

/// Postgres LISTEN/NOTIFY on a connection of its own, never inside a message transaction; TLS
/// as `DATABASE_URL`'s `sslmode` asks ([`crate::db::tls`]).
pub struct PgBroker {
    outgoing: mpsc::UnboundedSender<Vec<Wakeup>>,
}

impl PgBroker {
    pub fn start(target: PgTarget, origin: Uuid, receiver: Arc<dyn Receiver>) -> Self {
        let (outgoing, mut queue) = mpsc::unbounded_channel::<Vec<Wakeup>>();
        tokio::spawn(async move {
            let mut first = true;
            loop {
                match Self::session(&target, origin, &receiver, &mut queue, &mut first).await {
                    Ok(()) => return,
                    Err(error) => tracing::warn!(error = %format_args!("{error:#}"), "Postgres broker connection lost; reconnecting"),
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        });
        Self { outgoing }
    }

    /// One connection's life: LISTEN, then forward both ways until it fails.
    async fn session(
        target: &PgTarget,
        origin: Uuid,
        receiver: &Arc<dyn Receiver>,
        queue: &mut mpsc::UnboundedReceiver<Vec<Wakeup>>,
        first: &mut bool,
    ) -> anyhow::Result<()> {
        let (client, mut connection) = target.connect().await?;
        let (notifications_tx, mut notifications) = mpsc::unbounded_channel();
        let driver = tokio::spawn(async move {
            let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
            while let Some(message) = messages.next().await {
                match message {
                    Ok(tokio_postgres::AsyncMessage::Notification(n)) => {
                        let _ = notifications_tx.send(n.payload().to_string());
                    }
                    Ok(_) => {}
                    Err(error) => return Err(error),
                }
            }
            Ok(())
        });
        // Wake-ups are lossy by design (receivers repair gaps from Postgres), so their NOTIFY
        // transactions need not wait for a WAL flush: each would otherwise cost an fsync of its
        // own beside the message batches' commits.
        client.batch_execute(&format!("SET synchronous_commit = off; LISTEN {PG_CHANNEL}")).await?;
        // Prepared once: a statement given as text is prepared anew on every call, a round trip
        // of its own before each NOTIFY.
        let notify = client.prepare_typed("SELECT pg_notify($1, $2)", &[Type::TEXT, Type::TEXT]).await?;
        if !std::mem::replace(first, false) {
            receiver.reconnected();
        }
        tracing::info!("listening for realtime events on Postgres");
        let result = loop {
            tokio::select! {
                payload = notifications.recv() => match payload {
                    Some(payload) => {
                        if let Some(envelope) = decode(origin, payload.as_bytes()) {
                            receiver.receive(envelope);
                        }
                    }
                    None => break Err(anyhow::anyhow!("the notification stream ended")),
                },
                wakeups = queue.recv() => {
                    let Some(mut wakeups) = wakeups else { return Ok(()) };
                    while let Ok(more) = queue.try_recv() {
                        wakeups.extend(more);
                    }
                    let wakeups = wakeups.into_iter().map(Wakeup::without_copy).collect();
                    // Sent together: the connection pipelines them, one round trip for all.
                    let (client, notify) = (&client, &notify);
                    let sends = pack(origin, wakeups, MAX_PAYLOAD).into_iter().map(|payload| async move {
                        ::metrics::counter!(crate::ops::metrics::BROKER_PUBLISHED).increment(1);
                        client.execute(notify, &[&PG_CHANNEL, &payload]).await
                    });
                    for sent in futures_util::future::join_all(sends).await {
                        match sent {
                            Ok(_) => {}
                            // Postgres answered and refused this one envelope (its wake-ups
                            // are lost with it, as wake-ups may be): the connection is sound.
                            Err(error) if error.as_db_error().is_some() => {
                                tracing::warn!(error = %format_args!("{error:#}"), "Postgres refused a wake-up; it was not sent");
                            }
                            Err(error) => {
                                driver.abort();
                                return Err(error.into());
                            }
                        }
                    }
                }
            }
        };
        driver.abort();
        result
    }
}

impl Broker for PgBroker {
    fn publish(&self, wakeups: Vec<Wakeup>) {
        let _ = self.outgoing.send(wakeups);
    }

    fn carries_copies(&self) -> bool {
        false
    }
}

/// NATS core pub/sub, for deployments that outgrow Postgres as a bus.
pub struct NatsBroker {
    outgoing: mpsc::UnboundedSender<Vec<Wakeup>>,
}

impl NatsBroker {
    pub async fn start(url: &str, origin: Uuid, receiver: Arc<dyn Receiver>) -> anyhow::Result<Self> {
        let reconnect_receiver = receiver.clone();
        let client = async_nats::ConnectOptions::new()
            .event_callback(move |event| {
                let receiver = reconnect_receiver.clone();
                async move {
                    if matches!(event, async_nats::Event::Connected) {
                        receiver.reconnected();
                    }
                }
            })
            .connect(url)
            .await?;
        let mut subscription = client.subscribe(NATS_SUBJECT).await?;
        tokio::spawn(async move {
            while let Some(message) = subscription.next().await {
                if let Some(envelope) = decode(origin, &message.payload) {
                    receiver.receive(envelope);
                }
            }
        });
        let (outgoing, mut queue) = mpsc::unbounded_channel::<Vec<Wakeup>>();
        tokio::spawn(async move {
            while let Some(mut wakeups) = queue.recv().await {
                while let Ok(more) = queue.try_recv() {
                    wakeups.extend(more);
                }
                for payload in pack(origin, wakeups, MAX_NATS_PAYLOAD) {
                    ::metrics::counter!(crate::ops::metrics::BROKER_PUBLISHED).increment(1);
                    if let Err(error) = client.publish(NATS_SUBJECT, payload.into()).await {
                        tracing::warn!(%error, "NATS publish failed; receivers will repair from Postgres");
                    }
                }
            }
        });
        tracing::info!("realtime events go through NATS");
        Ok(Self { outgoing })
    }
}

impl Broker for NatsBroker {
    fn publish(&self, wakeups: Vec<Wakeup>) {
        let _ = self.outgoing.send(wakeups);
    }

    fn carries_copies(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A wake-up too large for any envelope is left out; those around it are sent.
    #[test]
    fn a_wakeup_too_large_for_the_broker_is_left_out_alone() {
        let w = WorkspaceId::new();
        let frame = |f: String| Wakeup::Frame { w, c: None, a: true, f };
        let payloads =
            pack(Uuid::now_v7(), vec![frame("before".into()), frame("x".repeat(MAX_PAYLOAD)), frame("after".into())], MAX_PAYLOAD);
        assert_eq!(payloads.len(), 1, "the two small ones share an envelope");
        assert!(payloads[0].len() <= MAX_PAYLOAD);
        let envelope: Envelope = serde_json::from_str(&payloads[0]).expect("an envelope");
        let sent: Vec<String> = envelope
            .e
            .into_iter()
            .map(|e| match e {
                Wakeup::Frame { f, .. } => f,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(sent, ["before", "after"]);
    }

    /// Through Postgres a message goes by id alone; other wake-ups go as they are.
    #[test]
    fn wakeups_through_postgres_leave_the_copy_behind() {
        let (w, c, m) = (WorkspaceId::new(), ContactId::new(), MessageId::new());
        let copy = serde_json::from_value(serde_json::json!({
            "id": m, "workspace_id": w, "conversation_id": Uuid::now_v7(), "contact_id": c, "seq": 1,
            "client_id": Uuid::now_v7(), "author_kind": "visitor", "author_id": null, "author_name": null,
            "author_avatar_url": null, "body": "hello", "private": false, "created_at": "2026-12-03T07:00:00Z", "attachments": []
        }))
        .expect("a message");
        let stripped = Wakeup::Message { w, c, m, b: Some(Arc::new(copy)) }.without_copy();
        assert!(matches!(stripped, Wakeup::Message { b: None, m: id, .. } if id == m), "{stripped:?}");
        let frame = Wakeup::Frame { w, c: None, a: true, f: "typing".into() }.without_copy();
        assert!(matches!(frame, Wakeup::Frame { f, .. } if f == "typing"));
    }

    /// A message whose copy does not fit goes by id alone, in the same envelope as the others.
    #[test]
    fn a_message_copy_too_large_for_the_broker_is_dropped_and_the_message_sent_by_id() {
        let message = |body: String| crate::conversations::Message {
            id: MessageId::new(),
            workspace_id: WorkspaceId::new(),
            conversation_id: crate::db::ConversationId::new(),
            contact_id: ContactId::new(),
            seq: 1,
            client_id: Uuid::now_v7(),
            author_kind: crate::conversations::AuthorKind::Visitor,
            author_id: None,
            author_name: None,
            author_avatar_url: None,
            author_avatar: None,
            body,
            private: false,
            created_at: time::OffsetDateTime::now_utc(),
            attachments: Vec::new(),
            attachment_count: 0,
        };
        let wakeup =
            |m: crate::conversations::Message| Wakeup::Message { w: m.workspace_id, c: m.contact_id, m: m.id, b: Some(Arc::new(m)) };
        let (small, large) = (message("small".into()), message("\u{1}".repeat(MAX_PAYLOAD / 2)));
        let payloads = pack(Uuid::now_v7(), vec![wakeup(small.clone()), wakeup(large.clone())], MAX_PAYLOAD);
        assert_eq!(payloads.len(), 1);
        assert!(payloads[0].len() <= MAX_PAYLOAD);
        let envelope: Envelope = serde_json::from_str(&payloads[0]).expect("an envelope");
        let sent: Vec<(MessageId, Option<String>)> = envelope
            .e
            .into_iter()
            .map(|e| match e {
                Wakeup::Message { m, b, .. } => (m, b.map(|copy| copy.body.clone())),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(sent, [(small.id, Some("small".to_string())), (large.id, None)]);
    }
}
