//! Visitors' presence for agents, coalesced. A visitor's first socket opening and last socket
//! closing are noted here; every [`FLUSH_EVERY`] each workspace with changes gets one
//! `visitor_presence` frame listing who came and who went, net of changes that cancel out: a
//! visitor who drops and comes back within the interval is not announced at all.
//!
//! Why: one frame per visitor and agent socket made a reconnect storm quadratic. 15,000
//! visitors coming back to a workspace with 40 agent sockets were 1.2 million frames in a few
//! seconds, which filled the agents' queues (so they caught up from Postgres) and held up the
//! agents' own replies. Now the same storm is a few frames per agent socket.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use super::{
    broker::Broker,
    hub::{Hub, Recipients},
    protocol::ServerFrame,
};
use crate::db::{ContactId, WorkspaceId};

/// How often pending changes go out: the delay an agent sees before a visitor's dot turns.
pub const FLUSH_EVERY: Duration = Duration::from_millis(500);
/// Ids in one frame, online and offline together; more changes make more frames. A frame
/// crosses to the other instances whole, and through the Postgres broker it must fit one NOTIFY
/// payload ([`super::broker::MAX_PAYLOAD`]): 150 ids are about 5.9 KB with their envelope.
pub const MAX_IDS_PER_FRAME: usize = 150;

/// Changes not yet announced: per workspace, each visitor's latest status (`true`: online).
#[derive(Default)]
pub struct VisitorPresence {
    pending: Mutex<HashMap<WorkspaceId, HashMap<ContactId, bool>>>,
}

impl VisitorPresence {
    /// Notes that a visitor came online (their first socket here opened) or went offline (their
    /// last one closed). The opposite of a change still pending cancels it: agents were told the
    /// status before that change, which is the status now.
    pub fn note(&self, workspace_id: WorkspaceId, contact_id: ContactId, online: bool) {
        let mut pending = self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let changes = pending.entry(workspace_id).or_default();
        match changes.get(&contact_id) {
            Some(&before) if before != online => {
                changes.remove(&contact_id);
                if changes.is_empty() {
                    pending.remove(&workspace_id);
                }
            }
            _ => {
                changes.insert(contact_id, online);
            }
        }
    }

    /// Takes every pending change as `visitor_presence` frames, one per workspace (more when a
    /// workspace has more than [`MAX_IDS_PER_FRAME`] changes).
    pub fn take_frames(&self) -> Vec<(WorkspaceId, String)> {
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        let mut frames = Vec::with_capacity(pending.len());
        for (workspace_id, changes) in pending {
            let changes: Vec<(ContactId, bool)> = changes.into_iter().collect();
            for chunk in changes.chunks(MAX_IDS_PER_FRAME) {
                let (mut online, mut offline) = (Vec::new(), Vec::new());
                for &(contact_id, is_online) in chunk {
                    if is_online { online.push(contact_id.0) } else { offline.push(contact_id.0) }
                }
                frames.push((workspace_id, ServerFrame::VisitorPresence { online: &online, offline: &offline }.to_json()));
            }
        }
        frames
    }

