//! In-app notifications: what someone was told (urged, reminded, overdue, sent back, handed a
//! task as a stand-in, a report ready …) until they mark it read. Rows are written in the
//! transaction of the action that caused them; outbound channels (mail, robots, push) build on
//! this table.

use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QueryTrait, Set, Statement, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::app::App;
use crate::audit::{self, Change};
use crate::auth::extract::Authenticated;
use crate::entities::notification;
use crate::error::{AppError, AppResult, Text};
use crate::http::extract::Query;
use crate::http::page::{Page, PageQuery};
use crate::ids::new_id;

pub mod live;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(live::stream))
        .routes(routes!(list))
        .routes(routes!(unread_count))
        .routes(routes!(mark_read))
        .routes(routes!(mark_all_read))
}

/// A notification to write.
pub struct Notice {
    pub tenant: Uuid,
    pub user: Uuid,
    pub kind: &'static str,
    pub instance: Option<Uuid>,
    pub task_no: Option<i32>,
    pub data: serde_json::Value,
}

impl Notice {
    fn row(self, now: DateTime<Utc>) -> notification::ActiveModel {
        notification::ActiveModel {
            seq: sea_orm::ActiveValue::NotSet,
            id: Set(new_id()),
            tenant_id: Set(self.tenant),
            user_id: Set(self.user),
            kind: Set(self.kind.to_string()),
            instance_id: Set(self.instance),
            task_no: Set(self.task_no),
            data: Set(self.data),
            created_at: Set(now),
            read_at: Set(None),
        }
    }
}

/// One insert of all `notices`, for a caller that batches it with its change.
pub fn statements(backend: DbBackend, notices: Vec<Notice>, now: DateTime<Utc>) -> Vec<Statement> {
    if notices.is_empty() {
        return Vec::new();
    }
    let mut out = vec![
        notification::Entity::insert_many(notices.into_iter().map(|n| n.row(now))).build(backend),
    ];
    // every node's live poller wakes when this commits
    out.extend(live::notify_statement(backend));
    out
}

/// Writes `notices` (in `db`'s transaction, if it is one: the caller then wakes the live
/// poller after committing, or leaves it to its next look).
pub async fn send<C: ConnectionTrait>(db: &C, notices: Vec<Notice>) -> AppResult<()> {
    for st in statements(db.get_database_backend(), notices, Utc::now()) {
        db.execute_raw(st).await?;
    }
    Ok(())
}

/// List filter.
#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct NoticeFilter {
    /// Only unread ones.
    pub unread: Option<bool>,
}

/// A notification as its reader sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeView {
    pub id: Uuid,
    /// Position in the user's event log (the SSE event id).
    pub seq: i64,
    /// `urged`, `reminder`, `overdue`, `flow_overdue`, `sent_back`, `finished`, `carbon_copy`,
    /// `replaced`, `stood_in`, `delegation_started`, `delegation_ended`, `report_ready`.
    pub kind: String,
    pub instance_id: Option<Uuid>,
    /// The instance's title and serial number, when it concerns one.
    pub title: Option<String>,
    pub serial_no: Option<String>,
    pub task_no: Option<i32>,
    pub data: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// My notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "me", operation_id = "list_notifications", params(NoticeFilter, PageQuery),
    responses((status = 200, body = Page<NoticeView>), (status = 400, body = crate::error::ErrorBody)))]
async fn list(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Query(f): Query<NoticeFilter>,
    Query(pq): Query<PageQuery>,
) -> AppResult<axum::Json<Page<NoticeView>>> {
    let mut q = notification::Entity::find()
        .filter(notification::Column::TenantId.eq(p.tenant_id))
        .filter(notification::Column::UserId.eq(p.user_id));
    if f.unread == Some(true) {
        q = q.filter(notification::Column::ReadAt.is_null());
    }
    let mut rows = pq
        .fetch(&app.db, q.order_by_desc(notification::Column::Seq))
        .await?;
    let items = views(&app.db, std::mem::take(&mut rows.items)).await?;
    Ok(axum::Json(rows.with_items(items)))
}

/// Rows as their readers see them, with the instances' titles (one query).
pub(crate) async fn views<C: ConnectionTrait>(
    db: &C,
    rows: Vec<notification::Model>,
) -> Result<Vec<NoticeView>, sea_orm::DbErr> {
    // rows of several tenants (the live poller): instance ids are unique across tenants
    let instances = crate::flow::instances::instance_titles(
        db,
        None,
        rows.iter().filter_map(|r| r.instance_id),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let inst = r.instance_id.and_then(|i| instances.get(&i));
            NoticeView {
                id: r.id,
                seq: r.seq,
                kind: r.kind,
                instance_id: r.instance_id,
                title: inst.map(|(t, _)| t.clone()),
                serial_no: inst.and_then(|(_, s)| s.clone()),
                task_no: r.task_no,
                data: r.data,
                created_at: r.created_at,
                read_at: r.read_at,
            }
        })
        .collect())
}

/// How many unread.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadCount {
    pub unread: u64,
}

/// The number of my unread notifications (the bell's badge).
#[utoipa::path(get, path = "/api/v1/notifications/unread-count", tag = "me",
    responses((status = 200, body = UnreadCount)))]
async fn unread_count(
    State(app): State<App>,
    Authenticated(p): Authenticated,
) -> AppResult<axum::Json<UnreadCount>> {
    let unread = notification::Entity::find()
        .filter(notification::Column::TenantId.eq(p.tenant_id))
        .filter(notification::Column::UserId.eq(p.user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(&app.db)
        .await?;
    Ok(axum::Json(UnreadCount { unread }))
}

/// Marks one of my notifications read (again is fine).
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "me",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = UnreadCount), (status = 404, body = crate::error::ErrorBody)))]
async fn mark_read(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
) -> AppResult<axum::Json<UnreadCount>> {
    let txn = app.db.begin().await?;
    let n = notification::Entity::find()
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::TenantId.eq(p.tenant_id))
        .filter(notification::Column::UserId.eq(p.user_id))
        .one(&txn)
        .await?
        .ok_or_else(|| {
            AppError::not_found(
                "notification.not_found",
                Text::fixed("通知不存在", "No such notification"),
            )
        })?;
    if n.read_at.is_none() {
        notification::Entity::update_many()
            .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
            .filter(notification::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            &(&p).into(),
            Change::new(
                "notification.read",
                "notification",
                Some(id),
                "已读通知".to_string(),
            ),
        )
        .await?;
    }
    txn.commit().await?;
    unread_count(State(app), Authenticated(p)).await
}

/// Marks all my notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read-all", tag = "me",
    responses((status = 200, body = UnreadCount)))]
async fn mark_all_read(
    State(app): State<App>,
    Authenticated(p): Authenticated,
) -> AppResult<axum::Json<UnreadCount>> {
    let txn = app.db.begin().await?;
    let res = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::TenantId.eq(p.tenant_id))
        .filter(notification::Column::UserId.eq(p.user_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(&txn)
        .await?;
    if res.rows_affected > 0 {
        audit::record(
            &txn,
            &(&p).into(),
            Change::new(
                "notification.read_all",
                "notification",
                None,
                format!("全部已读（{} 条）", res.rows_affected),
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(axum::Json(UnreadCount { unread: 0 }))
}
