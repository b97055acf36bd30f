//! Signed links to attachments: `{PUBLIC_URL}/files/{workspace}/{upload}/{variant}?expires=…&signature=…`.
//!
//! The signature is an HMAC under a key derived from `SECRET_KEY` over the workspace, the
//! attachment, the variant (the file or its thumbnail) and the expiry, so a link opens that one
//! file of that one workspace until it expires, and nothing else. Whoever is handed a message
//! is handed fresh links; nobody can make one without the key.

use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;

use super::Attachment;
use crate::{
    auth::signing::{hmac_sha256, hmac_sha256_matches},
    conversations::Message,
    db::{UploadId, WorkspaceId},
};

/// How long a link works, unless configured otherwise.
pub const DEFAULT_TTL: Duration = Duration::from_secs(60 * 60);

/// Which bytes a link names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    File,
    Thumbnail,
}

impl Variant {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::File => "file",
            Self::Thumbnail => "thumbnail",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "file" => Some(Self::File),
            "thumbnail" => Some(Self::Thumbnail),
            _ => None,
        }
    }
}

/// Makes and checks links; cheap to clone.
#[derive(Clone)]
pub struct Links {
    key: Arc<[u8; 32]>,
    /// `PUBLIC_URL` without its trailing slash.
    base: Arc<str>,
    ttl: Duration,
}

impl std::fmt::Debug for Links {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Links").field("base", &self.base).field("ttl", &self.ttl).finish_non_exhaustive()
    }
}

impl Links {
    pub fn new(secret: &[u8], public_url: &url::Url, ttl: Duration) -> Self {
        // A key of its own, so that no other signature Parlor makes can pass for a link.
        let key = hmac_sha256(secret, &[b"parlor file links"]);
        Self { key: Arc::new(key), base: public_url.as_str().trim_end_matches('/').into(), ttl }
    }

    fn signature(&self, workspace_id: WorkspaceId, id: UploadId, variant: Variant, expires: i64) -> [u8; 32] {
        let expires = expires.to_string();
        hmac_sha256(
            &self.key[..],
            &[workspace_id.as_uuid().as_bytes(), id.0.as_bytes(), variant.as_str().as_bytes(), b"|", expires.as_bytes()],
        )
    }

    /// A link to `variant` of an attachment, valid from `now` for the configured time.
    pub fn link(&self, workspace_id: WorkspaceId, id: UploadId, variant: Variant, now: OffsetDateTime) -> String {
        let expires = now.unix_timestamp() + self.ttl.as_secs() as i64;
        let signature = hex::encode(self.signature(workspace_id, id, variant, expires));
        format!("{}/files/{workspace_id}/{id}/{}?expires={expires}&signature={signature}", self.base, variant.as_str())
    }

    /// Whether a link's parts were signed here and it has not expired at `now`. The workspace is
    /// the link's own (a path segment), compared, never trusted.
    pub fn verify(
        &self,
        workspace: uuid::Uuid,
        id: UploadId,
        variant: Variant,
        expires: i64,
        signature: &str,
        now: OffsetDateTime,
    ) -> bool {
        let Ok(signature) = hex::decode(signature) else { return false };
        let expiry = expires.to_string();
        let signed = hmac_sha256_matches(
            &self.key[..],
            &[workspace.as_bytes(), id.0.as_bytes(), variant.as_str().as_bytes(), b"|", expiry.as_bytes()],
            &signature,
        );
        signed && now.unix_timestamp() <= expires
    }

    /// Fills in the links of one workspace's attachments.
    pub fn sign(&self, workspace_id: WorkspaceId, attachments: &mut [Attachment]) {
        let now = OffsetDateTime::now_utc();
        for attachment in attachments {
            attachment.url = self.link(workspace_id, attachment.id, Variant::File, now);
            attachment.thumbnail_url = attachment.has_thumbnail.then(|| self.link(workspace_id, attachment.id, Variant::Thumbnail, now));
        }
    }

    /// Fills in the links of messages about to be handed out: their attachments' signed links,
    /// and their author's avatar (public, and not signed: see [`crate::avatars`]).
    pub fn sign_messages<'a>(&self, messages: impl IntoIterator<Item = &'a mut Message>) {
        for message in messages {
            self.sign(message.workspace_id, &mut message.attachments);
            message.author_avatar_url = message.author_avatar.as_deref().map(|name| crate::avatars::small_url(&self.base, name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(link: &str) -> (String, i64, String) {
        let url = url::Url::parse(link).expect("a url");
        let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        (url.path().to_string(), query["expires"].parse().expect("expires"), query["signature"].clone())
    }

    #[test]
    fn a_link_opens_its_file_until_it_expires_and_nothing_else() {
        let links =
            Links::new(b"a secret key of enough length here", &url::Url::parse("https://chat.example.com/").expect("url"), DEFAULT_TTL);
        let (workspace, id) = (WorkspaceId::new(), UploadId::new());
        let now = OffsetDateTime::now_utc();
        let link = links.link(workspace, id, Variant::File, now);
        assert!(link.starts_with(&format!("https://chat.example.com/files/{workspace}/{id}/file?expires=")), "{link}");
        let (_, expires, signature) = parts(&link);
        assert!(links.verify(workspace.as_uuid(), id, Variant::File, expires, &signature, now));
        assert!(!links.verify(workspace.as_uuid(), id, Variant::File, expires, &signature, now + time::Duration::seconds(3601)), "expired");
        assert!(!links.verify(workspace.as_uuid(), id, Variant::Thumbnail, expires, &signature, now), "other variant");
        assert!(!links.verify(workspace.as_uuid(), UploadId::new(), Variant::File, expires, &signature, now), "other file");
        assert!(!links.verify(WorkspaceId::new().as_uuid(), id, Variant::File, expires, &signature, now), "other workspace");
        assert!(!links.verify(workspace.as_uuid(), id, Variant::File, expires + 3600, &signature, now), "longer expiry");
        let other_key =
            Links::new(b"another secret key of enough length", &url::Url::parse("https://chat.example.com").expect("url"), DEFAULT_TTL);
        assert!(!other_key.verify(workspace.as_uuid(), id, Variant::File, expires, &signature, now), "other key");
        assert!(!links.verify(workspace.as_uuid(), id, Variant::File, expires, "zz", now), "not hex");
    }
}
