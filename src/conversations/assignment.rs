//! Auto-assignment: giving waiting conversations to available members, round-robin, within
//! each member's limit of open conversations (the setting is
//! [`crate::workspaces::assignment`]).
//!
//! - A conversation waits when it is open and nobody is assigned. A member is available when
//!   their inbox is open (`memberships.online_until` in the future) and they are not away.
//! - Round-robin: the available member whose last automatic assignment is oldest goes next
//!   (ties: fewer open conversations, then who joined first); a member at the limit is skipped.
//!   The oldest waiting conversations go first.
//! - A conversation the visitor reopens while its assignee is unavailable goes to someone
//!   available, or back to waiting when nobody can take it.
//!
//! When: nothing here runs on the message writer's path. The writer (after its commit), the
//! actions, sockets coming online and members turning available only *kick* a workspace
//! ([`Kicks`]): a message on an in-process channel that one task of this instance drains,
//! several kicks of a workspace at once. The job worker's round calls [`sweep`], so that a
//! kick lost with a crashed instance delays a conversation by one round, no more.
//!
//! Every assignment goes through [`crate::conversations::actions`] (audit record as Parlor,
//! webhook event, then the `conversation` frame). One workspace is assigned by one
//! transaction at a time, on every instance: the transaction first takes an advisory lock
//! on the workspace, so limits are counted under it and no conversation is given twice; the
//! waiting conversations are locked `SKIP LOCKED`, so one being changed by someone else is
//! left to the next kick.
//!
//! Tenant rule: each run takes one `WorkspaceId` (from a kick, itself from a stored row or an
//! authenticated caller, or from the sweep's read of the `workspaces` table) and reads and
//! changes that workspace's memberships and conversations only.

use std::collections::HashMap;

use actix_web::web;
use diesel::{
    prelude::*,
    sql_types::{Array, BigInt, Nullable, Timestamptz, Uuid as SqlUuid},
};
use time::OffsetDateTime;
use tokio::sync::mpsc;

use crate::{
    conversations::{Conversation, Stored, actions},
    db::{self, ConversationId, UserId, WorkspaceId},
    error::AppError,
    state::AppState,
    workspaces::{
        assignment::{AssignmentSettings, Mode},
        audit::Actor,
    },
};

/// Waiting conversations looked at per run; more wait for the next kick or sweep.
const RUN_MAX: i64 = 500;
/// Workspaces the sweep catches up per round.
const SWEEP_MAX: i64 = 200;

/// Something that may let a workspace's waiting conversations be assigned.
#[derive(Clone, Copy, Debug)]
struct Kick {
    workspace_id: WorkspaceId,
    /// A conversation the visitor reopened: reassigned if its assignee is unavailable.
    reopened: Option<ConversationId>,
}

/// The sending end of this instance's kicks; cheap to clone and never blocks.
#[derive(Clone)]
pub struct Kicks(mpsc::UnboundedSender<Kick>);

/// The receiving end, handed to [`start`].
pub struct Kicked(mpsc::UnboundedReceiver<Kick>);

impl Kicks {
    pub fn new() -> (Self, Kicked) {
        let (sender, receiver) = mpsc::unbounded_channel();
        (Self(sender), Kicked(receiver))
    }

    /// The workspace may have a waiting conversation and an available member.
    pub fn workspace(&self, workspace_id: WorkspaceId) {
        let _ = self.0.send(Kick { workspace_id, reopened: None });
    }

    /// Called by the message writer after a commit: new conversations wait for someone, and a
    /// reopened one may need another assignee. A send on an unbounded channel: the writer
    /// never waits for it.
    pub fn after_messages(&self, stored: &[Stored]) {
        for s in stored {
            let workspace_id = s.message.workspace_id;
            if s.new_conversation {
                let _ = self.0.send(Kick { workspace_id, reopened: None });
            } else if s.reopened {
                let _ = self.0.send(Kick { workspace_id, reopened: Some(s.message.conversation_id) });
            }
        }
    }
}

/// Runs this instance's kicks as they come: whatever queued meanwhile is taken together,
/// one run per workspace.
pub fn start(state: web::Data<AppState>, kicked: Kicked) {
    let Kicked(mut receiver) = kicked;
    tokio::spawn(async move {
        while let Some(first) = receiver.recv().await {
            let mut due: HashMap<WorkspaceId, Vec<ConversationId>> = HashMap::new();
            let mut take = |kick: Kick| {
                let reopened = due.entry(kick.workspace_id).or_default();
                reopened.extend(kick.reopened);
            };
            take(first);
            while let Ok(kick) = receiver.try_recv() {
                take(kick);
            }
            for (workspace_id, reopened) in due {
                if let Err(error) = assign_waiting(&state, workspace_id, reopened).await {
                    tracing::warn!(error = ?error, workspace.id = %workspace_id, "auto-assignment failed; the sweep retries");
                }
            }
        }
    });
}

