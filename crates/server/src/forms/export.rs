//! A template's instances as an xlsx workbook: one row per instance on the first sheet, the
//! rows of detail tables on the second; fields hidden from the caller are left out.

use std::collections::{HashMap, HashSet};

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use serde_json::Value as Json;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use xietong_forms::{Field, FormSpec, Kind};

use crate::app::App;
use crate::auth::access::Perm;
use crate::auth::extract::Authenticated;
use crate::entities::{
    flow_cc, flow_instance, flow_task, flow_template, flow_template_version, user,
};
use crate::error::{AppError, AppResult, Text};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(export_instances))
}

/// Most instances in one export.
const MAX_ROWS: u64 = 20_000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Started at or after.
    pub from: Option<DateTime<Utc>>,
    /// Started before.
    pub to: Option<DateTime<Utc>>,
    /// `running`, `approved`, `rejected` or `cancelled`.
    pub status: Option<String>,
    pub department_id: Option<Uuid>,
}

/// A value as a cell's text (numbers are written as numbers by the caller).
pub fn cell_text(f: &Field, v: &Json) -> String {
    let name = |x: &Json| {
        x.get("name")
            .or_else(|| x.get("title"))
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string()
    };
    match (f.kind, v) {
        (_, Json::Null) => String::new(),
        (_, Json::String(s)) => s.clone(),
        (_, Json::Bool(b)) => if *b { "是" } else { "否" }.into(),
        (_, Json::Number(n)) => n.to_string(),
        (Kind::DateRange, Json::Object(o)) => {
            let s = o.get("start").and_then(Json::as_str).unwrap_or_default();
            let e = o.get("end").and_then(Json::as_str).unwrap_or_default();
            match o.get("days").and_then(Json::as_i64) {
                Some(d) => format!("{s} ~ {e}（{d} 天）"),
                None => format!("{s} ~ {e}"),
            }
        }
        (Kind::Address, Json::Object(o)) => format!(
            "{}{}",
            o.get("region").and_then(Json::as_str).unwrap_or_default(),
            o.get("detail").and_then(Json::as_str).unwrap_or_default()
        ),
        (_, Json::Array(items)) => items
            .iter()
            .map(|i| {
                if i.is_object() {
                    name(i)
                } else {
                    i.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| i.to_string())
                }
            })
            .collect::<Vec<_>>()
            .join("、"),
        (_, Json::Object(_)) => name(v),
    }
}

fn write(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    f: &Field,
    v: Option<&Json>,
) -> Result<(), XlsxError> {
    match v {
        Some(Json::Number(n)) if f.kind.is_numeric() || f.kind == Kind::Computed => {
            ws.write_number(row, col, n.as_f64().unwrap_or_default())?;
        }
        Some(v) => {
            let text = cell_text(f, v);
            if !text.is_empty() {
                ws.write_string(row, col, text)?;
            }
        }
        None => {}
    }
    Ok(())
}

fn status_zh(s: &str) -> &'static str {
    match s {
        "running" => "审批中",
        "approved" => "已通过",
        "rejected" => "已驳回",
        "cancelled" => "已撤销",
        _ => "",
    }
}

