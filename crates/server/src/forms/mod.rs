//! Form data on its way in: the pure checks of `xietong-forms` plus what needs the database —
//! uploaded files, people and departments, linked instances, unique values, working days —
//! and, once accepted, the rows that record it (unique values held, files attached).

pub mod builtin;
pub mod export;
pub mod volumes;

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Map, Value as Json};
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;
use xietong_forms::issue::{Label, data_issue};
use xietong_forms::{Env, Field, FormSpec, Issue, Kind, Options, Perm};

use crate::app::App;
use crate::entities::{file, flow_instance, form_unique_value};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::flow::service::{Caller, CompiledVersion, Directory};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(utoipa_axum::routes!(builtin::install_builtins))
        .merge(export::routes())
        .merge(volumes::routes())
}

/// What is being written.
pub enum Write<'a> {
    /// A new instance: the whole form.
    Start,
    /// The initiator resubmits after a send-back: fields replace the current ones.
    Resubmit {
        instance: Uuid,
        current: &'a Map<String, Json>,
    },
    /// An approver at `node` changes the fields editable there.
    Edit {
        instance: Uuid,
        node: &'a str,
        current: &'a Map<String, Json>,
    },
}

/// Accepted form data and what to record with it.
#[derive(Debug, Default)]
pub struct Accepted {
    /// The whole form as kept (normalised).
    pub data: Map<String, Json>,
    /// Files in it: (file, field key).
    pub files: Vec<(Uuid, String)>,
    /// Values of unique fields: (field key, value).
    pub unique: Vec<(String, String)>,
}

impl Accepted {
    /// The patch for the engine: every kept field, and `null` for fields the form no longer
    /// holds (hidden by a visibility rule after the change).
    pub fn patch(&self, current: &Map<String, Json>) -> Map<String, Json> {
        let mut patch = self.data.clone();
        for k in current.keys() {
            if !patch.contains_key(k) {
                patch.insert(k.clone(), Json::Null);
            }
        }
        patch
    }
}

fn to_errors(issues: Vec<Issue>) -> AppError {
    AppError::validation(
        issues
            .into_iter()
            .map(|i| FieldError::new(i.field, i.code, Text::owned(i.zh, i.en)))
            .collect(),
    )
}

fn issue(field: &Field, at: &str, code: &'static str, arg: &str) -> Issue {
    data_issue(at.to_string(), code, &Label::plain(&field.label), arg)
}

/// Ids of the objects (`{"id": …}`) in a value: one, or a list of them.
fn ids(v: &Json) -> Vec<&str> {
    match v {
        Json::Array(items) => items.iter().filter_map(|i| i.get("id")?.as_str()).collect(),
        Json::Object(_) => v.get("id").and_then(Json::as_str).into_iter().collect(),
        _ => vec![],
    }
}

