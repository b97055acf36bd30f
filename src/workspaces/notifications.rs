//! Each member's notification preferences: for each [`Event`], whether their open inbox shows a
//! desktop notification, whether it plays a sound, and whether Parlor emails them. They are
//! columns of the membership, so each workspace has its own and they end with it. The inbox
//! reads desktop and sound ([`Preferences::events_on`]); the email notices read the email
//! columns ([`crate::conversations::notices`], `jobs::mail`).
//!
//! Tenant rule: read and written by the `WorkspaceId` and `UserId` of an authenticated member,
//! who only ever reaches their own row; the notices read them for the workspace of the
//! conversation they are about.

use diesel::prelude::*;

use crate::{
    db::{UserId, WorkspaceId, schema::memberships},
    error::AppError,
};

/// What a member can be told about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A visitor starts a conversation in the workspace.
    NewConversation,
    /// A teammate, an API key or auto-assignment gives a conversation to the member.
    Assigned,
    /// A visitor writes in a conversation assigned to the member.
    NewMessage,
}

impl Event {
    pub const ALL: [Self; 3] = [Self::NewConversation, Self::Assigned, Self::NewMessage];

    /// As the form and the inbox's data attributes name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NewConversation => "new_conversation",
            Self::Assigned => "assigned",
            Self::NewMessage => "new_message",
        }
    }

    /// The row's heading on the settings page.
    pub fn label(self) -> &'static str {
        match self {
            Self::NewConversation => "A visitor starts a new conversation",
            Self::Assigned => "A conversation is assigned to me",
            Self::NewMessage => "A visitor writes in a conversation assigned to me",
        }
    }

    /// The event after "when", for each checkbox's accessible name.
    pub fn clause(self) -> &'static str {
        match self {
            Self::NewConversation => "a visitor starts a new conversation",
            Self::Assigned => "a conversation is assigned to me",
            Self::NewMessage => "a visitor writes in a conversation assigned to me",
        }
    }

    /// What to know about the row, below its heading.
    pub fn hint(self) -> &'static str {
        match self {
            Self::NewConversation => "Email: at most one a minute; conversations started meanwhile come together.",
            Self::Assigned => "By a teammate or by auto-assignment; not when you take it yourself.",
            Self::NewMessage => "Email: only while you are offline or away, at most one per conversation every 10 minutes.",
        }
    }
}

/// How a member is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Desktop,
    Sound,
    Email,
}

impl Channel {
    pub const ALL: [Self; 3] = [Self::Desktop, Self::Sound, Self::Email];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Desktop => "desktop",
            Self::Sound => "sound",
            Self::Email => "email",
        }
    }

    /// The column's heading on the settings page.
    pub fn heading(self) -> &'static str {
        match self {
            Self::Desktop => "Desktop",
            Self::Sound => "Sound",
            Self::Email => "Email",
        }
    }

    /// The action before "when", for each checkbox's accessible name.
    fn action(self) -> &'static str {
        match self {
            Self::Desktop => "Show a desktop notification",
            Self::Sound => "Play a sound",
            Self::Email => "Email me",
        }
    }
}

/// The form field of one event and channel: `email_assigned`, `sound_new_message`, ...
pub fn field_name(event: Event, channel: Channel) -> String {
    format!("{}_{}", channel.as_str(), event.as_str())
}

/// The accessible name of one checkbox: "Email me when a conversation is assigned to me".
pub fn choice_label(event: Event, channel: Channel) -> String {
    format!("{} when {}", channel.action(), event.clause())
}

/// The form field the settings page used before it had a table; a form that still sends it
/// means the email for new conversations.
const LEGACY_NEW_CONVERSATIONS_FIELD: &str = "email_new_conversations";

/// One member's choices in one workspace. New members start with the columns' defaults:
/// desktop and sound on for every event, email on for "assigned to me" and "new message in my
/// conversation", off for every new conversation.
#[derive(Queryable, Selectable, AsChangeset, Clone, Copy, Debug, PartialEq, Eq)]
#[diesel(table_name = memberships, check_for_backend(diesel::pg::Pg))]
pub struct Preferences {
    pub desktop_new_conversation: bool,
    pub sound_new_conversation: bool,
    #[diesel(column_name = email_new_conversations)]
    pub email_new_conversation: bool,
    pub desktop_assigned: bool,
    pub sound_assigned: bool,
    pub email_assigned: bool,
    pub desktop_new_message: bool,
    pub sound_new_message: bool,
    pub email_new_message: bool,
}

impl Preferences {
    /// Everything off: what a form with no box ticked saves.
    pub const NONE: Self = Self {
        desktop_new_conversation: false,
        sound_new_conversation: false,
        email_new_conversation: false,
        desktop_assigned: false,
        sound_assigned: false,
        email_assigned: false,
        desktop_new_message: false,
        sound_new_message: false,
        email_new_message: false,
    };

