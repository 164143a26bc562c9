//! Flow timers as durable jobs: boundary timers on tasks (`flow.timer`) and task due times
//! (`flow.overdue`). A job is enqueued in the transaction of the action that set the timer or
//! opened the task, cancelled in the one that cleared it, and runs through the flow service like
//! any other action.

use chrono::{DateTime, Utc};
use sea_orm::{DbBackend, Statement};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use xietong_engine as engine;

use super::service::{self, Caller, Target};
use crate::app::App;
use crate::audit::Actor;
use crate::entities::job;
use crate::jobs::{self, JobFailure, NewJob};

/// The job kind of boundary timers.
pub const KIND: &str = "flow.timer";

/// The job kind of task due times.
pub const KIND_OVERDUE: &str = "flow.overdue";

/// The job kind of reminders before a task's due time.
pub const KIND_REMINDER: &str = "flow.reminder";

/// The job kind of whole-flow due times (办结时限).
pub const KIND_FLOW_OVERDUE: &str = "flow.flow_overdue";

#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    instance_id: Uuid,
    timer: u32,
}

/// The dedupe key of a timer's job.
pub fn key(instance: Uuid, timer: engine::TimerId) -> String {
    format!("{KIND}:{instance}:{}", timer.0)
}

/// The job that fires `timer` of `instance` at `at`.
pub fn schedule(
    backend: DbBackend,
    tenant: Uuid,
    instance: Uuid,
    timer: engine::TimerId,
    at: DateTime<Utc>,
) -> Statement {
    let payload = serde_json::to_value(Payload {
        instance_id: instance,
        timer: timer.0,
    })
    .expect("payload serialises");
    jobs::enqueue_statement(
        backend,
        &NewJob::new(tenant, KIND, payload)
            .at(at)
            .dedupe(key(instance, timer)),
    )
}

/// Cancels the job of a timer that was cleared before it fired.
pub fn cancel(
    backend: DbBackend,
    tenant: Uuid,
    instance: Uuid,
    timer: engine::TimerId,
) -> Statement {
    jobs::cancel_statement(backend, tenant, &key(instance, timer))
}

/// Runs a timer job: the engine fires the timer; a timer the instance no longer has (fired,
/// cleared, or the instance ended) is done with nothing to do.
pub async fn fire(app: &App, j: &job::Model) -> Result<(), JobFailure> {
    let p: Payload = serde_json::from_value(j.payload.clone())
        .map_err(|e| JobFailure::permanent(format!("bad payload: {e}")))?;
    let timer = engine::TimerId(p.timer);
    act_as_system(
        app,
        j,
        p.instance_id,
        engine::Action::FireTimer { timer },
        &["TimerNotFound"],
    )
    .await
}

#[derive(Debug, Serialize, Deserialize)]
struct OverduePayload {
    instance_id: Uuid,
    task: u32,
}

fn overdue_prefix(instance: Uuid, task: engine::TaskId) -> String {
    format!("{KIND_OVERDUE}:{instance}:{}:", task.0)
}

/// The job that handles `task` of `instance` going overdue at `due` (one per due time: a moved
/// due time gets a job of its own; the old one then finds the task not overdue).
pub fn schedule_overdue(
    backend: DbBackend,
    tenant: Uuid,
    instance: Uuid,
    task: engine::TaskId,
    due: DateTime<Utc>,
) -> Statement {
    let payload = serde_json::to_value(OverduePayload {
        instance_id: instance,
        task: task.0,
    })
    .expect("payload serialises");
    jobs::enqueue_statement(
        backend,
        &NewJob::new(tenant, KIND_OVERDUE, payload)
            .at(due)
            .dedupe(format!(
                "{}{}",
                overdue_prefix(instance, task),
                due.timestamp()
            )),
    )
}

#[derive(Debug, Serialize, Deserialize)]
struct ReminderPayload {
    instance_id: Uuid,
    task: u32,
    /// The due time it reminds of: a task whose due time moved since has a newer reminder.
    due: DateTime<Utc>,
}

/// The job that reminds the holder of `task` at `at` that it is due at `due`. Its key shares the
/// task's due-time prefix, so closing the task cancels both with one statement.
pub fn schedule_reminder(
    backend: DbBackend,
    tenant: Uuid,
    instance: Uuid,
    task: engine::TaskId,
    at: DateTime<Utc>,
    due: DateTime<Utc>,
) -> Statement {
    let payload = serde_json::to_value(ReminderPayload {
        instance_id: instance,
        task: task.0,
        due,
    })
    .expect("payload serialises");
    jobs::enqueue_statement(
        backend,
        &NewJob::new(tenant, KIND_REMINDER, payload)
            .at(at)
            .dedupe(format!(
                "{}remind:{}",
                overdue_prefix(instance, task),
                due.timestamp()
            )),
    )
}

