//! Tenants: workspaces, who belongs to them and with which role.
//!
//! Tenant rule: a workspace is only ever loaded through a membership of the signed-in user
//! ([`Workspace::find_for_member`]); a workspace you do not belong to does not exist for you.

use diesel::prelude::*;
use serde::Serialize;
use time::OffsetDateTime;

use crate::{
    db::{UserId, WorkspaceId, schema::memberships, schema::workspaces},
    error::AppError,
};

pub const NAME_MAX_CHARS: usize = 100;

#[derive(Queryable, Selectable, Clone, Debug, Serialize)]
#[diesel(table_name = workspaces, check_for_backend(diesel::pg::Pg))]
pub struct Workspace {
    pub id: WorkspaceId,
    pub name: String,
    pub site_key: String,
    pub created_at: OffsetDateTime,
    /// The local part of the workspace's support address, `<inbound_slug>@INBOUND_DOMAIN`.
    pub inbound_slug: String,
}

pub mod assignment;
pub mod audit;
pub mod availability;
pub mod notifications;
pub mod team;

/// What a member may do in a workspace, from most to least powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Admin,
    Agent,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Agent => "agent",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Admin => "Admin",
            Self::Agent => "Agent",
        }
    }

    /// A role chosen in a form.
    pub fn from_choice(value: &str) -> Option<Self> {
        Self::parse(value).ok()
    }

    fn parse(value: &str) -> Result<Self, AppError> {
        match value {
            "owner" => Ok(Self::Owner),
            "admin" => Ok(Self::Admin),
            "agent" => Ok(Self::Agent),
            other => Err(AppError::internal(anyhow::anyhow!("unknown role in database: {other}"))),
        }
    }

    /// Owners and admins run the workspace; agents answer conversations.
    pub fn is_admin(self) -> bool {
        matches!(self, Self::Owner | Self::Admin)
    }
}

/// One row of a member list.
#[derive(Clone, Debug)]
pub struct MemberListing {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub joined_at: OffsetDateTime,
    /// The name of their avatar (see [`crate::avatars`]).
    pub avatar: Option<String>,
}

impl MemberListing {
    /// Where pages load the 64-pixel avatar from.
    pub fn small_avatar_path(&self) -> Option<String> {
        self.avatar.as_deref().map(crate::avatars::small_path)
    }
}

/// Checks a workspace name typed into a form; the message is shown next to the field.
pub fn validate_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("Enter a name for the workspace.".into());
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(format!("Use at most {NAME_MAX_CHARS} characters."));
    }
    Ok(name.to_string())
}

/// A new public site key: `pk_` and 24 random alphanumerics.
/// The support address's local part: the workspace's name as lowercase letters, digits and
/// dashes (at most 24), then a random tail that keeps it unique and unguessable from the name.
fn generate_inbound_slug(name: &str) -> String {
    use rand::{Rng, distr::Alphanumeric};
    let mut base = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            base.push(c);
        } else if !base.ends_with('-') && !base.is_empty() {
            base.push('-');
        }
        if base.len() >= 24 {
            break;
        }
    }
    let base = base.trim_matches('-');
    let base = if base.is_empty() { "support" } else { base };
    let tail: String = rand::rng().sample_iter(&Alphanumeric).take(6).map(|b| (b as char).to_ascii_lowercase()).collect();
    format!("{base}-{tail}")
}

fn generate_site_key() -> String {
    use rand::{Rng, distr::Alphanumeric};
    let random: String = rand::rng().sample_iter(&Alphanumeric).take(24).map(char::from).collect();
    format!("pk_{random}")
}