    fn cell(&mut self, event: Event, channel: Channel) -> &mut bool {
        match (event, channel) {
            (Event::NewConversation, Channel::Desktop) => &mut self.desktop_new_conversation,
            (Event::NewConversation, Channel::Sound) => &mut self.sound_new_conversation,
            (Event::NewConversation, Channel::Email) => &mut self.email_new_conversation,
            (Event::Assigned, Channel::Desktop) => &mut self.desktop_assigned,
            (Event::Assigned, Channel::Sound) => &mut self.sound_assigned,
            (Event::Assigned, Channel::Email) => &mut self.email_assigned,
            (Event::NewMessage, Channel::Desktop) => &mut self.desktop_new_message,
            (Event::NewMessage, Channel::Sound) => &mut self.sound_new_message,
            (Event::NewMessage, Channel::Email) => &mut self.email_new_message,
        }
    }

    pub fn wants(&self, event: Event, channel: Channel) -> bool {
        let mut copy = *self;
        *copy.cell(event, channel)
    }

    pub fn set(&mut self, event: Event, channel: Channel, on: bool) {
        *self.cell(event, channel) = on;
    }

    /// The events this channel is on for, space-separated, for the inbox's data attributes.
    pub fn events_on(&self, channel: Channel) -> String {
        Event::ALL.into_iter().filter(|event| self.wants(*event, channel)).map(Event::as_str).collect::<Vec<_>>().join(" ")
    }

    /// The choices of a submitted form: a ticked box sends its field with the value `on`, an
    /// unticked one sends nothing. Any other field, or another value, is refused with what
    /// is wrong, so that a mistyped request changes nothing rather than turning things off.
    pub fn from_form(fields: &[(String, String)]) -> Result<Self, String> {
        let mut chosen = Self::NONE;
        for (name, value) in fields {
            if name == crate::auth::csrf::FIELD {
                continue;
            }
            let cell = if name == LEGACY_NEW_CONVERSATIONS_FIELD {
                Some((Event::NewConversation, Channel::Email))
            } else {
                Event::ALL
                    .into_iter()
                    .flat_map(|event| Channel::ALL.into_iter().map(move |channel| (event, channel)))
                    .find(|(event, channel)| field_name(*event, *channel) == *name)
            };
            let Some((event, channel)) = cell else {
                return Err(format!("There is no notification setting called “{}”.", truncated(name)));
            };
            if value != "on" {
                return Err(format!("A notification setting is either sent as “on” or left out, not “{}”.", truncated(value)));
            }
            chosen.set(event, channel, true);
        }
        Ok(chosen)
    }

    /// The member's choices; `NotFound` when they are not a member of the workspace.
    pub fn load(conn: &mut PgConnection, workspace_id: WorkspaceId, user_id: UserId) -> Result<Self, AppError> {
        memberships::table
            .filter(memberships::workspace_id.eq(workspace_id))
            .filter(memberships::user_id.eq(user_id))
            .select(Self::as_select())
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)
    }

    /// Stores the member's choices; `NotFound` when they are not a member of the workspace.
    pub fn save(&self, conn: &mut PgConnection, workspace_id: WorkspaceId, user_id: UserId) -> Result<(), AppError> {
        let updated =
            diesel::update(memberships::table.filter(memberships::workspace_id.eq(workspace_id)).filter(memberships::user_id.eq(user_id)))
                .set(self)
                .execute(conn)?;
        if updated == 0 {
            return Err(AppError::NotFound);
        }
        Ok(())
    }
}

/// At most 40 characters of what someone sent, to name it in an error.
fn truncated(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(fields: &[(&str, &str)]) -> Vec<(String, String)> {
        fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn each_ticked_box_turns_on_its_event_and_channel_and_nothing_else() {
        let chosen = Preferences::from_form(&form(&[("csrf_token", "x"), ("email_assigned", "on"), ("sound_new_message", "on")])).unwrap();
        for event in Event::ALL {
            for channel in Channel::ALL {
                let expected = matches!((event, channel), (Event::Assigned, Channel::Email) | (Event::NewMessage, Channel::Sound));
                assert_eq!(chosen.wants(event, channel), expected, "{event:?} {channel:?}");
            }
        }
        assert_eq!(Preferences::from_form(&form(&[("csrf_token", "x")])).unwrap(), Preferences::NONE);
    }

    #[test]
    fn the_old_field_still_means_email_for_new_conversations() {
        let chosen = Preferences::from_form(&form(&[("email_new_conversations", "on")])).unwrap();
        assert!(chosen.wants(Event::NewConversation, Channel::Email));
        assert!(!chosen.wants(Event::NewConversation, Channel::Desktop));
    }

    #[test]
    fn unknown_fields_and_values_are_refused_by_name() {
        let unknown = Preferences::from_form(&form(&[("email_everything", "on")])).unwrap_err();
        assert!(unknown.contains("email_everything"), "{unknown}");
        let value = Preferences::from_form(&form(&[("email_assigned", "yes")])).unwrap_err();
        assert!(value.contains("yes"), "{value}");
    }

    #[test]
    fn names_read_as_sentences_and_the_inbox_gets_event_lists() {
        assert_eq!(choice_label(Event::Assigned, Channel::Email), "Email me when a conversation is assigned to me");
        assert_eq!(field_name(Event::NewMessage, Channel::Desktop), "desktop_new_message");
        let mut some = Preferences::NONE;
        some.set(Event::NewConversation, Channel::Sound, true);
        some.set(Event::NewMessage, Channel::Sound, true);
        assert_eq!(some.events_on(Channel::Sound), "new_conversation new_message");
        assert_eq!(some.events_on(Channel::Desktop), "");
    }
}
