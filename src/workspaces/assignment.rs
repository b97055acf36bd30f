//! A workspace's auto-assignment setting: off, or round-robin among the members who are online
//! and not away, each holding at most a limit of open conversations. The assigning itself is
//! [`crate::conversations::assignment`].
//!
//! Tenant rule: read and written only for the `WorkspaceId` of an authenticated admin, or of the
//! row of the conversation being assigned.

use diesel::prelude::*;

use crate::{
    db::{WorkspaceId, schema::workspaces},
    error::AppError,
};

/// The fewest and most open conversations one member may be given automatically.
pub const LIMIT_MIN: i32 = 1;
pub const LIMIT_MAX: i32 = 100;
pub const LIMIT_DEFAULT: i32 = 10;

/// How new and reopened conversations find an assignee.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Agents pick conversations themselves.
    Off,
    /// Each goes to the available member whose turn it is.
    RoundRobin,
}

impl Mode {
    pub const ALL: [Self; 2] = [Self::Off, Self::RoundRobin];

    /// As stored (the column's CHECK lists these words) and as the form sends it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::RoundRobin => "round_robin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Off => "Off: agents pick conversations themselves",
            Self::RoundRobin => "Round-robin among available agents",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|mode| mode.as_str() == value)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AssignmentSettings {
    pub mode: Mode,
    /// Open conversations a member holds before they are skipped.
    pub limit: i32,
}

impl Default for AssignmentSettings {
    fn default() -> Self {
        Self { mode: Mode::Off, limit: LIMIT_DEFAULT }
    }
}

impl AssignmentSettings {
    pub fn load(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<Self, AppError> {
        let (mode, limit): (String, i32) =
            workspaces::table.find(workspace_id).select((workspaces::auto_assignment, workspaces::assignment_limit)).first(conn)?;
        // The column's CHECK admits only the words of `Mode`.
        let mode = Mode::parse(&mode).ok_or_else(|| AppError::internal(anyhow::anyhow!("unknown auto_assignment {mode}")))?;
        Ok(Self { mode, limit })
    }

    pub fn save(&self, conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<(), AppError> {
        diesel::update(workspaces::table.find(workspace_id))
            .set((
                workspaces::auto_assignment.eq(self.mode.as_str()),
                workspaces::assignment_limit.eq(self.limit),
                workspaces::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// What the audit log says was saved.
    pub fn describe(&self) -> String {
        match self.mode {
            Mode::Off => "auto-assignment off".into(),
            Mode::RoundRobin => format!("round-robin, at most {} open conversations per agent", self.limit),
        }
    }
}

/// Reads the limit typed into the form; the message is shown beside the field.
pub fn parse_limit(raw: &str) -> Result<i32, String> {
    match raw.trim().parse::<i32>() {
        Ok(limit) if (LIMIT_MIN..=LIMIT_MAX).contains(&limit) => Ok(limit),
        _ => Err(format!("Enter a whole number from {LIMIT_MIN} to {LIMIT_MAX}.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_read_back_from_their_words() {
        for mode in Mode::ALL {
            assert_eq!(Mode::parse(mode.as_str()), Some(mode));
        }
        assert_eq!(Mode::parse("random"), None);
    }

    #[test]
    fn limits_are_whole_numbers_from_one_to_a_hundred() {
        assert_eq!(parse_limit(" 7 "), Ok(7));
        assert_eq!(parse_limit("100"), Ok(100));
        for bad in ["0", "101", "-3", "2.5", "", "ten"] {
            assert!(parse_limit(bad).is_err(), "{bad}");
        }
    }
}