/// Catches up every workspace with round-robin on where a conversation waits while a member
/// is available: the net under lost kicks. Returns how many conversations it assigned.
pub async fn sweep(state: &AppState) -> Result<usize, AppError> {
    #[derive(QueryableByName)]
    struct Due {
        #[diesel(sql_type = SqlUuid)]
        id: WorkspaceId,
    }
    let due: Vec<Due> = db::run(&state.pool, |conn| {
        Ok(diesel::sql_query(
            "SELECT w.id FROM workspaces w
             WHERE w.auto_assignment = 'round_robin'
               AND EXISTS (SELECT 1 FROM conversations c
                           WHERE c.workspace_id = w.id AND c.assignee_id IS NULL AND c.status = 'open')
               AND EXISTS (SELECT 1 FROM memberships m
                           WHERE m.workspace_id = w.id AND m.online_until > now() AND NOT m.away)
             LIMIT $1",
        )
        .bind::<BigInt, _>(SWEEP_MAX)
        .load(conn)?)
    })
    .await?;
    let mut assigned = 0;
    for workspace in due {
        assigned += assign_waiting(state, workspace.id, Vec::new()).await?;
    }
    Ok(assigned)
}

/// Assigns the workspace's waiting conversations, and reassigns those of `reopened` whose
/// assignee is unavailable, in one transaction; then tells the agents. Returns how many
/// conversations changed hands.
pub async fn assign_waiting(state: &AppState, workspace_id: WorkspaceId, reopened: Vec<ConversationId>) -> Result<usize, AppError> {
    let changed = db::run(&state.pool, move |conn| conn.build_transaction().run(|conn| run(conn, workspace_id, &reopened))).await?;
    for conversation in &changed {
        actions::announce_change(&state.realtime, conversation);
    }
    Ok(changed.len())
}

/// An available member and where they stand.
#[derive(QueryableByName, Debug)]
struct Candidate {
    #[diesel(sql_type = SqlUuid)]
    user_id: UserId,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    last_assigned_at: Option<OffsetDateTime>,
    #[diesel(sql_type = BigInt)]
    open: i64,
}

/// Available members, in the order they joined: the last tie-break.
const AVAILABLE: &str = "\
SELECT m.user_id, m.last_assigned_at,
       (SELECT count(*) FROM conversations c
        WHERE c.workspace_id = m.workspace_id AND c.assignee_id = m.user_id AND c.status = 'open') AS open
FROM memberships m
WHERE m.workspace_id = $1 AND m.online_until > now() AND NOT m.away
ORDER BY m.created_at, m.user_id";

#[derive(QueryableByName)]
struct Held {
    #[diesel(sql_type = SqlUuid)]
    id: ConversationId,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    assignee_id: Option<UserId>,
}

/// The member whose turn it is, among those under `limit`.
fn next_in_turn(candidates: &[Candidate], limit: i64) -> Option<usize> {
    candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| c.open < limit)
        .min_by_key(|(index, c)| (c.last_assigned_at, c.open, *index))
        .map(|(index, _)| index)
}

/// The advisory lock key of a workspace's assigning: its id folded to 64 bits, tagged so that
/// it cannot meet another use of advisory locks on the same id.
fn lock_key(workspace_id: WorkspaceId) -> i64 {
    let (high, low) = workspace_id.as_uuid().as_u64_pair();
    (high ^ low ^ 0x6173_7369_676e_0001) as i64
}

/// One run's choices so far.
struct Turns {
    workspace_id: WorkspaceId,
    candidates: Vec<Candidate>,
    limit: i64,
    parlor: Actor,
    clock: OffsetDateTime,
    changed: Vec<Conversation>,
}

impl Turns {
    /// Gives the conversation to the member whose turn it is; false when everyone is full.
    fn give(&mut self, conn: &mut PgConnection, id: ConversationId) -> Result<bool, AppError> {
        let Some(index) = next_in_turn(&self.candidates, self.limit) else { return Ok(false) };
        let chosen = &mut self.candidates[index];
        self.changed.push(actions::assign_in_transaction(conn, self.workspace_id, &self.parlor, id, Some(chosen.user_id))?);
        // A microsecond apart (what Postgres keeps), so that the turn order holds within a run.
        self.clock += time::Duration::microseconds(1);
        chosen.last_assigned_at = Some(self.clock);
        chosen.open += 1;
        Ok(true)
    }