    /// Announces what is pending every [`FLUSH_EVERY`], here and on the other instances.
    pub fn spawn_flusher(self: &Arc<Self>, hub: Arc<Hub>, broker: Arc<dyn Broker>) {
        let presence = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(FLUSH_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                // The instance's realtime machinery is gone (a test's app dropped): stop.
                let Some(presence) = presence.upgrade() else { return };
                presence.flush(&hub, broker.as_ref());
            }
        });
    }

    /// Announces what is pending now: by the flusher, and once more when the instance drains.
    pub fn flush(&self, hub: &Hub, broker: &dyn Broker) {
        let frames: Vec<(Recipients, String)> = self
            .take_frames()
            .into_iter()
            .map(|(workspace_id, frame)| (Recipients { workspace_id, agents: true, contact: None, except: None }, frame))
            .collect();
        if !frames.is_empty() {
            super::broadcast_frames(hub, broker, frames);
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::super::broker;
    use super::*;

    fn frames_of(presence: &VisitorPresence) -> Vec<(WorkspaceId, serde_json::Value)> {
        presence.take_frames().into_iter().map(|(w, f)| (w, serde_json::from_str(&f).expect("json"))).collect()
    }

    #[test]
    fn changes_of_one_interval_make_one_frame_per_workspace() {
        let presence = VisitorPresence::default();
        let (w1, w2) = (WorkspaceId::new(), WorkspaceId::new());
        let (a, b, c) = (ContactId(Uuid::now_v7()), ContactId(Uuid::now_v7()), ContactId(Uuid::now_v7()));
        presence.note(w1, a, true);
        presence.note(w1, b, false);
        presence.note(w2, c, true);
        let mut frames = frames_of(&presence);
        frames.sort_by_key(|(w, _)| (*w != w1) as u8);
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0].0, w1);
        assert_eq!(frames[0].1, serde_json::json!({"type": "visitor_presence", "online": [a.0], "offline": [b.0]}));
        assert_eq!(frames[1].1, serde_json::json!({"type": "visitor_presence", "online": [c.0], "offline": []}));
        assert!(presence.take_frames().is_empty(), "taken once");
    }

    #[test]
    fn a_drop_and_return_within_the_interval_is_not_announced() {
        let presence = VisitorPresence::default();
        let w = WorkspaceId::new();
        let (a, b) = (ContactId(Uuid::now_v7()), ContactId(Uuid::now_v7()));
        presence.note(w, a, false);
        presence.note(w, a, true);
        assert!(presence.take_frames().is_empty(), "offline then online again cancels out");
        presence.note(w, b, true);
        presence.note(w, b, false);
        presence.note(w, b, true);
        assert_eq!(frames_of(&presence), vec![(w, serde_json::json!({"type": "visitor_presence", "online": [b.0], "offline": []}))]);
    }

    #[test]
    fn a_storm_is_split_into_bounded_frames() {
        let presence = VisitorPresence::default();
        let w = WorkspaceId::new();
        let visitors: Vec<ContactId> = (0..2_500).map(|_| ContactId(Uuid::now_v7())).collect();
        for v in &visitors {
            presence.note(w, *v, false);
        }
        let frames = frames_of(&presence);
        assert_eq!(frames.len(), 2_500usize.div_ceil(MAX_IDS_PER_FRAME));
        let mut announced: Vec<Uuid> = Vec::new();
        for (_, frame) in &frames {
            let offline = frame["offline"].as_array().expect("offline");
            assert!(offline.len() <= MAX_IDS_PER_FRAME);
            assert!(frame["online"].as_array().expect("online").is_empty());
            announced.extend(offline.iter().map(|id| id.as_str().expect("id").parse::<Uuid>().expect("uuid")));
        }
        announced.sort();
        let mut expected: Vec<Uuid> = visitors.iter().map(|v| v.0).collect();
        expected.sort();
        assert_eq!(announced, expected, "every visitor once");
    }

    /// Each frame of a storm fits one Postgres NOTIFY payload in its envelope, with every
    /// visitor online and offline mixed (the largest frames): Postgres refuses 8,000 bytes or
    /// more, and the broker then drops the frame.
    #[test]
    fn every_frame_of_a_storm_fits_the_postgres_broker() {
        let presence = VisitorPresence::default();
        let w = WorkspaceId::new();
        for n in 0..1_000 {
            presence.note(w, ContactId(Uuid::now_v7()), n % 2 == 0);
        }
        let taken = presence.take_frames();
        assert_eq!(taken.len(), 1_000usize.div_ceil(MAX_IDS_PER_FRAME));
        for (workspace, frame) in taken {
            let wakeup = broker::Wakeup::Frame { w: workspace, c: None, a: true, f: frame };
            let payloads = broker::pack(Uuid::now_v7(), vec![wakeup], broker::MAX_PAYLOAD);
            assert_eq!(payloads.len(), 1, "the frame is sent, not dropped as too large");
            assert!(payloads[0].len() < 8_000, "{} bytes", payloads[0].len());
        }
    }
}
