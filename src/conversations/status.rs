//! Where a conversation stands: [`ConversationStatus`], as stored (a text column whose CHECK
//! constraint lists these four words), sent in JSON and frames, and documented in the OpenAPI
//! document, all from this one type.

use std::{fmt, io::Write};

use diesel::{
    deserialize::{self, FromSql, FromSqlRow},
    expression::AsExpression,
    pg::{Pg, PgValue},
    serialize::{self, IsNull, Output, ToSql},
    sql_types::Text,
};
use serde::{Deserialize, Serialize};

/// Where a conversation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, AsExpression, FromSqlRow, utoipa::ToSchema)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "lowercase")]
pub enum ConversationStatus {
    Open,
    Pending,
    Snoozed,
    Resolved,
}

impl ConversationStatus {
    /// Every status, in the order the inbox's filter lists them.
    pub const ALL: [Self; 4] = [Self::Open, Self::Pending, Self::Snoozed, Self::Resolved];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Pending => "pending",
            Self::Snoozed => "snoozed",
            Self::Resolved => "resolved",
        }
    }

    /// The status a word names, as stored and as forms and queries send it.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }
}

impl fmt::Display for ConversationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ToSql<Text, Pg> for ConversationStatus {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        out.write_all(self.as_str().as_bytes())?;
        Ok(IsNull::No)
    }
}

impl FromSql<Text, Pg> for ConversationStatus {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        let text = std::str::from_utf8(bytes.as_bytes())?;
        // The column's CHECK constraint admits only these words; anything else is a schema bug.
        Self::parse(text).ok_or_else(|| format!("unknown conversation status in the database: {text}").into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_reads_back_from_its_word_and_serialises_as_it() {
        for status in ConversationStatus::ALL {
            assert_eq!(ConversationStatus::parse(status.as_str()), Some(status));
            assert_eq!(serde_json::to_value(status).ok(), Some(serde_json::Value::String(status.to_string())));
        }
        assert_eq!(ConversationStatus::parse("archived"), None);
        assert_eq!(ConversationStatus::parse("Open"), None);
    }
}
