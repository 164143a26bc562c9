//! The shared approval workload (`shared/bench/WORKLOAD.md`) set up through the API: a small
//! generated org (one department head, one general manager, three countersigners, a few
//! applicants) and the peers' BPMN published as a template with those people assigned.

use std::collections::HashMap;

use anyhow::Context;
use serde_json::{Value, json};
use uuid::Uuid;
use xietong_engine::bpmn;

use xietong_server::audit::Actor;
use xietong_server::auth::access::Role;
use xietong_server::error::AppResult;
use xietong_server::flow::service::{self, Caller, CompiledVersion};

use crate::client::{Api, Session};

/// The password every generated person ends up with.
pub const USER_PASSWORD: &str = "Green-River-88!";

/// A generated person.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: Uuid,
    pub name: String,
    pub department_id: Uuid,
    /// Signed in when the setup was asked to.
    pub session: Session,
}

pub struct Workload {
    pub tenant_id: Uuid,
    pub template_id: Uuid,
    pub applicants: Vec<Person>,
    /// Everyone who approves, by id.
    pub approvers: HashMap<Uuid, Person>,
}

/// The flow service's caller for a person of `tenant_id` (a plain member).
pub fn caller(tenant_id: Uuid, p: &Person) -> Caller {
    Caller {
        tenant_id,
        user_id: p.id,
        name: p.name.clone(),
        department_id: p.department_id,
        post_id: None,
        roles: vec![Role::Member],
        flow_admin: false,
        audit: Actor {
            tenant_id,
            user_id: Some(p.id),
            name: Some(p.name.clone()),
            acting_for: None,
            ip: None,
            request_id: None,
        },
        idempotency_key: None,
        form_write: None,
    }
}

pub fn id(v: &Value) -> anyhow::Result<Uuid> {
    v.as_str()
        .and_then(|s| Uuid::parse_str(s).ok())
        .with_context(|| format!("not an id: {v}"))
}

/// The form data of instance `i`: even instances 5,000 (4 tasks), odd ones 20,000 (5 tasks).
pub fn form(i: usize, applicant: &str) -> serde_json::Map<String, Value> {
    let amount = if i % 2 == 1 { 20000 } else { 5000 };
    let mut form = serde_json::Map::new();
    form.insert("amount".into(), json!(amount));
    form.insert("applicant".into(), json!(applicant));
    form.insert("reason".into(), json!("travel expense"));
    form.insert("currency".into(), json!("CNY"));
    form
}

/// Tasks instance `i` has: 5 above 10,000, else 4.
pub fn expected_tasks(i: usize) -> usize {
    if i % 2 == 1 { 5 } else { 4 }
}

/// The engine action for `service::act`: agree to the task (the same as HTTP's
/// `{"action": "agree", "opinion": "同意"}`).
#[allow(clippy::result_large_err)] // the error type is the service's
pub fn agree(
    task: Option<xietong_engine::TaskId>,
    _: &CompiledVersion,
) -> AppResult<xietong_engine::Action> {
    Ok(xietong_engine::Action::Agree {
        task: task.ok_or_else(service::task_not_found)?,
        opinion: "同意".into(),
        form: None,
    })
}

/// Signs the bootstrap administrator in, past the forced password change.
pub async fn admin(api: &Api) -> anyhow::Result<Session> {
    api.first_login(
        "admin",
        crate::scratch::ADMIN_INITIAL,
        crate::scratch::ADMIN_PASSWORD,
    )
    .await
}

/// Creates the org and the published template; signs everyone in when `sign_in`.
pub async fn set_up(
    api: &Api,
    admin: &Session,
    bpmn_xml: &str,
    applicants: usize,
    sign_in: bool,
) -> anyhow::Result<Workload> {
    let me = api.get(admin, "/api/v1/me").await?;
    let tenant_id = id(&me["tenant"]["id"])?;
    let company = api.get(admin, "/api/v1/companies").await?;
    let dept = api
        .post(
            admin,
            "/api/v1/departments",
            json!({"company_id": company[0]["id"], "name": "基准测试部", "sort_order": 9000}),
        )
        .await?;
    let department_id = id(&dept["id"])?;
    let mut people = Vec::new();
    let names = ["head", "gm", "finance", "legal", "audit"]
        .iter()
        .map(|n| n.to_string())
        .chain((0..applicants).map(|i| format!("applicant{i}")));
    for username in names {
        let username = format!("bench{username}");
        let v = api
            .post(
                admin,
                "/api/v1/users",
                json!({"username": username, "display_name": format!("测试{username}"),
                       "department_id": department_id, "roles": []}),
            )
            .await?;
        let session = if sign_in {
            let initial = v["initial_password"].as_str().unwrap_or_default();
            api.first_login(&username, initial, USER_PASSWORD).await?
        } else {
            Session::default()
        };
        people.push(Person {
            id: id(&v["user"]["id"])?,
            name: v["user"]["display_name"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            department_id,
            session,
        });
    }
    let approvers: Vec<Person> = people.drain(..5).collect();
    let ids: Vec<String> = approvers.iter().map(|p| p.id.to_string()).collect();
    let def = crate::scenarios::engine::assign_participants(
        bpmn::load(bpmn_xml).context("loading the workload BPMN")?,
        [&ids[0], &ids[1], &ids[2], &ids[3], &ids[4]],
    )?;
    let fields = json!({"fields": [
        {"key": "amount", "label": "金额", "kind": "money", "required": true},
        {"key": "applicant", "label": "申请人", "kind": "text"},
        {"key": "reason", "label": "事由", "kind": "text"},
        {"key": "currency", "label": "币种", "kind": "text"}]});
    let t = api
        .post(
            admin,
            "/api/v1/flow/templates",
            json!({"name": "OA 审批（基准）", "form": fields, "supervisor_id": me["id"],
                   "definition": {"kind": "bpmn", "bpmn": bpmn::export(def.graph())}}),
        )
        .await?;
    let template_id = id(&t["id"])?;
    api.post(
        admin,
        &format!("/api/v1/flow/templates/{template_id}/publish"),
        json!({}),
    )
    .await?;
    Ok(Workload {
        tenant_id,
        template_id,
        applicants: people,
        approvers: approvers.into_iter().map(|p| (p.id, p)).collect(),
    })
}
