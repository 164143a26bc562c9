//! The work lists on a large database: the first page of 待办 (`GET /api/v1/flow/todo`) and 已办
//! (`GET /api/v1/flow/done`) for random users, through the application router in process (the
//! whole request: session, permissions, the list queries, the names, JSON), after bulk-loading
//! `--finished` approved instances and `--open` running ones.
//!
//! The data: `--users` people in departments of 20 (the first of each heads it), `--templates`
//! published templates of two steps (the initiator's department head, then an approver the
//! initiator chooses). Each template's three shapes (finished; open at the head; open at the
//! approver) are first run for real through the flow service; every bulk row is a copy of those
//! rows (instance with engine state, tasks, history) with its own ids, people, amount and times,
//! written with multi-row INSERTs, many per transaction. Instances are spread over two years
//! (finished) or the last two weeks (open); initiators and approvers are random, so department
//! heads hold about 20 times the tasks of everyone else.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::{Context, anyhow, ensure};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use serde_json::{Value, json};
use uuid::Uuid;
use xietong_server::app::App;
use xietong_server::entities::{department, flow_history, flow_instance, flow_task, session, user};
use xietong_server::flow::service::{self, StartInput, Target};

use crate::client::{Api, Session};
use crate::report::{flag, percentile_ms, round};
use crate::scratch::{Scratch, scalar_i64};
use crate::workload::{self, Person, caller};

/// People per department; the first heads it.
const DEPT_SIZE: usize = 20;
/// Instances per transaction while loading.
const BATCH: usize = 5_000;
/// Rows per INSERT statement (under SQLite's 32,766 and PostgreSQL's 65,535 parameters).
const ROWS_PER_INSERT: usize = 1_000;
/// The amount the prototypes are started with, replaced in every copy.
const PROTO_AMOUNT: i64 = 98_765;

struct Params {
    users: usize,
    finished: usize,
    open: usize,
    templates: usize,
    samples: usize,
    page_size: u64,
}

/// `lists [--users 10000] [--finished 1000000] [--open 50000] [--templates 20] [--samples 1000]
/// [--page-size 20] [--database-url postgres://…] [--keep]`; `--keep` leaves the loaded database
/// in place (its URL goes to stderr) for EXPLAIN and the like.
pub fn run(args: &[String]) -> anyhow::Result<String> {
    let p = Params {
        users: flag(args, "users", 10_000)?,
        finished: flag(args, "finished", 1_000_000)?,
        open: flag(args, "open", 50_000)?,
        templates: flag(args, "templates", 20)?,
        samples: flag(args, "samples", 1000)?,
        page_size: flag(args, "page-size", 20)?,
    };
    ensure!(
        p.users >= 3 * DEPT_SIZE && p.templates >= 1 && p.samples >= 1,
        "--users must be at least {}, --templates and --samples at least 1",
        3 * DEPT_SIZE
    );
    let url: String = flag(args, "database-url", String::new())?;
    let keep = args.iter().any(|a| a == "--keep");
    let rt = tokio::runtime::Runtime::new()?;
    let out = rt.block_on(async {
        let scratch = Scratch::create(&url).await?;
        let res = measure(&scratch, &p).await;
        if keep {
            eprintln!(
                "xietong-bench lists: the database is kept at {}",
                scratch.url
            );
        } else {
            scratch.remove().await;
        }
        res
    })?;
    Ok(out.to_string())
}

/// SplitMix64: small, fast, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo).max(1) as u64) as i64
    }
}

/// A UUIDv7 for a moment in the past, as the server would have made it then.
fn id_at(t: DateTime<Utc>, rng: &mut Rng) -> Uuid {
    let ms = t.timestamp_millis().max(0) as u64;
    let (a, b) = (rng.next().to_be_bytes(), rng.next().to_be_bytes());
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&a);
    random[8..].copy_from_slice(&b[..2]);
    uuid::Builder::from_unix_timestamp_millis(ms, &random).into_uuid()
}

/// The organisation: departments of `DEPT_SIZE`, the first member heads each.
struct Org {
    tenant_id: Uuid,
    people: Vec<Person>,
}

