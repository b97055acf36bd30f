//! Where files' bytes are kept, behind one interface (`object_store`): local files under
//! `DATA_DIR/uploads` by default, or an S3-compatible bucket (S3, MinIO, R2, ...) when
//! `STORAGE_URL=s3://bucket/prefix` is set. Keys are `{workspace}/{upload}` and
//! `{workspace}/{upload}.thumbnail.{png,jpg}`, so one workspace's files share a prefix; people's
//! avatars, which belong to no workspace, are under `avatars/` (see [`crate::avatars`]).

use std::sync::Arc;

use actix_web::web::Bytes;
use futures_util::stream::{BoxStream, StreamExt};
use object_store::{
    ObjectStore, ObjectStoreExt, PutPayload, aws::AmazonS3Builder, local::LocalFileSystem, path::Path, prefix::PrefixStore,
};
use secrecy::ExposeSecret;

use crate::{
    config::StorageSettings,
    db::{UploadId, WorkspaceId},
    error::AppError,
};

/// The store of every file of every workspace; cheap to clone.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// For logs: where the files go, without credentials.
    pub description: String,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description)
    }
}

/// A file's bytes as they stream out of storage.
pub struct Download {
    pub size: u64,
    pub body: BoxStream<'static, Result<Bytes, object_store::Error>>,
}

impl Storage {
    pub fn open(settings: &StorageSettings) -> anyhow::Result<Self> {
        match settings {
            StorageSettings::Local(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
                // Folders left empty by a deletion go too: a deleted workspace leaves no trace.
                let store = LocalFileSystem::new_with_prefix(dir)?.with_automatic_cleanup(true);
                Ok(Self { store: Arc::new(store), description: format!("local files under {}", dir.display()) })
            }
            StorageSettings::S3 { bucket, prefix, region, endpoint, access_key_id, secret_access_key, session_token } => {
                let mut builder = AmazonS3Builder::new().with_bucket_name(bucket).with_region(region);
                if let (Some(id), Some(secret)) = (access_key_id, secret_access_key) {
                    builder = builder.with_access_key_id(id).with_secret_access_key(secret.expose_secret());
                }
                if let Some(token) = session_token {
                    builder = builder.with_token(token.expose_secret());
                }
                if let Some(endpoint) = endpoint {
                    builder = builder.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://"));
                }
                let s3 = builder.build()?;
                let description = format!("s3://{bucket}/{prefix}");
                let store: Arc<dyn ObjectStore> =
                    if prefix.is_empty() { Arc::new(s3) } else { Arc::new(PrefixStore::new(s3, Path::from(prefix.as_str()))) };
                Ok(Self { store, description })
            }
        }
    }

    /// The key of an upload's bytes.
    pub fn key(workspace_id: WorkspaceId, id: UploadId) -> String {
        format!("{workspace_id}/{id}")
    }

    /// The key of an image's thumbnail, whose extension says its type.
    pub fn thumbnail_key(workspace_id: WorkspaceId, id: UploadId, content_type: &str) -> String {
        let extension = if content_type == "image/png" { "png" } else { "jpg" };
        format!("{workspace_id}/{id}.thumbnail.{extension}")
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), AppError> {
        self.store.put(&Path::from(key), PutPayload::from(bytes)).await.map_err(unavailable)?;
        Ok(())
    }

    /// The bytes under `key`; `NotFound` when there are none.
    pub async fn get(&self, key: &str) -> Result<Download, AppError> {
        match self.store.get(&Path::from(key)).await {
            Ok(found) => {
                let size = found.meta.size;
                Ok(Download { size, body: found.into_stream().boxed() })
            }
            Err(object_store::Error::NotFound { .. }) => Err(AppError::NotFound),
            Err(error) => Err(unavailable(error)),
        }
    }

    /// Removes `key`; removing what is not there succeeds, so a retried deletion is harmless.
    pub async fn delete(&self, key: &str) -> Result<(), object_store::Error> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }
}

fn unavailable(error: object_store::Error) -> AppError {
    AppError::Unavailable(anyhow::anyhow!("file storage: {error}"))
}
