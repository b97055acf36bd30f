//! Files people send in the chat: uploads, the attachments messages carry, where their bytes are
//! kept, and the signed links that serve them.
//!
//! - An upload ([`uploads`]) is stored first, on its own request (`POST /api/widget/v1/uploads`,
//!   `POST /app/{workspace}/uploads`, `POST /api/v1/uploads`, in [`routes`]); a message then names
//!   it, and the message writer claims it in the message's transaction. An upload belongs to its
//!   uploader and workspace, and one message takes it, once.
//! - The bytes live in object storage ([`storage`]): local files under `DATA_DIR/uploads`, or
//!   S3-compatible storage with `STORAGE_URL`. The type is sniffed from the bytes ([`inspect`]),
//!   and images get their size and a thumbnail there, off the async threads.
//! - An attachment is read through a signed link that expires ([`links`]); pages, sockets, the
//!   REST API and webhooks hand out fresh links each time they show a message.
//! - Deleting an upload row, whatever deletes it (a contact, retention, the workspace, the sweep
//!   of unused uploads), queues its objects in `file_deletions` by trigger, in the same
//!   transaction; [`uploads::remove_deleted_files`] removes them from storage, retrying.
//!
//! Tenant rule: every query takes the `WorkspaceId` of the uploader's credential; a link names one
//! attachment of one workspace and is checked against both.

pub mod inspect;
pub mod links;
pub mod routes;
pub mod storage;
pub mod uploads;

use serde::{Deserialize, Serialize};

use crate::db::UploadId;

pub use links::Links;
pub use storage::Storage;

/// Files' storage and links, as the application state holds them.
#[derive(Clone, Debug)]
pub struct Files {
    pub storage: Storage,
    pub links: Links,
}

/// At most this many files ride on one message.
pub const MAX_ATTACHMENTS: usize = 10;

// `url` and `thumbnail_url` are empty until [`Links::sign_messages`] fills them where the
// message is handed out (socket, page, REST answer, webhook).
/// A file sent with a message. Its links are signed and work for an hour; read the message
/// again for fresh ones.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Attachment {
    #[schema(value_type = uuid::Uuid)]
    pub id: UploadId,
    /// The file name the uploader gave, without any folder.
    pub name: String,
    /// Sniffed from the file's bytes, not taken from the uploader.
    pub content_type: String,
    /// In bytes.
    pub size: i64,
    /// Images only: their width in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<i32>,
    /// Images only: their height in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<i32>,
    /// A signed link to the file, valid for an hour.
    pub url: String,
    /// Images only: a signed link to a copy at most 480 pixels on its longer side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
    #[serde(skip)]
    pub has_thumbnail: bool,
}

impl Attachment {
    /// Whether pages may show it inline as an image.
    pub fn is_image(&self) -> bool {
        inspect::shown_inline(&self.content_type)
    }

    /// The size as people read it: "820 KB", "3.4 MB".
    pub fn size_label(&self) -> String {
        human_size(self.size)
    }
}

/// A byte count as people read it, in units of 1,024 as the limits are stated ("25 MB" is
/// 25 × 1,024 × 1,024 bytes).
pub fn human_size(bytes: i64) -> String {
    const KB: f64 = 1024.0;
    let bytes = bytes.max(0) as f64;
    // Each unit up to what would round to 1,024 of it: 1,023.9 MB reads "1 GB", not "1024 MB".
    if bytes < KB {
        format!("{bytes} B")
    } else if bytes < KB * 1023.5 {
        format!("{:.0} KB", (bytes / KB).max(1.0))
    } else if bytes < KB * KB * 1023.5 {
        let mb = bytes / KB / KB;
        if mb < 10.0 { format!("{mb:.1} MB") } else { format!("{mb:.0} MB") }
    } else {
        // Quotas are whole gigabytes: "1 GB", "30 GB", not "1.0 GB".
        let gb = format!("{:.1}", bytes / KB / KB / KB);
        format!("{} GB", gb.strip_suffix(".0").unwrap_or(&gb))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(2048), "2 KB");
        assert_eq!(human_size(25 * 1024 * 1024), "25 MB");
        assert_eq!(human_size(3_565_158), "3.4 MB");
        assert_eq!(human_size(1024 * 1024 * 1024), "1 GB");
        assert_eq!(human_size(30 * 1024 * 1024 * 1024), "30 GB");
        assert_eq!(human_size(1024 * 1024 * 1024 + 300 * 1024 * 1024), "1.3 GB");
        assert_eq!(human_size(1024 * 1024 * 1024 - 8), "1 GB");
    }
}