impl Org {
    fn head_of(&self, user: usize) -> usize {
        user / DEPT_SIZE * DEPT_SIZE
    }
    /// A random person who heads no department.
    fn random_member(&self, rng: &mut Rng) -> usize {
        loop {
            let u = rng.below(self.people.len());
            if !u.is_multiple_of(DEPT_SIZE) {
                return u;
            }
        }
    }
}

async fn create_org(app: &App, api: &Api, admin: &Session, users: usize) -> anyhow::Result<Org> {
    let me = api.get(admin, "/api/v1/me").await?;
    let tenant_id = workload::id(&me["tenant"]["id"])?;
    let company_id = workload::id(&api.get(admin, "/api/v1/companies").await?[0]["id"])?;
    let now = Utc::now();
    let depts: Vec<Uuid> = (0..users.div_ceil(DEPT_SIZE))
        .map(|_| xietong_server::ids::new_id())
        .collect();
    let txn = app.db.begin().await?;
    let rows: Vec<department::ActiveModel> = depts
        .iter()
        .enumerate()
        .map(|(i, id)| department::ActiveModel {
            id: Set(*id),
            tenant_id: Set(tenant_id),
            company_id: Set(company_id),
            parent_id: Set(None),
            name: Set(format!("部门{}", i + 1)),
            sort_order: Set(i as i32 + 100),
            head_user_id: Set(None),
            leader_user_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .collect();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        department::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    // every account as the server creates one (user, first assignment row, audit row)
    let hash = xietong_server::auth::password::hash(workload::USER_PASSWORD.into()).await?;
    let actor = xietong_server::audit::Actor::system(tenant_id);
    let mut people = Vec::with_capacity(users);
    for i in 0..users {
        let u = xietong_server::org::CreateUser {
            username: format!("u{i:06}"),
            display_name: format!("员工{i:05}"),
            department_id: depts[i / DEPT_SIZE],
            post_id: None,
            supervisor_id: None,
            email: None,
            phone: None,
            roles: vec![],
            part_time: vec![],
            password_hash: hash.clone(),
        };
        let m = xietong_server::org::create_user_in(&txn, tenant_id, &actor, u).await?;
        people.push(Person {
            id: m.id,
            name: m.display_name,
            department_id: m.department_id,
            session: Session::default(),
        });
    }
    user::Entity::update_many()
        .col_expr(user::Column::MustChangePassword, Expr::value(false))
        .filter(user::Column::TenantId.eq(tenant_id))
        .exec(&txn)
        .await?;
    for (d, id) in depts.iter().enumerate() {
        department::Entity::update_many()
            .col_expr(
                department::Column::HeadUserId,
                Expr::value(people[d * DEPT_SIZE].id),
            )
            .filter(department::Column::Id.eq(*id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    app.directory_changed();
    Ok(Org { tenant_id, people })
}

/// One template's rows of one shape, as the flow service wrote them.
struct Proto {
    instance: flow_instance::Model,
    tasks: Vec<flow_task::Model>,
    history: Vec<flow_history::Model>,
    /// History rows written by the start, and by the start and the head's agree.
    after_start: i32,
    after_head: i32,
    initiator: Uuid,
    head: Uuid,
    approver: Uuid,
}

struct Template {
    name: String,
    serial_prefix: String,
    /// finished, open at the head, open at the approver
    shapes: [Proto; 3],
}

async fn create_templates(
    app: &App,
    api: &Api,
    admin: &Session,
    org: &Org,
    count: usize,
) -> anyhow::Result<Vec<Template>> {
    let supervisor = api.get(admin, "/api/v1/me").await?["id"].clone();
    let mut out = Vec::with_capacity(count);
    for t in 0..count {
        let name = format!("流程{:02}", t + 1);
        let prefix = format!("LC{:02}-", t + 1);
        let v = api
            .post(
                admin,
                "/api/v1/flow/templates",
                json!({
                    "name": name,
                    "supervisor_id": supervisor,
                    "form": {"fields": [
                        {"key": "amount", "label": "金额", "kind": "money", "required": true},
                        {"key": "reason", "label": "事由", "kind": "text"}]},
                    "settings": {"serial_pattern": format!("{prefix}{{yyyy}}-{{seq:6}}"),
                                 "title_template": "{initiator}的{template}-{amount}",
                                 "summary_fields": ["amount", "reason"]},
                    "definition": {"kind": "tree", "tree": {"key": format!("flow{t}"), "nodes": [
                        {"type": "approver", "id": "head", "name": "部门负责人",
                         "participants": [{"type": "department_head"}]},
                        {"type": "approver", "id": "approver", "name": "审批人",
                         "participants": [{"type": "initiator_chosen"}]}]}}
                }),
            )
            .await?;
        let id = workload::id(&v["id"])?;
        api.post(
            admin,
            &format!("/api/v1/flow/templates/{id}/publish"),
            json!({}),
        )
        .await?;
        let dept = t % (org.people.len() / DEPT_SIZE);
        let (initiator, head, approver) = (
            dept * DEPT_SIZE + 1,
            dept * DEPT_SIZE,
            (dept * DEPT_SIZE + DEPT_SIZE + 2) % org.people.len(),
        );
        let mut shapes = Vec::with_capacity(3);
        for steps in [2, 0, 1] {
            shapes.push(prototype(app, org, id, [initiator, head, approver], steps).await?);
        }
        let shapes: [Proto; 3] = shapes.try_into().map_err(|_| anyhow!("three shapes"))?;
        out.push(Template {
            name,
            serial_prefix: prefix,
            shapes,
        });
    }
    Ok(out)
}

/// Starts an instance through the flow service and agrees `steps` times; reads its rows back.
async fn prototype(
    app: &App,
    org: &Org,
    template: Uuid,
    who: [usize; 3],
    steps: usize,
) -> anyhow::Result<Proto> {
    let [initiator, head, approver] = who.map(|i| &org.people[i]);
    let input = StartInput {
        template_id: template,
        form: serde_json::from_value(json!({"amount": PROTO_AMOUNT, "reason": "差旅报销"}))?,
        chosen: HashMap::from([("approver".to_string(), vec![approver.id])]),
    };
    let c = caller(org.tenant_id, initiator);
    let inst = service::start(app, &c, input)
        .await
        .map_err(|e| anyhow!("prototype start: {e:?}"))?;
    let after_start = inst.history_seq;
    let mut after_head = after_start;
    for (step, p) in [head, approver].into_iter().enumerate().take(steps) {
        let task = flow_task::Entity::find()
            .filter(flow_task::Column::InstanceId.eq(inst.id))
            .filter(flow_task::Column::State.eq("open"))
            .one(&app.db)
            .await?
            .context("prototype: no open task")?;
        ensure!(task.assignee_id == p.id, "prototype: task for someone else");
        let acted = service::act(
            app,
            &caller(org.tenant_id, p),
            Target::Task(task.id),
            workload::agree,
        )
        .await
        .map_err(|e| anyhow!("prototype agree: {e:?}"))?;
        if step == 0 {
            after_head = acted.instance.history_seq;
        }
    }
    let instance = flow_instance::Entity::find_by_id(inst.id)
        .one(&app.db)
        .await?
        .context("prototype instance")?;
    ensure!(
        instance.status == if steps == 2 { "approved" } else { "running" },
        "prototype ended {}",
        instance.status
    );
    let tasks = flow_task::Entity::find()
        .filter(flow_task::Column::InstanceId.eq(inst.id))
        .order_by_asc(flow_task::Column::TaskNo)
        .all(&app.db)
        .await?;
    let history = flow_history::Entity::find()
        .filter(flow_history::Column::InstanceId.eq(inst.id))
        .order_by_asc(flow_history::Column::Seq)
        .all(&app.db)
        .await?;
    Ok(Proto {
        instance,
        tasks,
        history,
        after_start,
        after_head,
        initiator: initiator.id,
        head: head.id,
        approver: approver.id,
    })
}

/// Replaces the prototype's people, department and amount in a JSON value.
struct Subst<'a> {
    pairs: &'a [(String, String)],
    amount: i64,
}

impl Subst<'_> {
    fn apply(&self, v: &Value) -> Value {
        match v {
            Value::String(s) => {
                let mut s = s.clone();
                for (from, to) in self.pairs {
                    if s.contains(from.as_str()) {
                        s = s.replace(from.as_str(), to);
                    }
                }
                Value::String(s)
            }
            Value::Number(n) if n.as_i64() == Some(PROTO_AMOUNT) => json!(self.amount),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.apply(x)).collect()),
            Value::Object(o) => {
                Value::Object(o.iter().map(|(k, x)| (k.clone(), self.apply(x))).collect())
            }
            other => other.clone(),
        }
    }
}

/// One transaction's worth of rows.
#[derive(Default)]
struct Batch {
    instances: Vec<flow_instance::ActiveModel>,
    tasks: Vec<flow_task::ActiveModel>,
    history: Vec<flow_history::ActiveModel>,
}

struct Generator<'a> {
    org: &'a Org,
    templates: &'a [Template],
    rng: Rng,
    now: DateTime<Utc>,
    finished: usize,
    serials: Vec<u64>,
}