    /// Puts the conversation back among the waiting.
    fn release(&mut self, conn: &mut PgConnection, id: ConversationId) -> Result<(), AppError> {
        self.changed.push(actions::assign_in_transaction(conn, self.workspace_id, &self.parlor, id, None)?);
        Ok(())
    }

    fn is_available(&self, user: Option<UserId>) -> bool {
        self.candidates.iter().any(|c| Some(c.user_id) == user)
    }

    /// Open conversations the available members may still be given.
    fn room(&self) -> i64 {
        self.candidates.iter().map(|c| (self.limit - c.open).max(0)).sum()
    }
}

fn run(conn: &mut PgConnection, workspace_id: WorkspaceId, reopened: &[ConversationId]) -> Result<Vec<Conversation>, AppError> {
    let settings = AssignmentSettings::load(conn, workspace_id)?;
    if settings.mode == Mode::Off {
        return Ok(Vec::new());
    }
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)").bind::<BigInt, _>(lock_key(workspace_id)).execute(conn)?;
    let candidates: Vec<Candidate> = diesel::sql_query(AVAILABLE).bind::<SqlUuid, _>(workspace_id).load(conn)?;
    let mut turns = Turns {
        workspace_id,
        candidates,
        limit: i64::from(settings.limit),
        parlor: Actor::parlor(),
        clock: OffsetDateTime::now_utc(),
        changed: Vec::new(),
    };

    if !reopened.is_empty() {
        let ids: Vec<uuid::Uuid> = reopened.iter().map(|c| c.0).collect();
        let held: Vec<Held> = diesel::sql_query(
            "SELECT id, assignee_id FROM conversations
             WHERE workspace_id = $1 AND id = ANY($2) AND status = 'open' AND assignee_id IS NOT NULL
             ORDER BY created_at, id
             FOR UPDATE SKIP LOCKED",
        )
        .bind::<SqlUuid, _>(workspace_id)
        .bind::<Array<SqlUuid>, _>(&ids)
        .load(conn)?;
        for conversation in held {
            if turns.is_available(conversation.assignee_id) {
                continue;
            }
            if !turns.give(conn, conversation.id)? {
                // Nobody can take it now: it waits with the others for the next one available.
                turns.release(conn, conversation.id)?;
            }
        }
    }

    let room = turns.room();
    if room > 0 {
        let waiting: Vec<Held> = diesel::sql_query(
            "SELECT id, assignee_id FROM conversations
             WHERE workspace_id = $1 AND assignee_id IS NULL AND status = 'open'
             ORDER BY created_at, id
             LIMIT $2
             FOR UPDATE SKIP LOCKED",
        )
        .bind::<SqlUuid, _>(workspace_id)
        .bind::<BigInt, _>(room.min(RUN_MAX))
        .load(conn)?;
        for conversation in waiting {
            if !turns.give(conn, conversation.id)? {
                break;
            }
        }
    }

    for candidate in &turns.candidates {
        if let Some(at) = candidate.last_assigned_at {
            diesel::sql_query(
                "UPDATE memberships SET last_assigned_at = $3
                 WHERE workspace_id = $1 AND user_id = $2 AND last_assigned_at IS DISTINCT FROM $3",
            )
            .bind::<SqlUuid, _>(workspace_id)
            .bind::<SqlUuid, _>(candidate.user_id)
            .bind::<Timestamptz, _>(at)
            .execute(conn)?;
        }
    }
    Ok(turns.changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(last: Option<i64>, open: i64) -> Candidate {
        Candidate { user_id: UserId::new(), last_assigned_at: last.map(|s| OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(s)), open }
    }

    #[test]
    fn the_turn_goes_to_the_longest_unassigned_then_the_least_busy_then_who_joined_first() {
        assert_eq!(next_in_turn(&[member(Some(5), 0), member(None, 3), member(None, 3)], 10), Some(1));
        assert_eq!(next_in_turn(&[member(Some(5), 2), member(Some(5), 1)], 10), Some(1));
        assert_eq!(next_in_turn(&[member(Some(9), 0), member(Some(2), 0), member(Some(4), 0)], 10), Some(1));
    }

    #[test]
    fn members_at_the_limit_are_skipped_and_nobody_may_be_next() {
        assert_eq!(next_in_turn(&[member(None, 2), member(Some(7), 1)], 2), Some(1));
        assert_eq!(next_in_turn(&[member(None, 2), member(Some(7), 2)], 2), None);
        assert_eq!(next_in_turn(&[], 2), None);
    }
}