/// Runs a reminder: the task's holder is told it is due soon, if it is still open, due at the
/// same time, and not handled as overdue.
pub async fn remind(app: &App, j: &job::Model) -> Result<(), JobFailure> {
    use crate::entities::flow_task;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let p: ReminderPayload = serde_json::from_value(j.payload.clone())
        .map_err(|e| JobFailure::permanent(format!("bad payload: {e}")))?;
    let task = flow_task::Entity::find()
        .filter(flow_task::Column::TenantId.eq(j.tenant_id))
        .filter(flow_task::Column::InstanceId.eq(p.instance_id))
        .filter(flow_task::Column::TaskNo.eq(p.task as i32))
        .one(&app.db)
        .await
        .map_err(|e| JobFailure::retry(e.to_string()))?;
    let Some(task) = task else {
        return Ok(());
    };
    if task.state != "open" || task.due_at.map(|d| d.timestamp()) != Some(p.due.timestamp()) {
        return Ok(());
    }
    crate::notifications::send(
        &app.db,
        vec![crate::notifications::Notice {
            tenant: j.tenant_id,
            user: task.assignee_id,
            kind: "reminder",
            instance: Some(p.instance_id),
            task_no: Some(task.task_no),
            data: serde_json::json!({ "node_name": task.node_name, "due_at": p.due }),
        }],
    )
    .await
    .map_err(|e| JobFailure::retry(e.code.to_string()))?;
    app.live.wake();
    Ok(())
}

fn flow_overdue_key(instance: Uuid) -> String {
    format!("{KIND_FLOW_OVERDUE}:{instance}")
}

/// The job that handles the whole flow going past its due time.
pub fn schedule_flow_overdue(
    backend: DbBackend,
    tenant: Uuid,
    instance: Uuid,
    due: DateTime<Utc>,
) -> Statement {
    jobs::enqueue_statement(
        backend,
        &NewJob::new(
            tenant,
            KIND_FLOW_OVERDUE,
            serde_json::json!({ "instance_id": instance }),
        )
        .at(due)
        .dedupe(flow_overdue_key(instance)),
    )
}

/// Cancels the whole-flow due-time job of an instance that finished.
pub fn cancel_flow_overdue(backend: DbBackend, tenant: Uuid, instance: Uuid) -> Statement {
    jobs::cancel_statement(backend, tenant, &flow_overdue_key(instance))
}

/// Runs a whole-flow due-time job through the engine (once; a finished instance needs nothing).
pub async fn flow_overdue(app: &App, j: &job::Model) -> Result<(), JobFailure> {
    let instance = jobs::payload_id(j, "instance_id")?;
    act_as_system(
        app,
        j,
        instance,
        engine::Action::FlowOverdue,
        &["NotOverdue", "AlreadyOverdue"],
    )
    .await
}

/// Cancels the pending due-time jobs of a task that closed.
pub fn cancel_overdue(
    backend: DbBackend,
    tenant: Uuid,
    instance: Uuid,
    task: engine::TaskId,
) -> Statement {
    jobs::cancel_prefix_statement(backend, tenant, &overdue_prefix(instance, task))
}

/// The system as a caller of the flow service.
pub(crate) fn system(tenant: Uuid) -> Caller {
    Caller {
        tenant_id: tenant,
        user_id: Uuid::nil(),
        name: "系统".into(),
        department_id: Uuid::nil(),
        post_id: None,
        roles: Vec::new(),
        flow_admin: false,
        audit: Actor::system(tenant),
        idempotency_key: None,
        form_write: None,
    }
}

/// Runs a due-time job: the engine applies the node's overdue policy, once; a task that closed,
/// moved its due time or was handled already needs nothing.
pub async fn overdue(app: &App, j: &job::Model) -> Result<(), JobFailure> {
    let p: OverduePayload = serde_json::from_value(j.payload.clone())
        .map_err(|e| JobFailure::permanent(format!("bad payload: {e}")))?;
    let task = engine::TaskId(p.task);
    act_as_system(
        app,
        j,
        p.instance_id,
        engine::Action::Overdue { task },
        &["NotOverdue", "AlreadyOverdue", "TaskNotOpen"],
    )
    .await
}

/// Applies `action` to the instance as the system. The instance or task being gone, or the
/// engine refusing for one of `nothing_left` (the job's purpose was met some other way), is
/// done; any other failure is retried.
async fn act_as_system(
    app: &App,
    j: &job::Model,
    instance: Uuid,
    action: engine::Action,
    nothing_left: &[&str],
) -> Result<(), JobFailure> {
    match service::act(
        app,
        &system(j.tenant_id),
        Target::Instance(instance),
        |_, _| Ok(action.clone()),
    )
    .await
    {
        Ok(_) => Ok(()),
        Err(e) if nothing_to_do(&e, nothing_left) => Ok(()),
        Err(e) => Err(JobFailure::retry(format!(
            "{}: {}",
            e.code,
            e.text.get(crate::i18n::Lang::En)
        ))),
    }
}

/// The instance or task is gone, or the engine refuses for one of `reasons`.
fn nothing_to_do(e: &crate::error::AppError, reasons: &[&str]) -> bool {
    matches!(
        e.code,
        "flow.instance_finished" | "flow.instance_not_found" | "flow.task_closed"
    ) || (e.code == "flow.refused"
        && e.details
            .as_ref()
            .and_then(|d| d["reason"].as_str())
            .is_some_and(|r| reasons.contains(&r)))
}
