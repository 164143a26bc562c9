//! Live delivery of notifications over server-sent events. The `notifications` table is the
//! event log (its `seq` is the SSE event id). One poller per server process reads rows newer
//! than it has seen and broadcasts them to the open streams, which keep their own user's. It
//! runs when woken — in process after a commit that wrote notifications, and on PostgreSQL by
//! `LISTEN xt_notices` (every writer does `pg_notify` in its transaction, so every node wakes
//! on commit) — and at least every half second. A stream resumes after `Last-Event-ID` from the
//! table, so a reconnect loses nothing.

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};
use tokio::sync::{Notify, broadcast};
use uuid::Uuid;

use super::NoticeView;
use crate::app::App;
use crate::auth::extract::Authenticated;
use crate::entities::notification;
use crate::error::AppResult;
use crate::http::extract::Query;

/// The PostgreSQL channel writers notify on commit.
pub const CHANNEL: &str = "xt_notices";

/// How often the poller looks even when nobody woke it.
const FALLBACK: Duration = Duration::from_millis(500);

/// Rows per poll.
const BATCH: u64 = 500;

/// Late commits (a lower `seq` committing after a higher one on PostgreSQL) are caught by
/// looking this many rows back, and remembering which of them were sent.
const LOOK_BACK: i64 = 256;

/// One delivered notification, for whichever stream holds its reader.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub tenant: Uuid,
    pub user: Uuid,
    pub view: NoticeView,
}

/// The process's broadcaster of new notifications: one channel per reader with open streams,
/// so an event wakes only its reader's streams however many others are open.
#[derive(Default)]
pub struct Hub {
    readers: std::sync::Mutex<Readers>,
    wake: Notify,
    started: tokio::sync::OnceCell<()>,
}

/// Each reader's channel, while they have streams open.
type Readers = std::collections::HashMap<(Uuid, Uuid), broadcast::Sender<Arc<Delivered>>>;

/// Events a reader's streams may fall behind by before they are told to reload.
const PER_READER: usize = 256;

impl Hub {
    /// Something committed notifications: look now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Starts the poller (and on PostgreSQL the listener) once per process; returns when the
    /// poller knows where the log ends, so anything written after this call is delivered.
    pub async fn ensure_started(self: &Arc<Self>, db: &DatabaseConnection) {
        self.started
            .get_or_init(|| async {
                let floor = Self::log_end(db).await;
                let hub = self.clone();
                let conn = db.clone();
                tokio::spawn(async move { hub.poll(conn, floor).await });
                self.listen(db);
            })
            .await;
    }