impl Generator<'_> {
    /// Instance `j`: the first `finished` are approved, the rest open (alternately at the head
    /// and at the approver).
    fn instance(&mut self, j: usize, batch: &mut Batch) {
        let rng = &mut self.rng;
        let t = rng.below(self.templates.len());
        let tpl = &self.templates[t];
        let shape = if j < self.finished {
            0
        } else {
            1 + (j - self.finished) % 2
        };
        let proto = &tpl.shapes[shape];
        let initiator = self.org.random_member(rng);
        let head = self.org.head_of(initiator);
        let approver = loop {
            let a = rng.below(self.org.people.len());
            if a != initiator && a != head {
                break a;
            }
        };
        let (pi, ph, pa) = (
            &self.org.people[initiator],
            &self.org.people[head],
            &self.org.people[approver],
        );
        let amount = rng.between(100, 50_000);
        let day = 86_400;
        let (created, t1, t2) = if shape == 0 {
            // spread over the two years before the open ones
            let span = 730 * day - 14 * day;
            let c = self.now.timestamp() - 730 * day
                + (j as f64 / self.finished.max(1) as f64 * span as f64) as i64;
            let t1 = c + rng.between(600, 2 * day);
            (c, t1, t1 + rng.between(600, 2 * day))
        } else {
            let c = self.now.timestamp() - rng.between(3_600, 14 * day);
            let t1 = c + rng.between(60, self.now.timestamp() - c);
            (c, t1, t1)
        };
        let at = |s: i64| DateTime::<Utc>::from_timestamp(s, 0).unwrap_or(self.now);
        let (created, t1, t2) = (at(created), at(t1), at(t2));
        let pairs = [
            (proto.initiator.to_string(), pi.id.to_string()),
            (proto.head.to_string(), ph.id.to_string()),
            (proto.approver.to_string(), pa.id.to_string()),
            (
                proto.instance.department_id.to_string(),
                pi.department_id.to_string(),
            ),
        ];
        let subst = Subst {
            pairs: &pairs,
            amount,
        };
        let person = |id: Uuid| {
            if id == proto.initiator {
                pi.id
            } else if id == proto.head {
                ph.id
            } else if id == proto.approver {
                pa.id
            } else {
                id
            }
        };
        let id = id_at(created, rng);
        let last = if shape == 1 { created } else { t2 };
        let i = &proto.instance;
        self.serials[t] += 1;
        batch.instances.push(flow_instance::ActiveModel {
            id: Set(id),
            tenant_id: Set(i.tenant_id),
            template_id: Set(i.template_id),
            version_id: Set(i.version_id),
            serial_no: Set(Some(format!(
                "{}{}-{:06}",
                tpl.serial_prefix,
                created.format("%Y"),
                1000 + self.serials[t]
            ))),
            title: Set(format!("{}的{}-{amount}", pi.name, tpl.name)),
            initiator_id: Set(pi.id),
            status: Set(i.status.clone()),
            state: Set(subst.apply(&i.state)),
            lock_version: Set(i.lock_version),
            history_seq: Set(i.history_seq),
            department_id: Set(pi.department_id),
            summary: Set(subst.apply(&i.summary)),
            created_at: Set(created),
            updated_at: Set(last),
            finished_at: Set(i.finished_at.map(|_| t2)),
            due_at: Set(None),
        });
        for task in &proto.tasks {
            let at_head = task.assignee_id == proto.head;
            let opened = if at_head { created } else { t1 };
            let closed = if at_head { t1 } else { t2 };
            batch.tasks.push(flow_task::ActiveModel {
                id: Set(id_at(opened, rng)),
                tenant_id: Set(task.tenant_id),
                instance_id: Set(id),
                template_id: Set(task.template_id),
                task_no: Set(task.task_no),
                node_key: Set(task.node_key.clone()),
                node_name: Set(task.node_name.clone()),
                assignee_id: Set(person(task.assignee_id)),
                delegated_by: Set(None),
                principal_id: Set(None),
                state: Set(task.state.clone()),
                close_reason: Set(task.close_reason.clone()),
                opened_at: Set(opened),
                closed_at: Set(task.closed_at.map(|_| closed)),
                due_at: Set(None),
            });
        }
        for h in &proto.history {
            let when = if h.seq < proto.after_start {
                created
            } else if h.seq < proto.after_head {
                t1
            } else {
                t2
            };
            batch.history.push(flow_history::ActiveModel {
                id: Set(id_at(when, rng)),
                tenant_id: Set(h.tenant_id),
                instance_id: Set(id),
                seq: Set(h.seq),
                at: Set(when),
                actor_id: Set(h.actor_id.map(person)),
                acting_for_id: Set(h.acting_for_id.map(person)),
                action: Set(h.action.clone()),
                stance: Set(h.stance.clone()),
                opinion: Set(h.opinion.clone()),
                from_node: Set(h.from_node.clone()),
                to_nodes: Set(h.to_nodes.clone()),
                task_no: Set(h.task_no),
                users: Set(subst.apply(&h.users)),
            });
        }
    }
}

