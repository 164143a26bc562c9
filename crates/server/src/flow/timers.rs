//! Flow timers (boundary timers on tasks) as durable jobs: the job is enqueued in the
//! transaction of the action that set the timer, cancelled in the one that cleared it, and
//! fires the timer through the flow service like any other action.

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

/// The job kind.
pub const KIND: &str = "flow.timer";

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
    let system = Caller {
        tenant_id: j.tenant_id,
        user_id: Uuid::nil(),
        name: "系统".into(),
        department_id: Uuid::nil(),
        post_id: None,
        roles: Vec::new(),
        flow_admin: false,
        audit: Actor::system(j.tenant_id),
        idempotency_key: None,
    };
    let timer = engine::TimerId(p.timer);
    match service::act(app, &system, Target::Instance(p.instance_id), |_, _| {
        Ok(engine::Action::FireTimer { timer })
    })
    .await
    {
        Ok(_) => Ok(()),
        Err(e)
            if e.code == "flow.instance_finished"
                || e.code == "flow.instance_not_found"
                || (e.code == "flow.refused"
                    && e.details
                        .as_ref()
                        .is_some_and(|d| d["reason"] == "TimerNotFound")) =>
        {
            Ok(())
        }
        Err(e) => Err(JobFailure::retry(format!(
            "{}: {}",
            e.code,
            e.text.get(crate::i18n::Lang::En)
        ))),
    }
}
