//! Live delivery of notifications over server-sent events. The `notifications` table is the
//! event log (its `seq` is the SSE event id). One poller per server process reads rows newer
//! than it has seen and hands each to its reader's open streams. It runs when woken — in
//! process after a commit that wrote notifications, and on PostgreSQL by `LISTEN xt_notices`
//! (every writer does `pg_notify` in its transaction, so every node wakes on commit) — and at
//! least every half second. A stream resumes after `Last-Event-ID` from the table, so a
//! reconnect loses nothing. Once a minute a second task checks, in batches, that the sessions
//! and tokens the streams were opened with are still valid, and ends the streams of those that
//! were signed out, revoked or expired.
//!
//! An open stream is meant to cost little: it holds its reader's shared entry, a cursor and one
//! waiter; what was delivered is kept once per reader, and only until each of that reader's
//! streams has taken it.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};
use tokio::sync::Notify;
use uuid::Uuid;

use super::NoticeView;
use crate::app::App;
use crate::auth::extract::{Authenticated, Credential};
use crate::entities::{api_token, notification, session};
use crate::error::AppResult;
use crate::http::extract::Query;

/// Where the stream is served.
pub const STREAM_PATH: &str = "/api/v1/notifications/stream";

/// The PostgreSQL channel writers notify on commit.
pub const CHANNEL: &str = "xt_notices";

/// How often the poller looks even when nobody woke it.
const FALLBACK: Duration = Duration::from_millis(500);

/// Rows per poll.
const BATCH: u64 = 500;

/// Late commits (a lower `seq` committing after a higher one on PostgreSQL) are caught by
/// looking this many rows back, and remembering which of them were sent.
const LOOK_BACK: i64 = 256;

/// Events a reader's streams may fall behind by before they are told to reload.
const PER_READER: usize = 256;

/// How often the sessions and tokens of open streams are checked.
const RECHECK: Duration = Duration::from_secs(60);

/// Ids per query of that check.
const RECHECK_BATCH: usize = 500;

/// One delivered notification, for whichever stream holds its reader.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub tenant: Uuid,
    pub user: Uuid,
    pub view: NoticeView,
}

/// What a stream was opened with: it ends when that does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Cred {
    Session(Uuid),
    Token(Uuid),
    /// The server itself: never checked.
    System,
}

impl From<&Credential> for Cred {
    fn from(c: &Credential) -> Cred {
        match c {
            Credential::Session { id } => Cred::Session(*id),
            Credential::Token { id, .. } => Cred::Token(*id),
            Credential::System => Cred::System,
        }
    }
}

/// The process's broadcaster of new notifications: one entry per reader with open streams, so
/// an event wakes only its reader's streams however many others are open.
#[derive(Default)]
pub struct Hub {
    readers: Mutex<HashMap<(Uuid, Uuid), Arc<Reader>>>,
    wake: Notify,
    started: tokio::sync::OnceCell<()>,
    /// The session check's period in milliseconds (0: [`RECHECK`]).
    recheck_ms: AtomicU64,
    closed: AtomicBool,
}

/// One reader's open streams and what was delivered to them that not all of them have taken.
#[derive(Default)]
struct Reader {
    changed: Notify,
    log: Mutex<Log>,
}

#[derive(Default)]
struct Log {
    /// The position of `events[0]` among everything delivered to this reader.
    first: u64,
    /// Each event with the number of open streams yet to take it; taken ones leave the front.
    events: VecDeque<(Arc<Delivered>, u32)>,
    /// Open streams.
    open: u32,
    /// Open streams by what they were opened with.
    creds: HashMap<Cred, u32>,
    /// Credentials found ended: their streams stop.
    ended: Vec<Cred>,
    /// The server is stopping: every stream stops.
    closed: bool,
}

impl Log {
    /// Drops the events every stream has taken, and the oldest beyond [`PER_READER`] (their
    /// laggards are told to reload).
    fn trim(&mut self) {
        while self
            .events
            .front()
            .is_some_and(|(_, left)| *left == 0 || self.events.len() > PER_READER)
        {
            self.events.pop_front();
            self.first += 1;
        }
    }
}

/// One open stream's place in its reader's log.
struct Subscription {
    reader: Arc<Reader>,
    cred: Cred,
    /// The position of the next event this stream takes.
    next: u64,
}

/// What a stream does next.
enum Step {
    Send(Arc<Delivered>),
    /// It fell behind and missed events: the client reloads from the table.
    Reload,
    End,
}

