//! Uploaded files (attachments, images, signatures of forms): bytes in the blob store, facts
//! in the `files` table. A file is readable by whoever uploaded it and, once part of an
//! instance's form, by whoever may see that field of that instance.

use std::collections::HashMap;

use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::app::App;
use crate::audit::{self, Change};
use crate::auth::extract::Authenticated;
use crate::entities::{file, flow_instance};
use crate::error::{AppError, AppResult, Text};
use crate::ids::new_id;

/// Largest file accepted by the upload (a form field may allow less).
pub const MAX_FILE: usize = 50 * 1024 * 1024;

/// Where file bytes live: a directory under the data dir (opendal's fs service; S3-compatible
/// stores plug in the same way).
#[derive(Clone)]
pub struct Blobs(opendal::Operator);

impl Blobs {
    pub fn fs(root: &std::path::Path) -> Blobs {
        let builder = opendal::services::Fs::default().root(&root.to_string_lossy());
        Blobs(
            opendal::Operator::new(builder)
                .expect("fs blob store")
                .finish(),
        )
    }

    fn path(tenant: Uuid, id: Uuid) -> String {
        format!("{}/{}", tenant.simple(), id.simple())
    }

    pub async fn put(&self, tenant: Uuid, id: Uuid, bytes: Vec<u8>) -> AppResult<()> {
        self.0
            .write(&Self::path(tenant, id), bytes)
            .await
            .map(|_| ())
            .map_err(AppError::internal)
    }

    pub async fn get(&self, tenant: Uuid, id: Uuid) -> AppResult<Vec<u8>> {
        self.0
            .read(&Self::path(tenant, id))
            .await
            .map(|b| b.to_vec())
            .map_err(AppError::internal)
    }
}

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        .routes(routes!(download))
}

/// A stored file, as form values hold it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileRef {
    pub id: Uuid,
    pub name: String,
    pub size: i64,
    pub content_type: String,
}

impl From<&file::Model> for FileRef {
    fn from(f: &file::Model) -> FileRef {
        FileRef {
            id: f.id,
            name: f.name.clone(),
            size: f.size,
            content_type: f.content_type.clone(),
        }
    }
}

fn upload_error(zh: &'static str, en: &'static str) -> AppError {
    AppError::invalid_field("file", "file.invalid", Text::fixed(zh, en))
}

/// The type a browser claims, checked against the first bytes for the kinds forms restrict
/// (images): a `.png` that is not a PNG is stored as `application/octet-stream`.
fn content_type(claimed: Option<&str>, name: &str, bytes: &[u8]) -> String {
    let sniffed = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF8") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    };
    if let Some(s) = sniffed {
        return s.to_string();
    }
    let claimed = claimed
        .unwrap_or("application/octet-stream")
        .to_ascii_lowercase();
    let lower = name.to_ascii_lowercase();
    if claimed.starts_with("image/") || claimed == "application/pdf" || lower.ends_with(".svg") {
        // Claimed an image (or a PDF) but is not one we recognise: never serve it as one.
        return "application/octet-stream".into();
    }
    claimed
}

/// Uploads one file (multipart field `file`); it can then be put in a form's attachment,
/// image or signature field.
#[utoipa::path(post, path = "/api/v1/files", tag = "flow",
    request_body(content_type = "multipart/form-data", description = "field `file`"),
    responses((status = 200, body = FileRef), (status = 413, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn upload(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    mut multipart: Multipart,
) -> AppResult<axum::Json<FileRef>> {
    let mut found = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| upload_error("上传内容格式有误", "Malformed upload"))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("file").to_string();
        let claimed = field.content_type().map(str::to_string);
        let bytes = field.bytes().await.map_err(|_| {
            AppError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "request.too_large",
                Text::fixed(
                    "文件过大（最大 50 MB）",
                    "The file is too large (at most 50 MB)",
                ),
            )
        })?;
        found = Some((name, claimed, bytes));
    }
    let (name, claimed, bytes) = found.ok_or_else(|| {
        upload_error("请上传文件（字段 file）", "Upload a file in field \"file\"")
    })?;
    let name: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("file")
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    if name.trim().is_empty() {
        return Err(upload_error("文件名不能为空", "The file needs a name"));
    }
    if bytes.is_empty() {
        return Err(upload_error("文件是空的", "The file is empty"));
    }
    let id = new_id();
    let content_type = content_type(claimed.as_deref(), &name, &bytes);
    let sha = hex(&Sha256::digest(&bytes));
    let size = bytes.len() as i64;
    app.blobs.put(p.tenant_id, id, bytes.to_vec()).await?;
    let m = file::ActiveModel {
        id: Set(id),
        tenant_id: Set(p.tenant_id),
        name: Set(name.clone()),
        size: Set(size),
        content_type: Set(content_type),
        sha256: Set(sha),
        uploaded_by: Set(p.user_id),
        instance_id: Set(None),
        field_key: Set(None),
        created_at: Set(Utc::now()),
    };
    let txn = sea_orm::TransactionTrait::begin(&app.db).await?;
    let m = m.insert(&txn).await?;
    audit::record(
        &txn,
        &(&p).into(),
        Change::new(
            "file.upload",
            "file",
            Some(id),
            format!("上传文件「{name}」"),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(FileRef::from(&m)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn not_found() -> AppError {
    AppError::not_found("file.not_found", Text::fixed("文件不存在", "No such file"))
}

/// Whether the caller may read the file: they uploaded it, or it is in a field of an instance
/// they may see.
pub async fn may_read(
    app: &App,
    c: &crate::flow::service::Caller,
    f: &file::Model,
) -> AppResult<bool> {
    if f.uploaded_by == c.user_id {
        return Ok(true);
    }
    let Some(instance) = f.instance_id else {
        return Ok(false);
    };
    let Some(i) = flow_instance::Entity::find_by_id(instance)
        .one(&app.db)
        .await?
        .filter(|i| i.tenant_id == c.tenant_id)
    else {
        return Ok(false);
    };
    let Some(viewer) = crate::flow::instances::viewer(app, c, &i).await? else {
        return Ok(false);
    };
    let v = app.compiled(i.version_id).await?;
    Ok(match f.field_key.as_deref().and_then(|k| v.form.field(k)) {
        Some(field) => viewer.sees(&v.form, field),
        None => true,
    })
}

/// Downloads a file the caller may read.
#[utoipa::path(get, path = "/api/v1/files/{id}", tag = "flow", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the bytes"), (status = 404, body = crate::error::ErrorBody)))]
async fn download(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
) -> AppResult<impl IntoResponse> {
    let f = file::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .filter(|f| f.tenant_id == p.tenant_id)
        .ok_or_else(not_found)?;
    let c = crate::flow::service::Caller::from(&p);
    if !may_read(&app, &c, &f).await? {
        return Err(not_found());
    }
    let bytes = app.blobs.get(p.tenant_id, id).await?;
    let inline = f.content_type.starts_with("image/") || f.content_type == "application/pdf";
    let disposition = format!(
        "{}; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        percent(&f.name)
    );
    Ok((
        [
            (header::CONTENT_TYPE, f.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
            (header::CACHE_CONTROL, "private, max-age=3600".into()),
        ],
        bytes,
    ))
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The files of these ids in the tenant.
pub async fn load<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, file::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(file::Entity::find()
        .filter(file::Column::TenantId.eq(tenant))
        .filter(file::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect())
}
