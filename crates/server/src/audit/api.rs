//! Reading the audit log: filtered pages and a CSV export, for holders of `audit.read`.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Select,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::app::App;
use crate::auth::access::{AuditRead, Authorized};
use crate::entities::audit_entry;
use crate::error::AppResult;
use crate::http::extract::Query;
use crate::http::page::{Page, PageQuery};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_audit))
        .routes(routes!(export_audit))
}

/// Audit filters.
#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    pub actor_id: Option<Uuid>,
    /// Exact action, or a prefix ending in `.` (e.g. `user.`).
    pub action: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Words in the summary.
    pub q: Option<String>,
}

/// One audit row.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub acting_for_id: Option<Uuid>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<Uuid>,
    pub summary: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl From<audit_entry::Model> for AuditEntryView {
    fn from(m: audit_entry::Model) -> Self {
        AuditEntryView {
            id: m.id,
            at: m.at,
            actor_id: m.actor_id,
            actor_name: m.actor_name,
            acting_for_id: m.acting_for_id,
            action: m.action,
            target_type: m.target_type,
            target_id: m.target_id,
            summary: m.summary,
            before: m.before,
            after: m.after,
            ip: m.ip,
            request_id: m.request_id,
        }
    }
}

/// The filtered query for one tenant, newest first.
pub fn filtered(tenant_id: Uuid, f: &AuditFilter) -> Select<audit_entry::Entity> {
    let mut c = Condition::all().add(audit_entry::Column::TenantId.eq(tenant_id));
    if let Some(a) = f.actor_id {
        c = c.add(audit_entry::Column::ActorId.eq(a));
    }
    if let Some(a) = f.action.as_deref().filter(|a| !a.is_empty()) {
        c = c.add(if a.ends_with('.') {
            audit_entry::Column::Action.starts_with(a)
        } else {
            audit_entry::Column::Action.eq(a)
        });
    }
    if let Some(t) = f.target_type.as_deref().filter(|t| !t.is_empty()) {
        c = c.add(audit_entry::Column::TargetType.eq(t));
    }
    if let Some(t) = f.target_id {
        c = c.add(audit_entry::Column::TargetId.eq(t));
    }
    if let Some(from) = f.from {
        c = c.add(audit_entry::Column::At.gte(from));
    }
    if let Some(to) = f.to {
        c = c.add(audit_entry::Column::At.lt(to));
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        c = c.add(audit_entry::Column::Summary.contains(q));
    }
    audit_entry::Entity::find()
        .filter(c)
        .order_by_desc(audit_entry::Column::At)
        .order_by_desc(audit_entry::Column::Id)
}

/// Lists audit entries, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditFilter, PageQuery),
    responses((status = 200, body = Page<AuditEntryView>), (status = 403, body = crate::error::ErrorBody)))]
async fn list_audit(
    State(app): State<App>,
    who: Authorized<AuditRead>,
    Query(f): Query<AuditFilter>,
    Query(pq): Query<PageQuery>,
) -> AppResult<axum::Json<Page<AuditEntryView>>> {
    let (page, page_size) = pq.resolve()?;
    let q = filtered(who.tenant_id, &f);
    let total = q.clone().count(&app.db).await?;
    let items = q
        .offset((page - 1) * page_size)
        .limit(page_size)
        .all(&app.db)
        .await?;
    Ok(axum::Json(Page {
        items: items.into_iter().map(Into::into).collect(),
        total,
        page,
        page_size,
    }))
}

fn csv_field(s: &str) -> String {
    // Cells that a spreadsheet would run as a formula are prefixed so they stay text.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Exports the filtered audit log as CSV (at most 100,000 rows).
#[utoipa::path(get, path = "/api/v1/audit/export.csv", tag = "audit", params(AuditFilter),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = crate::error::ErrorBody)))]
async fn export_audit(
    State(app): State<App>,
    who: Authorized<AuditRead>,
    Query(f): Query<AuditFilter>,
) -> AppResult<impl IntoResponse> {
    let rows = filtered(who.tenant_id, &f)
        .limit(100_000)
        .all(&app.db)
        .await?;
    let mut out = String::from(
        "\u{feff}at,actor,acting_for,action,target_type,target_id,summary,ip,request_id\n",
    );
    for r in rows {
        let cells = [
            r.at.to_rfc3339(),
            r.actor_name.unwrap_or_default(),
            r.acting_for_id.map(|u| u.to_string()).unwrap_or_default(),
            r.action,
            r.target_type,
            r.target_id.map(|u| u.to_string()).unwrap_or_default(),
            r.summary,
            r.ip.unwrap_or_default(),
            r.request_id.unwrap_or_default(),
        ];
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.csv\"",
            ),
        ],
        out,
    ))
}