async fn insert(db: &DatabaseConnection, b: Batch) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    let mut instances = b.instances.into_iter().peekable();
    while instances.peek().is_some() {
        flow_instance::Entity::insert_many(instances.by_ref().take(ROWS_PER_INSERT))
            .exec_without_returning(&txn)
            .await?;
    }
    let mut tasks = b.tasks.into_iter().peekable();
    while tasks.peek().is_some() {
        flow_task::Entity::insert_many(tasks.by_ref().take(ROWS_PER_INSERT))
            .exec_without_returning(&txn)
            .await?;
    }
    let mut history = b.history.into_iter().peekable();
    while history.peek().is_some() {
        flow_history::Entity::insert_many(history.by_ref().take(ROWS_PER_INSERT))
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Loads the instances: rows are made on a thread of their own while the previous batch is
/// written.
async fn bulk_load(app: &App, org: &Org, templates: &[Template], p: &Params) -> anyhow::Result<()> {
    let total = p.finished + p.open;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Batch>(2);
    let mut generator = Generator {
        org,
        templates,
        rng: Rng(0x5EED),
        now: Utc::now(),
        finished: p.finished,
        serials: vec![0; templates.len()],
    };
    let started = Instant::now();
    let mut written = 0usize;
    std::thread::scope(|scope| -> anyhow::Result<()> {
        scope.spawn(move || {
            let mut j = 0;
            while j < total {
                let mut batch = Batch::default();
                for k in j..(j + BATCH).min(total) {
                    generator.instance(k, &mut batch);
                }
                j += BATCH;
                if tx.blocking_send(batch).is_err() {
                    return;
                }
            }
        });
        let handle = tokio::runtime::Handle::current();
        tokio::task::block_in_place(|| {
            handle.block_on(async {
                while let Some(batch) = rx.recv().await {
                    let n = batch.instances.len();
                    insert(&app.db, batch).await?;
                    written += n;
                    if written % 100_000 < BATCH {
                        eprintln!(
                            "xietong-bench lists: {written} of {total} instances loaded ({:.0} s)",
                            started.elapsed().as_secs_f64()
                        );
                    }
                }
                Ok::<_, anyhow::Error>(())
            })
        })
    })?;
    ensure!(written == total, "loaded {written} of {total} instances");
    Ok(())
}

/// Sessions for `people`, written as sign-in would write them; returns their cookies.
async fn sessions(app: &App, org: &Org, people: &[usize]) -> anyhow::Result<Vec<Session>> {
    use xietong_server::auth::tokens::{hash_secret, random_secret};
    let now = Utc::now();
    let mut out = Vec::with_capacity(people.len());
    let mut rows = Vec::with_capacity(people.len());
    for &i in people {
        let token = random_secret(32);
        let csrf = random_secret(16);
        rows.push(session::ActiveModel {
            id: Set(xietong_server::ids::new_id()),
            tenant_id: Set(org.tenant_id),
            user_id: Set(org.people[i].id),
            token_hash: Set(hash_secret(&token)),
            csrf_token: Set(csrf.clone()),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(now + Duration::hours(8)),
            ip: Set(None),
            user_agent: Set(None),
            revoked_at: Set(None),
        });
        out.push(Session {
            cookie: format!("xt_session={token}; xt_csrf={csrf}"),
            csrf,
        });
    }
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        session::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&app.db)
            .await?;
    }
    Ok(out)
}