/// Checks and normalises form data for a start, resubmission or edit; nothing is written.
pub async fn accept(
    app: &App,
    c: &Caller,
    v: &CompiledVersion,
    dir: &Directory,
    input: &Map<String, Json>,
    write: Write<'_>,
) -> AppResult<Accepted> {
    let form = &v.form;
    let (mut merged, instance) = match &write {
        Write::Start => (input.clone(), None),
        Write::Resubmit { instance, current }
        | Write::Edit {
            instance, current, ..
        } => {
            let mut m = (*current).clone();
            m.extend(input.iter().map(|(k, v)| (k.clone(), v.clone())));
            (m, Some(*instance))
        }
    };
    let mut issues = Vec::new();
    {
        let (node, current) = match &write {
            Write::Edit { node, current, .. } => (Some(*node), Some(*current)),
            Write::Resubmit { current, .. } => (None, Some(*current)),
            Write::Start => (None, None),
        };
        // Values sent back unchanged (or empty) are not writes.
        for (k, v) in input {
            if let Some(f) = form.field(k)
                && !f.kind.is_derived()
                && form.permission(node, f) != Perm::Edit
                && !xietong_forms::validate::is_empty(f.kind, Some(v))
                && current.and_then(|c| c.get(k)) != Some(v)
            {
                issues.push(issue(f, &format!("form.{k}"), "form.not_editable", ""));
            }
        }
        if !issues.is_empty() {
            return Err(to_errors(issues));
        }
    }
    // Files: the stored facts replace what the client said; only the caller's own uploads (or
    // files already in this instance) may be used.
    let mut file_ids = Vec::new();
    for f in form.fields.iter().filter(|f| f.kind.is_file()) {
        if let Some(val) = merged.get(&f.key) {
            file_ids.extend(ids(val).into_iter().filter_map(|s| s.parse::<Uuid>().ok()));
        }
    }
    let files = crate::files::load(&app.db, c.tenant_id, &file_ids).await?;
    let mut attached = Vec::new();
    for f in form.fields.iter().filter(|f| f.kind.is_file()) {
        let Some(val) = merged.get(&f.key).cloned() else {
            continue;
        };
        let mut bad = false;
        let mut replace = |item: &Json| -> Json {
            let stored = item
                .get("id")
                .and_then(Json::as_str)
                .and_then(|s| s.parse::<Uuid>().ok())
                .and_then(|id| files.get(&id))
                .filter(|m| {
                    m.uploaded_by == c.user_id || (instance.is_some() && m.instance_id == instance)
                });
            match stored {
                Some(m) => {
                    attached.push((m.id, f.key.clone()));
                    serde_json::to_value(crate::files::FileRef::from(m)).unwrap_or(Json::Null)
                }
                None => {
                    if item.is_object() {
                        bad = true;
                    }
                    item.clone()
                }
            }
        };
        let new = match &val {
            Json::Array(items) => Json::Array(items.iter().map(&mut replace).collect()),
            Json::Object(_) => replace(&val),
            other => other.clone(),
        };
        if bad {
            issues.push(issue(
                f,
                &format!("form.{}", f.key),
                "form.file_unknown",
                "",
            ));
        }
        merged.insert(f.key.clone(), new);
    }
    // People and departments must exist in the tenant; only new values are checked (someone who
    // has left stays on an old form).
    for f in form
        .fields
        .iter()
        .filter(|f| matches!(f.kind, Kind::User | Kind::Department | Kind::Table))
    {
        let Some(val) = input.get(&f.key) else {
            continue;
        };
        let found = |kind: Kind, id: &str| -> bool {
            let Ok(id) = id.parse::<Uuid>() else {
                return false;
            };
            match kind {
                Kind::User => dir.org.users.get(&id).is_some_and(|u| u.active),
                _ => dir.org.departments.contains_key(&id),
            }
        };
        let missing = if f.kind == Kind::Table {
            val.as_array().into_iter().flatten().any(|row| {
                f.fields
                    .iter()
                    .filter(|c| matches!(c.kind, Kind::User | Kind::Department))
                    .any(|c| {
                        row.get(&c.key)
                            .is_some_and(|cell| ids(cell).iter().any(|id| !found(c.kind, id)))
                    })
            })
        } else {
            ids(val).iter().any(|id| !found(f.kind, id))
        };
        if missing {
            issues.push(issue(f, &format!("form.{}", f.key), "form.not_found", ""));
        }
    }
    // Linked instances: approved, of an allowed template, readable by the caller.
    for f in form.fields.iter().filter(|f| f.kind == Kind::Related) {
        let Some(val) = input.get(&f.key).filter(|v| !v.is_null()) else {
            continue;
        };
        let target = val
            .get("id")
            .and_then(Json::as_str)
            .and_then(|s| s.parse::<Uuid>().ok());
        let found = match target {
            Some(id) => flow_instance::Entity::find_by_id(id)
                .one(&app.db)
                .await?
                .filter(|i| i.tenant_id == c.tenant_id && i.status == "approved")
                .filter(|i| {
                    f.templates.is_empty() || f.templates.contains(&i.template_id.to_string())
                }),
            None => None,
        };
        let readable = match &found {
            Some(i) => crate::flow::instances::viewer(app, c, i).await?.is_some(),
            None => false,
        };
        match found.filter(|_| readable) {
            Some(i) => {
                merged.insert(
                    f.key.clone(),
                    serde_json::json!({"id": i.id, "title": i.title, "serial_no": i.serial_no}),
                );
            }
            None if val.is_object() => {
                issues.push(issue(f, &format!("form.{}", f.key), "form.related", ""))
            }
            None => {}
        }
    }
    let checked = {
        let today = Utc::now().with_timezone(&dir.time_zone).date_naive();
        let calendar = &dir.calendar;
        let working_days = |a: &str, b: &str| -> Option<i64> {
            let a = NaiveDate::parse_from_str(a, "%Y-%m-%d").ok()?;
            let b = NaiveDate::parse_from_str(b, "%Y-%m-%d").ok()?;
            Some(calendar.working_days_between(a, b.succ_opt()?))
        };
        let env = Env {
            today: today.format("%Y-%m-%d").to_string(),
            working_days: Some(&working_days),
        };
        xietong_forms::prepare(form, &merged, &env, Options::default())
    };
    let data = match checked {
        Ok(data) if issues.is_empty() => data,
        Ok(_) => return Err(to_errors(issues)),
        Err(more) => {
            // One problem per field, in the form's order: what the database found first.
            let root = |i: &Issue| {
                let key = i.field.trim_start_matches("form.");
                let key = key.split(['[', '.']).next().unwrap_or(key).to_string();
                form.fields
                    .iter()
                    .position(|f| f.key == key)
                    .unwrap_or(usize::MAX)
            };
            let taken: Vec<String> = issues.iter().map(|i| i.field.clone()).collect();
            issues.extend(more.into_iter().filter(|i| !taken.contains(&i.field)));
            issues.sort_by_key(root);
            return Err(to_errors(issues));
        }
    };
    // Unique values: no other live instance of the template holds them.
    let mut unique = Vec::new();
    for f in form.fields.iter().filter(|f| f.unique) {
        let value = match data.get(&f.key) {
            Some(Json::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(Json::Number(n)) => n.to_string(),
            _ => continue,
        };
        if let Some(holder) =
            unique_holder(&app.db, c.tenant_id, v.template_id, &f.key, &value).await?
            && Some(holder) != instance
        {
            return Err(to_errors(vec![issue(
                f,
                &format!("form.{}", f.key),
                "form.unique",
                &value,
            )]));
        }
        unique.push((f.key.clone(), value));
    }
    attached.retain(|(id, key)| {
        data.get(key)
            .is_some_and(|v| ids(v).contains(&id.to_string().as_str()))
    });
    Ok(Accepted {
        data,
        files: attached,
        unique,
    })
}

/// The live (running or approved) instance holding a unique value.
async fn unique_holder<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    template: Uuid,
    key: &str,
    value: &str,
) -> AppResult<Option<Uuid>> {
    let Some(row) = form_unique_value::Entity::find_by_id((
        tenant,
        template,
        key.to_string(),
        value.to_string(),
    ))
    .one(db)
    .await?
    else {
        return Ok(None);
    };
    let live = flow_instance::Entity::find_by_id(row.instance_id)
        .one(db)
        .await?
        .is_some_and(|i| i.status == "running" || i.status == "approved");
    Ok(live.then_some(row.instance_id))
}