    /// The newest `seq` now (retrying until the database answers).
    async fn log_end(db: &DatabaseConnection) -> i64 {
        loop {
            match notification::Entity::find()
                .select_only()
                .column_as(notification::Column::Seq.max(), "m")
                .into_tuple::<Option<i64>>()
                .one(db)
                .await
            {
                Ok(m) => return m.flatten().unwrap_or(0),
                Err(e) => {
                    tracing::warn!(error = %e, "notification poller");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// On PostgreSQL, wakes the poller whenever any node commits notifications.
    fn listen(self: &Arc<Self>, db: &DatabaseConnection) {
        if db.get_database_backend() == DbBackend::Postgres {
            let hub = self.clone();
            let pool = db.get_postgres_connection_pool().clone();
            tokio::spawn(async move {
                loop {
                    match sea_orm::sqlx::postgres::PgListener::connect_with(&pool).await {
                        Ok(mut l) => {
                            if l.listen(CHANNEL).await.is_ok() {
                                // recv reconnects by itself after a dropped connection
                                while l.recv().await.is_ok() {
                                    hub.wake();
                                }
                            }
                        }
                        Err(e) => tracing::warn!(error = %e, "notification listener"),
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            });
        }
    }

    /// A receiver of what is delivered to this reader from now on.
    pub fn subscribe(&self, tenant: Uuid, user: Uuid) -> broadcast::Receiver<Arc<Delivered>> {
        self.readers
            .lock()
            .expect("live readers")
            .entry((tenant, user))
            .or_insert_with(|| broadcast::channel(PER_READER).0)
            .subscribe()
    }

    /// Streams open now (all readers).
    pub fn open_streams(&self) -> usize {
        self.readers
            .lock()
            .expect("live readers")
            .values()
            .map(|s| s.receiver_count())
            .sum()
    }

    fn deliver(&self, d: Delivered) {
        let mut readers = self.readers.lock().expect("live readers");
        let key = (d.tenant, d.user);
        if let Some(tx) = readers.get(&key) {
            if tx.receiver_count() == 0 {
                readers.remove(&key);
            } else {
                let _ = tx.send(Arc::new(d));
            }
        }
    }

    /// Delivers rows after `floor` (older ones are the streams' backlog, read from the table).
    async fn poll(self: Arc<Self>, db: DatabaseConnection, floor: i64) {
        let mut last = floor;
        let mut seen: BTreeSet<i64> = BTreeSet::new();
        loop {
            let _ = tokio::time::timeout(FALLBACK, self.wake.notified()).await;
            let rows = notification::Entity::find()
                .filter(notification::Column::Seq.gt(last - LOOK_BACK))
                .order_by_asc(notification::Column::Seq)
                .limit(BATCH)
                .all(&db)
                .await;
            let rows = match rows {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!(error = %e, "notification poller");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            };
            // rows that existed before the poller started are the streams' backlog, not news
            let fresh: Vec<notification::Model> = rows
                .into_iter()
                .filter(|r| r.seq > floor && !seen.contains(&r.seq))
                .collect();
            if fresh.is_empty() {
                continue;
            }
            let who: Vec<(Uuid, Uuid, i64)> = fresh
                .iter()
                .map(|r| (r.tenant_id, r.user_id, r.seq))
                .collect();
            // on failure nothing is marked seen: the next look tries them again
            let Ok(views) = super::views(&db, fresh).await else {
                continue;
            };
            for (_, _, seq) in &who {
                seen.insert(*seq);
                last = last.max(*seq);
            }
            seen.retain(|s| *s > last - LOOK_BACK);
            for ((tenant, user, _), view) in who.into_iter().zip(views) {
                self.deliver(Delivered { tenant, user, view });
            }
            // forget readers whose streams all closed
            self.readers
                .lock()
                .expect("live readers")
                .retain(|_, tx| tx.receiver_count() > 0);
        }
    }
}

/// The statement that wakes every node's poller when the transaction commits (PostgreSQL).
pub fn notify_statement(backend: DbBackend) -> Option<Statement> {
    (backend == DbBackend::Postgres)
        .then(|| Statement::from_string(backend, format!("SELECT pg_notify('{CHANNEL}', '')")))
}

/// Where to resume.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// Resume after this event id (the `Last-Event-ID` header wins when both are sent).
    pub after: Option<i64>,
}

/// My notifications as server-sent events (`event: notification`, `id`: its `seq`, `data`: the
/// notification as JSON). Reconnecting with `Last-Event-ID` (or `?after=`) first sends what was
/// missed, in order; without either, only new ones.
#[utoipa::path(get, path = "/api/v1/notifications/stream", tag = "me", params(StreamQuery),
    responses((status = 200, description = "text/event-stream of NoticeView", content_type = "text/event-stream")))]
pub async fn stream(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    headers: HeaderMap,
    Query(q): Query<StreamQuery>,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let hub = app.live.clone();
    hub.ensure_started(&app.db).await;
    // subscribe before reading the backlog, so nothing falls between the two
    let mut rx = hub.subscribe(p.tenant_id, p.user_id);
    let after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or(q.after);
    let backlog = match after {
        Some(after) => {
            let rows = notification::Entity::find()
                .filter(notification::Column::TenantId.eq(p.tenant_id))
                .filter(notification::Column::UserId.eq(p.user_id))
                .filter(notification::Column::Seq.gt(after))
                .order_by_asc(notification::Column::Seq)
                .limit(1000)
                .all(&app.db)
                .await?;
            super::views(&app.db, rows).await?
        }
        None => Vec::new(),
    };
    let event = |v: &NoticeView| {
        Event::default()
            .event("notification")
            .id(v.seq.to_string())
            .json_data(v)
            .unwrap_or_else(|_| Event::default().comment("unserialisable"))
    };
    let s = async_stream::stream! {
        let mut sent: std::collections::HashSet<i64> = std::collections::HashSet::new();
        yield Ok(Event::default().event("ready").data("{}"));
        for v in &backlog {
            sent.insert(v.seq);
            yield Ok(event(v));
        }
        loop {
            match rx.recv().await {
                Ok(d) => {
                    if sent.insert(d.view.seq) {
                        yield Ok(event(&d.view));
                    }
                    if sent.len() > 4096 {
                        sent.clear();
                    }
                }
                // a slow reader missed some: tell it to reload from the table
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    yield Ok(Event::default().event("reload").data("{}"));
                }
                Err(broadcast::error::RecvError::Closed) => break,
            }
        }
    };
    Ok(Sse::new(s).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