/// The template's instances the caller may read, with their form fields, as xlsx.
#[utoipa::path(get, path = "/api/v1/flow/templates/{id}/instances.xlsx", tag = "flow",
    params(("id" = Uuid, Path), ExportQuery),
    responses((status = 200, description = "the workbook"), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
async fn export_instances(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
    Query(q): Query<ExportQuery>,
) -> AppResult<impl IntoResponse> {
    let t = flow_template::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .filter(|t| t.tenant_id == p.tenant_id)
        .ok_or_else(|| {
            AppError::not_found(
                "flow.template_not_found",
                Text::fixed("流程模板不存在", "No such flow template"),
            )
        })?;
    if let Some(s) = q.status.as_deref()
        && !["running", "approved", "rejected", "cancelled"].contains(&s)
    {
        return Err(AppError::bad_request(
            "request.invalid_query",
            Text::fixed(
                "status 只能是 running、approved、rejected 或 cancelled",
                "status must be running, approved, rejected or cancelled",
            ),
        ));
    }
    // Everything for the template's staff and flow administrators; otherwise the instances the
    // caller started, acted on or was copied, with the fields they may see there.
    let staff = p.has(Perm::FlowAdmin) || crate::flow::instances::template_staff(&t, p.user_id);
    let mut nodes: HashMap<Uuid, HashSet<String>> = HashMap::new();
    if !staff {
        let held: Vec<(Uuid, String)> = flow_task::Entity::find()
            .select_only()
            .column(flow_task::Column::InstanceId)
            .column(flow_task::Column::NodeKey)
            .filter(flow_task::Column::TenantId.eq(p.tenant_id))
            .filter(flow_task::Column::TemplateId.eq(id))
            .filter(
                Condition::any()
                    .add(flow_task::Column::AssigneeId.eq(p.user_id))
                    .add(flow_task::Column::PrincipalId.eq(p.user_id)),
            )
            .into_tuple()
            .all(&app.db)
            .await?;
        let copied: Vec<(Uuid, String)> = flow_cc::Entity::find()
            .select_only()
            .column(flow_cc::Column::InstanceId)
            .column(flow_cc::Column::NodeKey)
            .filter(flow_cc::Column::TenantId.eq(p.tenant_id))
            .filter(flow_cc::Column::UserId.eq(p.user_id))
            .into_tuple()
            .all(&app.db)
            .await?;
        for (i, n) in held.into_iter().chain(copied) {
            nodes.entry(i).or_default().insert(n);
        }
    }
    let mut query = flow_instance::Entity::find()
        .filter(flow_instance::Column::TenantId.eq(p.tenant_id))
        .filter(flow_instance::Column::TemplateId.eq(id));
    if !staff {
        query = query.filter(
            Condition::any()
                .add(flow_instance::Column::InitiatorId.eq(p.user_id))
                .add(flow_instance::Column::Id.is_in(nodes.keys().copied().collect::<Vec<_>>())),
        );
    }
    if let Some(a) = q.from {
        query = query.filter(flow_instance::Column::CreatedAt.gte(a));
    }
    if let Some(b) = q.to {
        query = query.filter(flow_instance::Column::CreatedAt.lt(b));
    }
    if let Some(s) = &q.status {
        query = query.filter(flow_instance::Column::Status.eq(s.clone()));
    }
    if let Some(d) = q.department_id {
        query = query.filter(flow_instance::Column::DepartmentId.eq(d));
    }
    let instances = query
        .order_by_asc(flow_instance::Column::CreatedAt)
        .limit(MAX_ROWS)
        .all(&app.db)
        .await?;
    // Columns: the fields of every version, newest version's order first.
    let versions = flow_template_version::Entity::find()
        .filter(flow_template_version::Column::TemplateId.eq(id))
        .order_by_desc(flow_template_version::Column::Version)
        .all(&app.db)
        .await?;
    let forms: HashMap<Uuid, FormSpec> = versions
        .iter()
        .map(|v| {
            (
                v.id,
                serde_json::from_value(v.form.clone()).unwrap_or_default(),
            )
        })
        .collect();
    let mut columns: Vec<Field> = Vec::new();
    let mut tables: Vec<Field> = Vec::new();
    for v in &versions {
        for f in &forms[&v.id].fields {
            let list = if f.kind == Kind::Table {
                &mut tables
            } else {
                &mut columns
            };
            if !f.kind.is_display() && !list.iter().any(|c| c.key == f.key) {
                list.push(f.clone());
            }
        }
    }
    let people: HashMap<Uuid, String> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .filter(user::Column::TenantId.eq(p.tenant_id))
        .into_tuple::<(Uuid, String)>()
        .all(&app.db)
        .await?
        .into_iter()
        .collect();
    let depts = crate::lookup::department_names(&app.db, p.tenant_id).await?;
    let tz = app.time_zone(p.tenant_id).await?;
    let time = |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
    let x = |e: XlsxError| AppError::internal(e);
    let bold = Format::new().set_bold();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("审批单").map_err(x)?;
    let fixed = [
        "流水号",
        "标题",
        "发起人",
        "部门",
        "状态",
        "发起时间",
        "完成时间",
    ];
    for (c, h) in fixed.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(x)?;
    }
    for (c, f) in columns.iter().enumerate() {
        ws.write_string_with_format(0, (fixed.len() + c) as u16, &f.label, &bold)
            .map_err(x)?;
    }
    let mut detail: Vec<(String, &Field, Vec<Json>, Vec<Field>)> = Vec::new();
    for (r, i) in instances.iter().enumerate() {
        let r = r as u32 + 1;
        let form = forms.get(&i.version_id).cloned().unwrap_or_default();
        let data = i
            .state
            .get("form")
            .and_then(Json::as_object)
            .cloned()
            .unwrap_or_default();
        let all = staff || i.initiator_id == p.user_id;
        let seen: Vec<&str> = nodes
            .get(&i.id)
            .map(|n| n.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let sees = |key: &str| all || form.field(key).is_none_or(|f| form.visible_to(&seen, f));
        let serial = i.serial_no.clone().unwrap_or_default();
        ws.write_string(r, 0, &serial).map_err(x)?;
        ws.write_string(r, 1, &i.title).map_err(x)?;
        ws.write_string(
            r,
            2,
            people.get(&i.initiator_id).cloned().unwrap_or_default(),
        )
        .map_err(x)?;
        ws.write_string(
            r,
            3,
            depts.get(&i.department_id).cloned().unwrap_or_default(),
        )
        .map_err(x)?;
        ws.write_string(r, 4, status_zh(&i.status)).map_err(x)?;
        ws.write_string(r, 5, time(i.created_at)).map_err(x)?;
        if let Some(done) = i.finished_at {
            ws.write_string(r, 6, time(done)).map_err(x)?;
        }
        for (c, f) in columns.iter().enumerate() {
            if sees(&f.key) {
                write(ws, r, (fixed.len() + c) as u16, f, data.get(&f.key)).map_err(x)?;
            }
        }
        for t in &tables {
            if !sees(&t.key) {
                continue;
            }
            if let Some(Json::Array(rows)) = data.get(&t.key) {
                let cols = form
                    .field(&t.key)
                    .map_or(t.fields.clone(), |f| f.fields.clone());
                detail.push((serial.clone(), t, rows.clone(), cols));
            }
        }
    }
    if !tables.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name("明细").map_err(x)?;
        let mut row = 0u32;
        let mut header_for: Option<&str> = None;
        for (serial, t, rows, cols) in &detail {
            if header_for != Some(t.key.as_str()) {
                ws.write_string_with_format(row, 0, "流水号", &bold)
                    .map_err(x)?;
                ws.write_string_with_format(row, 1, "明细表", &bold)
                    .map_err(x)?;
                ws.write_string_with_format(row, 2, "行号", &bold)
                    .map_err(x)?;
                for (c, f) in cols.iter().enumerate() {
                    ws.write_string_with_format(row, c as u16 + 3, &f.label, &bold)
                        .map_err(x)?;
                }
                row += 1;
                header_for = Some(t.key.as_str());
            }
            for (n, r) in rows.iter().enumerate() {
                ws.write_string(row, 0, serial).map_err(x)?;
                ws.write_string(row, 1, &t.label).map_err(x)?;
                ws.write_number(row, 2, (n + 1) as f64).map_err(x)?;
                for (c, f) in cols.iter().enumerate() {
                    write(ws, row, c as u16 + 3, f, r.get(&f.key)).map_err(x)?;
                }
                row += 1;
            }
        }
    }
    let body = wb.save_to_buffer().map_err(x)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"instances-{}.xlsx\"", t.id.simple()),
            ),
        ],
        body,
    ))
}