impl Subscription {
    /// The next step, or `None` when there is nothing new.
    fn step(&mut self) -> Option<Step> {
        let mut log = self.reader.log.lock().expect("live log");
        if log.closed || log.ended.contains(&self.cred) {
            return Some(Step::End);
        }
        if self.next < log.first {
            self.next = log.first;
            return Some(Step::Reload);
        }
        let i = usize::try_from(self.next - log.first).unwrap_or(usize::MAX);
        let (d, left) = log.events.get_mut(i)?;
        *left = left.saturating_sub(1);
        let d = d.clone();
        self.next += 1;
        log.trim();
        Some(Step::Send(d))
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut log = self
            .reader
            .log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let from = usize::try_from(self.next.saturating_sub(log.first)).unwrap_or(usize::MAX);
        for (_, left) in log.events.iter_mut().skip(from) {
            *left = left.saturating_sub(1);
        }
        log.open = log.open.saturating_sub(1);
        if let Some(n) = log.creds.get_mut(&self.cred) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                log.creds.remove(&self.cred);
                let cred = self.cred;
                log.ended.retain(|c| *c != cred);
            }
        }
        log.trim();
    }
}

impl Hub {
    /// Something committed notifications: look now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Starts the poller (and on PostgreSQL the listener) once per process; returns when the
    /// poller knows where the log ends, so anything written after this call is delivered.
    pub async fn ensure_started(self: &Arc<Self>, app: &App) {
        self.started
            .get_or_init(|| async {
                let floor = Self::log_end(&app.db).await;
                let hub = self.clone();
                let conn = app.db.clone();
                tokio::spawn(async move { hub.poll(conn, floor).await });
                let hub = self.clone();
                let conn = app.db.clone();
                let idle = chrono::TimeDelta::minutes(app.config.session_idle_minutes);
                tokio::spawn(async move { hub.recheck(conn, idle).await });
                self.listen(&app.db);
            })
            .await;
    }

    /// Checks the sessions and tokens of open streams this often from now on (default a
    /// minute; tests shorten it).
    pub fn recheck_sessions_every(&self, every: Duration) {
        self.recheck_ms.store(
            u64::try_from(every.as_millis()).unwrap_or(u64::MAX).max(1),
            Ordering::Relaxed,
        );
    }

    fn recheck_every(&self) -> Duration {
        match self.recheck_ms.load(Ordering::Relaxed) {
            0 => RECHECK,
            ms => Duration::from_millis(ms),
        }
    }

