//! Resume and catch-up: what a socket lacks is read from Postgres, after it joined the hub, and
//! `seq` drops the overlap with what arrives live; a gap in `seq` is fetched before delivery.
//!
//! Tenant rule: every range is read within the socket's workspace and audience.

use super::{Closing, Connection, Identity, Step, close, revoked, transport::CloseCode};

use crate::realtime::hub::Delivery;
use crate::{
    conversations::{Message, batched_reads::MissedRange, messages_after},
    db::{self, ConversationId},
};

/// Messages read per query when a socket catches up.
pub(super) const REPLAY_PAGE: i64 = 500;

/// How far before the last delivered message a catch-up looks: a message is stamped before its
/// batch commits, so one committed just after may carry a slightly older time.
const CATCH_UP_MARGIN: time::Duration = time::Duration::seconds(5);

impl Connection {
    /// Sends messages of a conversation after `after` (up to `up_to`), in order, and remembers
    /// the last seq. Returns how many were sent.
    async fn send_range(&mut self, conversation_id: ConversationId, after: i64, up_to: Option<i64>) -> Result<usize, Closing> {
        let (workspace_id, audience) = (self.identity.workspace_id(), self.identity.audience());
        let mut cursor = after;
        let mut sent = 0;
        loop {
            let page = db::run(&self.state.pool, move |conn| {
                messages_after(conn, workspace_id, audience, conversation_id, cursor, up_to, REPLAY_PAGE)
            })
            .await
            .map_err(|_| close(CloseCode::Error, "database unavailable"))?;
            let full = page.len() as i64 == REPLAY_PAGE;
            sent += page.len();
            cursor = self.send_page(conversation_id, page, cursor, up_to).await?;
            if !full {
                return Ok(sent);
            }
        }
    }

    /// Sends one page of a conversation's messages read after `cursor`, and remembers the last
    /// seq; returns where the next page starts.
    async fn send_page(
        &mut self,
        conversation_id: ConversationId,
        mut page: Vec<Message>,
        mut cursor: i64,
        up_to: Option<i64>,
    ) -> Result<i64, Closing> {
        self.state.files.links.sign_messages(&mut page);
        for message in page {
            cursor = message.seq;
            self.text(crate::realtime::protocol::message_frame(&message)).await?;
        }
        if let Some(limit) = up_to {
            cursor = cursor.max(limit);
        }
        self.seen.insert(conversation_id, cursor.max(self.seen.get(&conversation_id).copied().unwrap_or(0)));
        Ok(cursor)
    }

    /// Resumes conversations the socket is known to own (a visitor's welcome lists them): their
    /// first pages are read together with other sockets' (see [`super::reads`]), the rest, if
    /// any, page by page. Read after the socket joined the hub, like [`Self::replay`].
    pub(super) async fn replay_owned(&mut self, ranges: Vec<(ConversationId, i64)>) -> Step {
        if ranges.is_empty() {
            return Ok(());
        }
        let (workspace_id, audience) = (self.identity.workspace_id(), self.identity.audience());
        let ranges: Vec<(ConversationId, i64)> =
            ranges.into_iter().map(|(conversation_id, after)| (conversation_id, after.max(0))).collect();
        for &(conversation_id, after) in &ranges {
            self.seen.insert(conversation_id, after);
        }
        let missed =
            ranges.iter().map(|&(conversation_id, after)| MissedRange { workspace_id, audience, conversation_id, after }).collect();
        let pages = self.state.realtime.reads.missed(missed).await.map_err(|_| close(CloseCode::Error, "database unavailable"))?;
        for ((conversation_id, after), page) in ranges.into_iter().zip(pages) {
            let full = page.len() as i64 == REPLAY_PAGE;
            let cursor = self.send_page(conversation_id, page, after, None).await?;
            if full {
                self.send_range(conversation_id, cursor, None).await?;
            }
        }
        Ok(())
    }

    /// Sends what a resuming client lacks, read after the socket joined the hub: a message
    /// committed in between is either replayed here or delivered live, and `seen` drops the
    /// overlap. Ownership comes from the visitor's welcome list when it is there.
    pub(super) async fn replay(&mut self, conversation_id: ConversationId, last_seq: i64) -> Step {
        if !self.known.contains_key(&conversation_id) && self.contact_of(conversation_id).await?.is_none() {
            return self.not_found(conversation_id).await;
        }
        let last_seq = last_seq.max(0);
        self.seen.insert(conversation_id, last_seq);
        self.send_range(conversation_id, last_seq, None).await?;
        Ok(())
    }

    pub(super) async fn deliver(&mut self, delivery: Delivery) -> Step {
        match delivery {
            Delivery::Message(message, frame) => self.deliver_message(&message, &frame).await,
            Delivery::Frame(frame) => self.text(frame.to_string()).await,
            Delivery::Resync => self.resync().await,
            Delivery::Revoked(reason) => Err(revoked(reason)),
            // Handled by the session loop, which has the acks under way.
            Delivery::Restart => Ok(()),
        }
    }

    async fn deliver_message(&mut self, message: &Message, frame: &str) -> Step {
        let conversation_id = message.conversation_id;
        self.known.insert(conversation_id, message.contact_id);
        match self.seen.get(&conversation_id).copied() {
            Some(last) if message.seq <= last => return Ok(()),
            Some(last) if message.seq > last + 1 => {
                // A wake-up was lost (or an internal note skipped): fetch the gap first.
                self.send_range(conversation_id, last, Some(message.seq - 1)).await?;
            }
            _ => {}
        }
        self.text(frame.to_string()).await?;
        self.seen.insert(conversation_id, message.seq);
        self.last_delivered_at = Some(self.last_delivered_at.map_or(message.created_at, |at| at.max(message.created_at)));
        Ok(())
    }

    /// Catches up every conversation this socket has seen, from Postgres.
    pub(super) async fn resync(&mut self) -> Step {
        tracing::debug!(conversations = self.seen.len(), "socket fell behind; catching up from Postgres");
        if matches!(self.identity, Identity::Agent { .. }) {
            return self.catch_up_workspace().await;
        }
        let seen: Vec<(ConversationId, i64)> = self.seen.iter().map(|(c, s)| (*c, *s)).collect();
        for (conversation_id, last) in seen {
            self.send_range(conversation_id, last, None).await?;
        }
        Ok(())
    }

    /// An agent follows a whole workspace: one query for everything created since the last
    /// message it was sent (with a margin for commits still in flight), then the usual
    /// de-duplication and gap repair per conversation.
    async fn catch_up_workspace(&mut self) -> Step {
        const PAGE: i64 = 2_000;
        let workspace_id = self.identity.workspace_id();
        let mut since = self.last_delivered_at.unwrap_or(self.connected_at) - CATCH_UP_MARGIN;
        loop {
            let from = since;
            let page = db::run(&self.state.pool, move |conn| crate::conversations::messages_since(conn, workspace_id, from, PAGE))
                .await
                .map_err(|_| close(CloseCode::Error, "database unavailable"))?;
            let full = page.len() as i64 == PAGE;
            let mut page = page;
            self.state.files.links.sign_messages(&mut page);
            for message in page {
                since = since.max(message.created_at);
                let frame = crate::realtime::protocol::message_frame(&message);
                self.deliver_message(&message, &frame).await?;
            }
            if !full {
                return Ok(());
            }
        }
    }
}
