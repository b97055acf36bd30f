//! Typed primary keys, so that a `UserId` can never be passed where a `WorkspaceId` belongs.
//! New rows get UUIDv7 ids: time-ordered, so inserts stay at the right edge of the index.
//!
//! [`WorkspaceId`] is the tenant and is held to more: its field is private and it has no
//! `FromStr`, so code cannot turn a bare UUID (a path segment, a form field, a Stripe reference)
//! into one. It comes only from row decoding (diesel reads it from a column: the authenticated
//! extractors read it from the member's, key's or visitor's row), from a job payload written
//! from another `WorkspaceId`, or from [`WorkspaceId::new`] when a workspace is created.
//! It is `Deserialize` for those payloads (jobs, broker wake-ups), which Parlor writes itself;
//! request bodies, forms and paths take a bare `Uuid` and look the workspace up instead.

use diesel_derive_newtype::DieselNewType;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(DieselNewType, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

/// A workspace: the tenant every tenant query is scoped by (see the module doc).
#[derive(DieselNewType, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WorkspaceId(Uuid);

impl WorkspaceId {
    /// A new workspace's id; only creating a workspace calls it.
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }

    /// The id as a bare UUID, for what needs one (a SQL array, a hash key); never the other way.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl Default for WorkspaceId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for WorkspaceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

id_type!(UserId, SessionId, UserTokenId, ContactId, VisitorSessionId, ConversationId, MessageId, UploadId, LabelId, AttributeId);