    /// Ends every stream, now and when opened from now on (the server is stopping).
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        for r in self.all_readers() {
            r.log.lock().expect("live log").closed = true;
            r.changed.notify_waiters();
        }
    }

    fn all_readers(&self) -> Vec<Arc<Reader>> {
        self.readers
            .lock()
            .expect("live readers")
            .values()
            .cloned()
            .collect()
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

    /// A stream of this reader, opened with `cred`, taking what is delivered from now on.
    fn subscribe(&self, tenant: Uuid, user: Uuid, cred: Cred) -> Subscription {
        let mut readers = self.readers.lock().expect("live readers");
        let reader = readers.entry((tenant, user)).or_default().clone();
        let mut log = reader.log.lock().expect("live log");
        log.open += 1;
        *log.creds.entry(cred).or_insert(0) += 1;
        log.closed |= self.closed.load(Ordering::Acquire);
        let next = log.first + log.events.len() as u64;
        drop(log);
        drop(readers);
        Subscription { reader, cred, next }
    }

    /// Streams open now (all readers).
    pub fn open_streams(&self) -> usize {
        self.all_readers()
            .iter()
            .map(|r| r.log.lock().expect("live log").open as usize)
            .sum()
    }

    fn deliver(&self, d: Delivered) {
        let reader = self
            .readers
            .lock()
            .expect("live readers")
            .get(&(d.tenant, d.user))
            .cloned();
        let Some(reader) = reader else { return };
        let mut log = reader.log.lock().expect("live log");
        if log.open == 0 {
            return;
        }
        let open = log.open;
        log.events.push_back((Arc::new(d), open));
        log.trim();
        drop(log);
        reader.changed.notify_waiters();
    }

    /// Forgets readers whose streams all closed.
    fn forget_idle_readers(&self) {
        self.readers
            .lock()
            .expect("live readers")
            .retain(|_, r| r.log.lock().expect("live log").open > 0);
    }

    /// Every [`RECHECK`]: ends the streams whose session or token has ended, and forgets the
    /// readers whose streams all closed. Apart from the poller, so delivery never waits for it.
    async fn recheck(self: Arc<Self>, db: DatabaseConnection, idle: chrono::TimeDelta) {
        loop {
            tokio::time::sleep(self.recheck_every()).await;
            self.end_signed_out(&db, idle).await;
            self.forget_idle_readers();
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
        }
    }

    /// Ends the streams opened with a session that was signed out, revoked or has expired
    /// (as sign-in judges it), or with a revoked or expired token: a few queries for all open
    /// streams, [`RECHECK_BATCH`] ids each. When the database does not answer nobody is ended.
    async fn end_signed_out(&self, db: &DatabaseConnection, idle: chrono::TimeDelta) {
        let mut held: HashMap<Cred, Arc<Reader>> = HashMap::new();
        for r in self.all_readers() {
            for c in r.log.lock().expect("live log").creds.keys() {
                held.insert(*c, r.clone());
            }
        }
        let (mut sessions, mut tokens) = (Vec::new(), Vec::new());
        for c in held.keys() {
            match c {
                Cred::Session(id) => sessions.push(*id),
                Cred::Token(id) => tokens.push(*id),
                Cred::System => {}
            }
        }
        let now = chrono::Utc::now();
        let mut valid: HashSet<Uuid> = HashSet::new();
        for ids in sessions.chunks(RECHECK_BATCH) {
            let found = session::Entity::find()
                .select_only()
                .column(session::Column::Id)
                .filter(session::Column::Id.is_in(ids.iter().copied()))
                .filter(session::Column::RevokedAt.is_null())
                .filter(session::Column::ExpiresAt.gt(now))
                .filter(session::Column::LastSeenAt.gt(now - idle))
                .into_tuple::<Uuid>()
                .all(db)
                .await;
            match found {
                Ok(ids) => valid.extend(ids),
                Err(e) => return tracing::warn!(error = %e, "checking the streams' sessions"),
            }
        }
        for ids in tokens.chunks(RECHECK_BATCH) {
            let found = api_token::Entity::find()
                .select_only()
                .column(api_token::Column::Id)
                .filter(api_token::Column::Id.is_in(ids.iter().copied()))
                .filter(api_token::Column::RevokedAt.is_null())
                .filter(
                    Condition::any()
                        .add(api_token::Column::ExpiresAt.is_null())
                        .add(api_token::Column::ExpiresAt.gt(now)),
                )
                .into_tuple::<Uuid>()
                .all(db)
                .await;
            match found {
                Ok(ids) => valid.extend(ids),
                Err(e) => return tracing::warn!(error = %e, "checking the streams' tokens"),
            }
        }
        for (cred, reader) in held {
            let ended = match cred {
                Cred::Session(id) | Cred::Token(id) => !valid.contains(&id),
                Cred::System => false,
            };
            if ended {
                let mut log = reader.log.lock().expect("live log");
                if log.creds.contains_key(&cred) && !log.ended.contains(&cred) {
                    log.ended.push(cred);
                }
                drop(log);
                reader.changed.notify_waiters();
            }
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
/// missed, in order; without either, only new ones. A `reload` event means some were missed
/// (reload the list). The stream ends when the session or token it was opened with is signed
/// out, revoked or expires (checked about once a minute), and when the server stops.
#[utoipa::path(get, path = "/api/v1/notifications/stream", tag = "me", params(StreamQuery),
    responses((status = 200, description = "text/event-stream of NoticeView", content_type = "text/event-stream")))]
pub async fn stream(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    headers: HeaderMap,
    Query(q): Query<StreamQuery>,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let hub = app.live.clone();
    hub.ensure_started(&app).await;
    // subscribe before reading the backlog, so nothing falls between the two
    let mut sub = hub.subscribe(p.tenant_id, p.user_id, Cred::from(&p.credential));
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
    drop(p);
    // what the backlog sent is not sent again when it is also delivered live (ascending)
    let sent: Box<[i64]> = backlog.iter().map(|v| v.seq).collect();
    // rendered now: the stream then holds events, not views, for as long as it is open
    let backlog: Vec<Event> = backlog.iter().map(event).collect();
    let s = async_stream::stream! {
        yield Ok(Event::default().event("ready").data("{}"));
        for e in backlog {
            yield Ok(e);
        }
        let reader = sub.reader.clone();
        loop {
            // registered before looking, so a delivery in between still wakes it
            let changed = reader.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            while let Some(step) = sub.step() {
                match step {
                    Step::Send(d) => {
                        if sent.binary_search(&d.view.seq).is_err() {
                            yield Ok(event(&d.view));
                        }
                    }
                    Step::Reload => yield Ok(Event::default().event("reload").data("{}")),
                    Step::End => return,
                }
            }
            changed.await;
        }
    };
    Ok(Sse::new(s).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// One notification as an event.
fn event(v: &NoticeView) -> Event {
    Event::default()
        .event("notification")
        .id(v.seq.to_string())
        .json_data(v)
        .unwrap_or_else(|_| Event::default().comment("unserialisable"))
}
