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

pub mod admin;
pub mod digest;
pub mod live;
pub mod mail;
pub mod message;
pub mod outbound;
pub mod prefs;
pub mod push;
pub mod robots;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(live::stream))
        .routes(routes!(list))
        .routes(routes!(unread_count))
        .routes(routes!(mark_read))
        .routes(routes!(mark_all_read))
        .routes(routes!(prefs::get_settings, prefs::put_settings))
        .routes(routes!(push::public_key))
        .routes(routes!(push::list, push::subscribe))
        .routes(routes!(push::unsubscribe))
        .routes(routes!(push::test))
        .routes(routes!(admin::get_settings, admin::put_settings))
        .routes(routes!(admin::test_mail))
        .routes(routes!(admin::list_channels, admin::create_channel))
        .routes(routes!(admin::update_channel, admin::delete_channel))
        .routes(routes!(admin::test_channel))
}

/// The kind of the silent event every person involved in an instance gets when it changes: it
/// travels the live stream (so lists, counts and an open approval page refresh), is never
/// unread, never listed, never sent by mail or push, and is purged after a day.
pub const CHANGED: &str = "flow.changed";

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
            read_at: Set((self.kind == CHANGED).then_some(now)),
        }
    }
}

/// One insert of all `notices`, for a caller that batches it with its change.
pub fn statements(backend: DbBackend, notices: Vec<Notice>, now: DateTime<Utc>) -> Vec<Statement> {
    if notices.is_empty() {
        return Vec::new();
    }
    // one dispatch job per tenant reads the readers' preferences and sends mail, push, robots
    let mut tenants: Vec<(Uuid, Vec<Uuid>)> = Vec::new();
    let rows: Vec<notification::ActiveModel> = notices
        .into_iter()
        .map(|n| {
            let tenant = n.tenant;
            let silent = n.kind == CHANGED;
            let row = n.row(now);
            let id = *row.id.as_ref();
            match tenants.iter_mut().find(|(t, _)| *t == tenant) {
                _ if silent => {}
                Some((_, ids)) => ids.push(id),
                None => tenants.push((tenant, vec![id])),
            }
            row
        })
        .collect();
    let mut out = vec![notification::Entity::insert_many(rows).build(backend)];
    for (tenant, ids) in &tenants {
        out.push(outbound::dispatch_statement(backend, *tenant, ids));
    }
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

/// The people an opinion names with `@` (by display name or user name, longest match first),
/// other than the writer.
pub fn mentioned_names(opinion: &str) -> Vec<String> {
    let stops =
        |c: char| c.is_whitespace() || "@，。、；：！？,.;:!?()（）【】[]「」\"'".contains(c);
    opinion
        .split('@')
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| !stops(*c))
                .take(32)
                .collect::<String>()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// Notices for everyone named with `@` in the opinions of `history` (one query, only when an
/// opinion has an `@`).
pub async fn mention_statements<C: ConnectionTrait>(
    db: &C,
    c: &crate::flow::service::Caller,
    instance: Uuid,
    node: Option<&str>,
    history: &[xietong_engine::HistoryEvent],
    now: DateTime<Utc>,
) -> Result<Vec<Statement>, sea_orm::DbErr> {
    use crate::entities::user;
    use sea_orm::QuerySelect;
    let said: Vec<(&str, Vec<String>)> = history
        .iter()
        .filter_map(|h| h.opinion.as_deref())
        .map(|o| (o, mentioned_names(o)))
        .filter(|(_, names)| !names.is_empty())
        .collect();
    if said.is_empty() {
        return Ok(Vec::new());
    }
    let people: Vec<(Uuid, String, String)> = user::Entity::find()
        .select_only()
        .columns([
            user::Column::Id,
            user::Column::DisplayName,
            user::Column::Username,
        ])
        .filter(user::Column::TenantId.eq(c.tenant_id))
        .filter(user::Column::Status.eq("active"))
        .into_tuple()
        .all(db)
        .await?;
    let mut notices: Vec<Notice> = Vec::new();
    for (opinion, names) in said {
        for name in names {
            // "@张三请看" names 张三: the longest name the text starts with
            let who = people
                .iter()
                .filter(|(_, d, u)| name.starts_with(d.as_str()) || name == *u)
                .max_by_key(|(_, d, _)| d.chars().count());
            let Some((id, _, _)) = who else { continue };
            if *id == c.user_id || notices.iter().any(|n| n.user == *id) {
                continue;
            }
            let mut data = serde_json::json!({
                "by_name": c.name,
                "by_id": c.user_id,
                "excerpt": opinion.chars().take(140).collect::<String>(),
            });
            if let Some(node) = node {
                data["node_name"] = serde_json::json!(node);
            }
            notices.push(Notice {
                tenant: c.tenant_id,
                user: *id,
                kind: "mentioned",
                instance: Some(instance),
                task_no: None,
                data,
            });
        }
    }
    Ok(statements(db.get_database_backend(), notices, now))
}

/// Tells someone about their account (password changed, new device, locked), in `db`'s
/// transaction.
pub async fn account_event<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    user: Uuid,
    kind: &'static str,
    data: serde_json::Value,
) -> AppResult<()> {
    send(
        db,
        vec![Notice {
            tenant,
            user,
            kind,
            instance: None,
            task_no: None,
            data,
        }],
    )
    .await
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
        .filter(notification::Column::UserId.eq(p.user_id))
        .filter(notification::Column::Kind.ne(CHANGED));
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

/// Deletes the silent change events older than `before`; returns how many.
pub async fn purge_changed<C: ConnectionTrait>(
    db: &C,
    before: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    Ok(notification::Entity::delete_many()
        .filter(notification::Column::Kind.eq(CHANGED))
        .filter(notification::Column::CreatedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// The silent change events of an instance for these people (each once).
pub fn changed(
    tenant: Uuid,
    instance: Uuid,
    status: &str,
    people: impl IntoIterator<Item = Uuid>,
) -> Vec<Notice> {
    let mut seen = std::collections::HashSet::new();
    people
        .into_iter()
        .filter(|u| !u.is_nil() && seen.insert(*u))
        .map(|user| Notice {
            tenant,
            user,
            kind: CHANGED,
            instance: Some(instance),
            task_no: None,
            data: serde_json::json!({ "status": status }),
        })
        .collect()
}