impl Workspace {
    /// Creates a workspace with `owner` as its owner.
    pub fn create_with_owner(conn: &mut PgConnection, name: &str, owner: UserId) -> Result<Workspace, AppError> {
        conn.transaction(|conn| {
            let workspace = diesel::insert_into(workspaces::table)
                .values((
                    workspaces::id.eq(WorkspaceId::new()),
                    workspaces::name.eq(name),
                    workspaces::site_key.eq(generate_site_key()),
                    workspaces::inbound_slug.eq(generate_inbound_slug(name)),
                ))
                .returning(Workspace::as_returning())
                .get_result(conn)?;
            diesel::insert_into(memberships::table)
                .values((
                    memberships::workspace_id.eq(workspace.id),
                    memberships::user_id.eq(owner),
                    memberships::role.eq(Role::Owner.as_str()),
                ))
                .execute(conn)?;
            Ok(workspace)
        })
    }

    /// The workspace and the user's role in it, if the user is a member.
    pub fn find_for_member(conn: &mut PgConnection, id: WorkspaceId, user: UserId) -> Result<Option<(Workspace, Role)>, AppError> {
        Self::find_named_by_member(conn, id.as_uuid(), user)
    }

    /// The workspace a request names (a path segment, a socket's `hello`), if the user belongs
    /// to it. The bare id is only a lookup key: the `WorkspaceId` comes from the row.
    pub fn find_named_by_member(conn: &mut PgConnection, named: uuid::Uuid, user: UserId) -> Result<Option<(Workspace, Role)>, AppError> {
        let found: Option<(Workspace, String)> = workspaces::table
            .inner_join(memberships::table)
            .filter(workspaces::id.eq(named))
            .filter(memberships::user_id.eq(user))
            .select((Workspace::as_select(), memberships::role))
            .first(conn)
            .optional()?;
        found.map(|(workspace, role)| Ok((workspace, Role::parse(&role)?))).transpose()
    }

    /// Every workspace the user belongs to, oldest membership first.
    pub fn list_for_user(conn: &mut PgConnection, user: UserId) -> Result<Vec<Workspace>, AppError> {
        Ok(workspaces::table
            .inner_join(memberships::table)
            .filter(memberships::user_id.eq(user))
            .order((memberships::created_at.asc(), workspaces::name.asc()))
            .select(Workspace::as_select())
            .load(conn)?)
    }

    /// The workspace of a public site key (the widget's only way in).
    pub fn find_by_site_key(conn: &mut PgConnection, site_key: &str) -> Result<Option<Workspace>, AppError> {
        Ok(workspaces::table.filter(workspaces::site_key.eq(site_key)).select(Workspace::as_select()).first(conn).optional()?)
    }

    pub fn name_of(conn: &mut PgConnection, id: WorkspaceId) -> Result<String, AppError> {
        Ok(workspaces::table.find(id).select(workspaces::name).first(conn)?)
    }

    pub fn rename(conn: &mut PgConnection, id: WorkspaceId, name: &str) -> Result<(), AppError> {
        diesel::update(workspaces::table.find(id))
            .set((workspaces::name.eq(name), workspaces::updated_at.eq(diesel::dsl::now)))
            .execute(conn)?;
        Ok(())
    }

    /// An agent's chosen status in this workspace: away, or available.
    pub fn set_away(conn: &mut PgConnection, id: WorkspaceId, user_id: UserId, away: bool) -> Result<(), AppError> {
        diesel::update(memberships::table.filter(memberships::workspace_id.eq(id)).filter(memberships::user_id.eq(user_id)))
            .set(memberships::away.eq(away))
            .execute(conn)?;
        Ok(())
    }

    /// Marks a member online until `until` (their inbox is open somewhere), or offline with `None`.
    /// Returns whether they came online by it (they were offline before).
    pub fn mark_online(conn: &mut PgConnection, id: WorkspaceId, user_id: UserId, until: Option<OffsetDateTime>) -> Result<bool, AppError> {
        #[derive(QueryableByName)]
        struct Came {
            #[diesel(sql_type = diesel::sql_types::Bool)]
            online: bool,
        }
        use diesel::sql_types::{Nullable, Timestamptz, Uuid as SqlUuid};
        // The row as it was, joined to itself: what the update replaced.
        let came: Option<Came> = diesel::sql_query(
            "UPDATE memberships m SET online_until = $3
             FROM memberships prior
             WHERE m.workspace_id = $1 AND m.user_id = $2
               AND prior.workspace_id = m.workspace_id AND prior.user_id = m.user_id
             RETURNING $3 IS NOT NULL AND (prior.online_until IS NULL OR prior.online_until <= now()) AS online",
        )
        .bind::<SqlUuid, _>(id)
        .bind::<SqlUuid, _>(user_id)
        .bind::<Nullable<Timestamptz>, _>(until)
        .get_result(conn)
        .optional()?;
        Ok(came.is_some_and(|c| c.online))
    }