struct Timed {
    ns: Vec<u64>,
    totals: Vec<u64>,
}

impl Timed {
    fn summary(mut self, name: &str, out: &mut Value) {
        self.ns.sort_unstable();
        let n = self.totals.len().max(1) as f64;
        out[format!("{name}_ms_p50")] = json!(round(percentile_ms(&self.ns, 50.0), 3));
        out[format!("{name}_ms_p99")] = json!(round(percentile_ms(&self.ns, 99.0), 3));
        out[format!("{name}_ms_max")] = json!(round(percentile_ms(&self.ns, 100.0), 3));
        out[format!("{name}_total_mean")] =
            json!(round(self.totals.iter().sum::<u64>() as f64 / n, 1));
        out[format!("{name}_total_max")] = json!(self.totals.iter().max());
    }
}

async fn first_page(api: &Api, s: &Session, path: &str, t: &mut Timed) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let r = api.call(s, "GET", path, None).await?;
    let ns = t0.elapsed().as_nanos() as u64;
    ensure!(
        r.status == 200,
        "GET {path}: HTTP {}: {}",
        r.status,
        String::from_utf8_lossy(&r.body)
    );
    let v: Value = serde_json::from_slice(&r.body)?;
    t.ns.push(ns);
    t.totals.push(v["total"].as_u64().unwrap_or(0));
    Ok(())
}