/// Records accepted data of `instance` in the caller's transaction: unique values held (a value
/// taken by another live instance meanwhile is refused) and files attached.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    template: Uuid,
    instance: Uuid,
    form: &FormSpec,
    accepted: &Accepted,
) -> AppResult<()> {
    if !form.fields.iter().any(|f| f.unique) && accepted.files.is_empty() {
        return Ok(());
    }
    // Values this instance held before and no longer has are released.
    for f in form.fields.iter().filter(|f| f.unique) {
        let mut del = form_unique_value::Entity::delete_many()
            .filter(form_unique_value::Column::TenantId.eq(tenant))
            .filter(form_unique_value::Column::TemplateId.eq(template))
            .filter(form_unique_value::Column::FieldKey.eq(f.key.clone()))
            .filter(form_unique_value::Column::InstanceId.eq(instance));
        if let Some((_, v)) = accepted.unique.iter().find(|(k, _)| k == &f.key) {
            del = del.filter(form_unique_value::Column::Value.ne(v.clone()));
        }
        del.exec(db).await?;
    }
    for (key, value) in &accepted.unique {
        let label = form.field(key).map_or(key.as_str(), |f| f.label.as_str());
        let taken = || {
            let i = data_issue(
                format!("form.{key}"),
                "form.unique",
                &Label::plain(label),
                value,
            );
            to_errors(vec![i])
        };
        let pk = (tenant, template, key.clone(), value.clone());
        match form_unique_value::Entity::find_by_id(pk).one(db).await? {
            Some(row) if row.instance_id == instance => {}
            Some(row) => {
                if unique_holder(db, tenant, template, key, value)
                    .await?
                    .is_some()
                {
                    return Err(taken());
                }
                // Held by an instance that ended: take it over, unless someone just did.
                let res = form_unique_value::Entity::update_many()
                    .col_expr(
                        form_unique_value::Column::InstanceId,
                        sea_orm::sea_query::Expr::value(instance),
                    )
                    .filter(form_unique_value::Column::TenantId.eq(tenant))
                    .filter(form_unique_value::Column::TemplateId.eq(template))
                    .filter(form_unique_value::Column::FieldKey.eq(key.clone()))
                    .filter(form_unique_value::Column::Value.eq(value.clone()))
                    .filter(form_unique_value::Column::InstanceId.eq(row.instance_id))
                    .exec(db)
                    .await?;
                if res.rows_affected == 0 {
                    return Err(taken());
                }
            }
            None => {
                let res = form_unique_value::Entity::insert(form_unique_value::ActiveModel {
                    tenant_id: Set(tenant),
                    template_id: Set(template),
                    field_key: Set(key.clone()),
                    value: Set(value.clone()),
                    instance_id: Set(instance),
                })
                .exec_without_returning(db)
                .await;
                // Two starts at once: the primary key lets one through.
                match res {
                    Ok(_) => {}
                    Err(e)
                        if matches!(
                            e.sql_err(),
                            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                        ) =>
                    {
                        return Err(taken());
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }
    let mut by_field: HashMap<&str, Vec<Uuid>> = HashMap::new();
    for (id, key) in &accepted.files {
        by_field.entry(key.as_str()).or_default().push(*id);
    }
    for (key, ids) in by_field {
        file::Entity::update_many()
            .col_expr(
                file::Column::InstanceId,
                sea_orm::sea_query::Expr::value(instance),
            )
            .col_expr(file::Column::FieldKey, sea_orm::sea_query::Expr::value(key))
            .filter(file::Column::TenantId.eq(tenant))
            .filter(file::Column::Id.is_in(ids))
            .exec(db)
            .await?;
    }
    Ok(())
}