    /// Whether a member who is not away has the inbox open on any instance.
    pub fn anyone_online(conn: &mut PgConnection, id: WorkspaceId) -> Result<bool, AppError> {
        Ok(diesel::select(diesel::dsl::exists(
            memberships::table
                .filter(memberships::workspace_id.eq(id))
                .filter(memberships::away.eq(false))
                .filter(memberships::online_until.gt(diesel::dsl::now)),
        ))
        .get_result(conn)?)
    }

    /// Records whether a member who is not away has the inbox open, and answers the new value
    /// only when it differs from what visitors were last told: one statement, so that of all
    /// the sockets and instances that notice a change, exactly one announces it.
    pub fn online_flip(conn: &mut PgConnection, id: WorkspaceId) -> Result<Option<bool>, AppError> {
        #[derive(QueryableByName)]
        struct Flipped {
            #[diesel(sql_type = diesel::sql_types::Bool)]
            agents_online: bool,
        }
        let flipped: Option<Flipped> = diesel::sql_query(
            "UPDATE workspaces w SET agents_online = s.online \
             FROM (SELECT EXISTS (SELECT 1 FROM memberships m WHERE m.workspace_id = $1 AND NOT m.away \
                   AND m.online_until > now()) AS online) s \
             WHERE w.id = $1 AND w.agents_online IS DISTINCT FROM s.online RETURNING w.agents_online",
        )
        .bind::<diesel::sql_types::Uuid, _>(id)
        .get_result(conn)
        .optional()?;
        Ok(flipped.map(|f| f.agents_online))
    }

    /// What visitors were last told by [`Self::online_flip`].
    pub fn told_online(conn: &mut PgConnection, id: WorkspaceId) -> Result<bool, AppError> {
        Ok(workspaces::table.find(id).select(workspaces::agents_online).first(conn)?)
    }

    pub fn is_away(conn: &mut PgConnection, id: WorkspaceId, user_id: UserId) -> Result<bool, AppError> {
        Ok(memberships::table
            .filter(memberships::workspace_id.eq(id))
            .filter(memberships::user_id.eq(user_id))
            .select(memberships::away)
            .first(conn)
            .optional()?
            .unwrap_or(false))
    }

    pub fn members(conn: &mut PgConnection, id: WorkspaceId) -> Result<Vec<MemberListing>, AppError> {
        use crate::db::schema::users;
        let rows: Vec<(UserId, String, String, String, OffsetDateTime, Option<String>)> = memberships::table
            .inner_join(users::table)
            .filter(memberships::workspace_id.eq(id))
            .order((memberships::created_at.asc(), users::name.asc()))
            .select((users::id, users::name, users::email, memberships::role, memberships::created_at, users::avatar))
            .load(conn)?;
        rows.into_iter()
            .map(|(user_id, name, email, role, joined_at, avatar)| {
                Ok(MemberListing { user_id, name, email, role: Role::parse(&role)?, joined_at, avatar })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_keys_are_prefixed_and_random() {
        let a = generate_site_key();
        assert!(a.starts_with("pk_") && a.len() == 27, "{a}");
        assert_ne!(a, generate_site_key());
    }

    #[test]
    fn workspace_names_are_trimmed_and_bounded() {
        assert_eq!(validate_name("  Acme  ").unwrap(), "Acme");
        assert!(validate_name("   ").is_err());
        assert!(validate_name(&"x".repeat(101)).is_err());
    }
}