async fn measure(scratch: &Scratch, p: &Params) -> anyhow::Result<Value> {
    let app = scratch.app(None).await?;
    let api = Api::InProcess(xietong_server::http::router(app.clone()));
    let admin = workload::admin(&api).await?;
    let t0 = Instant::now();
    let org = create_org(&app, &api, &admin, p.users).await?;
    let templates = create_templates(&app, &api, &admin, &org, p.templates).await?;
    let setup_s = t0.elapsed().as_secs_f64();

    let t0 = Instant::now();
    bulk_load(&app, &org, &templates, p).await?;
    let load_s = t0.elapsed().as_secs_f64();
    // PostgreSQL's autovacuum would vacuum and analyze the new rows soon; SQLite is left as the
    // server leaves it (no ANALYZE)
    let analyzed = scratch.backend == "postgres";
    if analyzed {
        app.db.execute_unprepared("VACUUM ANALYZE").await?;
    }
    // what a request pays when the cached directory (every person, department, role, the
    // calendar) is older than its 5 s: the lists read it for the tenant's time zone
    app.directory_changed();
    let t0 = Instant::now();
    app.directory(org.tenant_id)
        .await
        .map_err(|e| anyhow!("directory: {e:?}"))?;
    let directory_ms = t0.elapsed().as_secs_f64() * 1e3;
    let instances = scalar_i64(&app.db, "SELECT COUNT(*) AS n FROM flow_instances").await?;
    let tasks = scalar_i64(&app.db, "SELECT COUNT(*) AS n FROM flow_tasks").await?;
    let open = scalar_i64(
        &app.db,
        "SELECT COUNT(*) AS n FROM flow_tasks WHERE state = 'open'",
    )
    .await?;
    let history = scalar_i64(&app.db, "SELECT COUNT(*) AS n FROM flow_history").await?;
    let db_bytes = scratch.size_bytes(&app.db).await?;
    let mut tables = json!({});
    if scratch.backend == "postgres" {
        for t in ["flow_instances", "flow_tasks", "flow_history"] {
            tables[t] = json!(
                scalar_i64(
                    &app.db,
                    &format!("SELECT pg_total_relation_size('{t}') AS n")
                )
                .await?
            );
        }
    }

    // random people, each with a session; a few warm-up requests first
    let mut rng = Rng(0xC0FFEE);
    let picked: Vec<usize> = (0..p.samples)
        .map(|_| rng.below(org.people.len()))
        .collect();
    let cookies = sessions(&app, &org, &picked).await?;
    let q = format!("?page=1&page_size={}", p.page_size);
    let (todo_path, done_path) = (
        format!("/api/v1/flow/todo{q}"),
        format!("/api/v1/flow/done{q}"),
    );
    let mut warm = Timed {
        ns: vec![],
        totals: vec![],
    };
    for s in cookies.iter().take(20) {
        first_page(&api, s, &todo_path, &mut warm).await?;
        first_page(&api, s, &done_path, &mut warm).await?;
    }
    let mut todo = Timed {
        ns: Vec::with_capacity(p.samples),
        totals: Vec::with_capacity(p.samples),
    };
    let mut done = Timed {
        ns: Vec::with_capacity(p.samples),
        totals: Vec::with_capacity(p.samples),
    };
    // the same request path without a list: sign-in check, one user read, JSON
    let mut me_ns = Vec::with_capacity(p.samples);
    for s in &cookies {
        let t0 = Instant::now();
        api.get(s, "/api/v1/me").await?;
        me_ns.push(t0.elapsed().as_nanos() as u64);
        first_page(&api, s, &todo_path, &mut todo).await?;
        first_page(&api, s, &done_path, &mut done).await?;
    }
    me_ns.sort_unstable();
    app.db.clone().close().await.ok();

    let n = instances as f64;
    let mut out = json!({
        "scenario": "lists",
        "backend": scratch.backend,
        "api": "GET /api/v1/flow/todo and /done, first page, through the application router in process (session auth included)",
        "n": instances,
        "users": p.users,
        "finished": p.finished,
        "open": p.open,
        "templates": p.templates,
        "task_rows": tasks,
        "open_tasks": open,
        "history_rows": history,
        "setup_s": round(setup_s, 1),
        "load_s": round(load_s, 1),
        "load_instances_per_s": round(n / load_s.max(1e-9), 0),
        "vacuum_analyze": analyzed,
        "directory_reload_ms": round(directory_ms, 1),
        "samples": p.samples,
        "page_size": p.page_size,
        "db_bytes": db_bytes,
        "db_bytes_per_100k_instances": (db_bytes as f64 / n.max(1.0) * 100_000.0) as u64,
    });
    if scratch.backend == "postgres" {
        out["table_bytes"] = tables;
    }
    out["me_ms_p50"] = json!(round(percentile_ms(&me_ns, 50.0), 3));
    out["me_ms_p99"] = json!(round(percentile_ms(&me_ns, 99.0), 3));
    todo.summary("todo", &mut out);
    done.summary("done", &mut out);
    Ok(out)
}
