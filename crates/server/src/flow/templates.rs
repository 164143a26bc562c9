//! `/api/v1/flow/templates`: create and edit drafts, publish immutable versions, disable and
//! enable, list what a user may start, export and import a template as one JSON file.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use xietong_engine::{bpmn, tree};

use super::definition::{DefinitionInput, FormSpec, TemplateSettings, compile};
use crate::app::App;
use crate::audit::{self, Change};
use crate::auth::access::{Authorized, FlowAdmin, Perm};
use crate::auth::extract::{Authenticated, Principal};
use crate::entities::{flow_template, flow_template_version, user};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::http::extract::{Json, Path};
use crate::ids::new_id;
use crate::org::directory::OrgSnapshot;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_templates, create_template))
        .routes(routes!(get_template, update_template))
        .routes(routes!(publish_template))
        .routes(routes!(set_enabled))
        .routes(routes!(list_versions))
        .routes(routes!(export_template))
        .routes(routes!(import_template))
}

/// A template as its editors and starters see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateView {
    pub id: Uuid,
    pub name: String,
    pub category: String,
    pub icon: String,
    pub description: String,
    /// `draft` (never published), `active` or `disabled`.
    pub status: String,
    pub current_version_id: Option<Uuid>,
    pub latest_version: i32,
    /// The one supervisor (督办者) of R5.
    pub supervisor_id: Option<Uuid>,
    pub settings: TemplateSettings,
    pub form: FormSpec,
    pub definition: DefinitionInput,
    pub updated_at: DateTime<Utc>,
}

fn view(m: flow_template::Model) -> TemplateView {
    TemplateView {
        settings: serde_json::from_value(m.settings).unwrap_or_default(),
        form: serde_json::from_value(m.form).unwrap_or_default(),
        definition: DefinitionInput::from_stored(&m.definition_kind, &m.definition).unwrap_or(
            DefinitionInput::Tree {
                tree: serde_json::json!({"key": "", "nodes": []}),
            },
        ),
        id: m.id,
        name: m.name,
        category: m.category,
        icon: m.icon,
        description: m.description,
        status: m.status,
        current_version_id: m.current_version_id,
        latest_version: m.latest_version,
        supervisor_id: m.supervisor_id,
        updated_at: m.updated_at,
    }
}

/// Template fields; on update every field is optional.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct TemplateInput {
    pub name: Option<String>,
    pub category: Option<String>,
    pub icon: Option<String>,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "crate::org::double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub supervisor_id: Option<Option<Uuid>>,
    pub settings: Option<TemplateSettings>,
    pub form: Option<FormSpec>,
    pub definition: Option<DefinitionInput>,
}

fn not_found() -> AppError {
    AppError::not_found(
        "flow.template_not_found",
        Text::fixed("流程模板不存在", "No such flow template"),
    )
}

async fn template_in(app: &App, tenant: Uuid, id: Uuid) -> AppResult<flow_template::Model> {
    flow_template::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .filter(|t| t.tenant_id == tenant)
        .ok_or_else(not_found)
}

/// Flow administrators of the tenant, and the template's own administrators, edit it.
fn may_edit(p: &Principal, t: &flow_template::Model) -> bool {
    p.has(Perm::FlowAdmin)
        || serde_json::from_value::<TemplateSettings>(t.settings.clone())
            .is_ok_and(|s| s.admins.contains(&p.user_id))
}

/// Whether `p` may start an instance of a template with these settings.
pub fn may_start(p: &Principal, s: &TemplateSettings, org: &OrgSnapshot) -> bool {
    super::service::may_start(&super::service::Caller::from(p), s, org)
}

async fn check_input(
    app: &App,
    tenant: Uuid,
    req: &TemplateInput,
    form: &FormSpec,
    settings: &TemplateSettings,
) -> AppResult<Vec<FieldError>> {
    let mut errors = Vec::new();
    if let Some(n) = &req.name {
        crate::org::validate::name("name", n, &mut errors);
    }
    if let Some(c) = &req.category {
        crate::org::validate::name("category", c, &mut errors);
    }
    if req.icon.as_ref().is_some_and(|i| i.chars().count() > 64) {
        errors.push(FieldError::new(
            "icon",
            "flow.icon",
            Text::fixed("图标名称过长", "Icon name is too long"),
        ));
    }
    if req
        .description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 2000)
    {
        errors.push(FieldError::new(
            "description",
            "flow.description",
            Text::fixed("说明最多 2000 字", "Description is at most 2000 characters"),
        ));
    }
    super::definition::check_form_spec(form, &mut errors);
    settings.validate(form, &mut errors);
    let mut people: Vec<Uuid> = settings.admins.clone();
    people.extend(settings.starter_users.iter().copied());
    if let Some(Some(s)) = req.supervisor_id {
        people.push(s);
    }
    if !people.is_empty() {
        let found = user::Entity::find()
            .filter(user::Column::TenantId.eq(tenant))
            .filter(user::Column::Id.is_in(people.clone()))
            .all(&app.db)
            .await?;
        if found.len()
            < people
                .iter()
                .collect::<std::collections::HashSet<_>>()
                .len()
        {
            errors.push(FieldError::new(
                "settings",
                "org.user_not_found",
                Text::fixed(
                    "所选人员中有不存在的用户",
                    "Some chosen people do not exist",
                ),
            ));
        }
    }
    Ok(errors)
}

/// Templates: all of them for flow administrators; the active ones the caller may start otherwise.
#[utoipa::path(get, path = "/api/v1/flow/templates", tag = "flow", responses((status = 200, body = Vec<TemplateView>)))]
async fn list_templates(
    State(app): State<App>,
    Authenticated(p): Authenticated,
) -> AppResult<axum::Json<Vec<TemplateView>>> {
    let rows = flow_template::Entity::find()
        .filter(flow_template::Column::TenantId.eq(p.tenant_id))
        .order_by_asc(flow_template::Column::Category)
        .order_by_asc(flow_template::Column::Name)
        .all(&app.db)
        .await?;
    let org = OrgSnapshot::load(&app.db, p.tenant_id).await?;
    Ok(axum::Json(
        rows.into_iter()
            .filter(|t| {
                may_edit(&p, t)
                    || (t.status == "active"
                        && may_start(
                            &p,
                            &serde_json::from_value(t.settings.clone()).unwrap_or_default(),
                            &org,
                        ))
            })
            .map(view)
            .collect(),
    ))
}

/// Creates a draft template.
#[utoipa::path(post, path = "/api/v1/flow/templates", tag = "flow", request_body = TemplateInput,
    responses((status = 200, body = TemplateView), (status = 422, body = crate::error::ErrorBody)))]
async fn create_template(
    State(app): State<App>,
    who: Authorized<FlowAdmin>,
    Json(req): Json<TemplateInput>,
) -> AppResult<axum::Json<TemplateView>> {
    let form = req.form.clone().unwrap_or_default();
    let settings = req.settings.clone().unwrap_or_default();
    let mut errors = check_input(&app, who.tenant_id, &req, &form, &settings).await?;
    if req.name.is_none() {
        errors.push(FieldError::new(
            "name",
            "name.invalid",
            Text::fixed("请填写名称", "A name is required"),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let id = new_id();
    let definition = req.definition.clone().unwrap_or(DefinitionInput::Tree {
        tree: serde_json::json!({"key": format!("flow_{}", id.simple()), "nodes": []}),
    });
    let now = Utc::now();
    let txn = app.db.begin().await?;
    let m = flow_template::ActiveModel {
        id: Set(id),
        tenant_id: Set(who.tenant_id),
        name: Set(req.name.clone().unwrap_or_default().trim().to_string()),
        category: Set(req
            .category
            .clone()
            .map(|c| c.trim().to_string())
            .unwrap_or_else(|| "其他".into())),
        icon: Set(req.icon.clone().unwrap_or_default()),
        description: Set(req.description.clone().unwrap_or_default()),
        status: Set("draft".into()),
        current_version_id: Set(None),
        latest_version: Set(0),
        supervisor_id: Set(req.supervisor_id.flatten()),
        settings: Set(serde_json::to_value(&settings).map_err(AppError::internal)?),
        form: Set(serde_json::to_value(&form).map_err(AppError::internal)?),
        definition_kind: Set(definition.kind().into()),
        definition: Set(definition.text()),
        created_by: Set(Some(who.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "flow_template.create",
            "flow_template",
            Some(id),
            format!("创建流程模板「{}」", m.name),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(view(m)))
}

/// One template (its editors, or anyone who may start it).
#[utoipa::path(get, path = "/api/v1/flow/templates/{id}", tag = "flow", params(("id" = Uuid, Path)),
    responses((status = 200, body = TemplateView), (status = 404, body = crate::error::ErrorBody)))]
async fn get_template(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
) -> AppResult<axum::Json<TemplateView>> {
    let t = template_in(&app, p.tenant_id, id).await?;
    if !may_edit(&p, &t) {
        let org = OrgSnapshot::load(&app.db, p.tenant_id).await?;
        if t.status != "active"
            || !may_start(
                &p,
                &serde_json::from_value(t.settings.clone()).unwrap_or_default(),
                &org,
            )
        {
            return Err(not_found());
        }
    }
    Ok(axum::Json(view(t)))
}

/// Edits the draft; running instances keep the version they started on.
#[utoipa::path(patch, path = "/api/v1/flow/templates/{id}", tag = "flow", params(("id" = Uuid, Path)), request_body = TemplateInput,
    responses((status = 200, body = TemplateView), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn update_template(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
    Json(req): Json<TemplateInput>,
) -> AppResult<axum::Json<TemplateView>> {
    let t = template_in(&app, p.tenant_id, id).await?;
    if !may_edit(&p, &t) {
        return Err(AppError::forbidden());
    }
    let current = view(t.clone());
    let form = req.form.clone().unwrap_or(current.form.clone());
    let settings = req.settings.clone().unwrap_or(current.settings.clone());
    let errors = check_input(&app, p.tenant_id, &req, &form, &settings).await?;
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let mut am: flow_template::ActiveModel = t.into();
    if let Some(v) = &req.name {
        am.name = Set(v.trim().to_string());
    }
    if let Some(v) = &req.category {
        am.category = Set(v.trim().to_string());
    }
    if let Some(v) = &req.icon {
        am.icon = Set(v.clone());
    }
    if let Some(v) = &req.description {
        am.description = Set(v.clone());
    }
    if let Some(v) = req.supervisor_id {
        am.supervisor_id = Set(v);
    }
    am.settings = Set(serde_json::to_value(&settings).map_err(AppError::internal)?);
    am.form = Set(serde_json::to_value(&form).map_err(AppError::internal)?);
    if let Some(d) = &req.definition {
        am.definition_kind = Set(d.kind().into());
        am.definition = Set(d.text());
    }
    am.updated_at = Set(Utc::now());
    let txn = app.db.begin().await?;
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &(&p).into(),
        Change::new(
            "flow_template.update",
            "flow_template",
            Some(id),
            format!("修改流程模板「{}」的草稿", m.name),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(view(m)))
}

/// Publish request.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// Version notes.
    #[serde(default)]
    pub notes: String,
}

/// A published version.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    pub id: Uuid,
    pub version: i32,
    pub notes: String,
    pub published_by: Option<Uuid>,
    pub published_at: DateTime<Utc>,
    /// The definition as BPMN 2.0 (with diagram).
    pub bpmn: String,
}

/// Publishes the draft as a new immutable version after checking it through the engine; the
/// template must name its supervisor (督办者).
#[utoipa::path(post, path = "/api/v1/flow/templates/{id}/publish", tag = "flow", params(("id" = Uuid, Path)), request_body = PublishRequest,
    responses((status = 200, body = VersionView), (status = 422, body = crate::error::ErrorBody, description = "flow.definition_invalid lists every problem with the node it concerns")))]
async fn publish_template(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
    Json(req): Json<PublishRequest>,
) -> AppResult<axum::Json<VersionView>> {
    let t = template_in(&app, p.tenant_id, id).await?;
    if !may_edit(&p, &t) {
        return Err(AppError::forbidden());
    }
    if req.notes.chars().count() > 2000 {
        return Err(AppError::invalid_field(
            "notes",
            "flow.notes",
            Text::fixed("版本说明最多 2000 字", "Notes are at most 2000 characters"),
        ));
    }
    let current = view(t.clone());
    if current.supervisor_id.is_none() {
        return Err(AppError::invalid_field(
            "supervisor_id",
            "flow.supervisor_required",
            Text::fixed(
                "发布前须指定一名督办者",
                "Name the template's supervisor (督办者) before publishing",
            ),
        ));
    }
    let key = format!("flow_{}", id.simple());
    let def = compile(&current.definition, &key, current.form.keys())?;
    let graph = def.graph().clone();
    check_participants(&app.directory(p.tenant_id).await?.org, &graph)?;
    let bpmn_xml = bpmn::export(&graph);
    let tree_json = tree::render(&def)
        .ok()
        .and_then(|t| serde_json::to_string(&t).ok());
    let version = t.latest_version + 1;
    let version_id = new_id();
    let now = Utc::now();
    let txn = app.db.begin().await?;
    let v = flow_template_version::ActiveModel {
        id: Set(version_id),
        tenant_id: Set(p.tenant_id),
        template_id: Set(id),
        version: Set(version),
        settings: Set(t.settings.clone()),
        form: Set(t.form.clone()),
        bpmn: Set(bpmn_xml),
        tree: Set(tree_json),
        graph: Set(serde_json::to_value(&graph).map_err(AppError::internal)?),
        notes: Set(req.notes.clone()),
        published_by: Set(Some(p.user_id)),
        published_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let name = t.name.clone();
    let mut am: flow_template::ActiveModel = t.into();
    am.current_version_id = Set(Some(version_id));
    am.latest_version = Set(version);
    am.status = Set("active".into());
    am.updated_at = Set(now);
    am.update(&txn).await?;
    audit::record(
        &txn,
        &(&p).into(),
        Change::new(
            "flow_template.publish",
            "flow_template",
            Some(id),
            format!("发布流程模板「{name}」第 {version} 版"),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(VersionView {
        id: v.id,
        version,
        notes: v.notes,
        published_by: v.published_by,
        published_at: v.published_at,
        bpmn: v.bpmn,
    }))
}

/// Enable or disable.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnabledRequest {
    pub enabled: bool,
}

/// Disabling stops new starts only; running instances go on.
#[utoipa::path(post, path = "/api/v1/flow/templates/{id}/enabled", tag = "flow", params(("id" = Uuid, Path)), request_body = EnabledRequest,
    responses((status = 200, body = TemplateView), (status = 409, body = crate::error::ErrorBody)))]
async fn set_enabled(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
    Json(req): Json<EnabledRequest>,
) -> AppResult<axum::Json<TemplateView>> {
    let t = template_in(&app, p.tenant_id, id).await?;
    if !may_edit(&p, &t) {
        return Err(AppError::forbidden());
    }
    if t.current_version_id.is_none() {
        return Err(AppError::conflict(
            "flow.not_published",
            Text::fixed("模板尚未发布", "The template has not been published yet"),
        ));
    }
    let status = if req.enabled { "active" } else { "disabled" };
    let txn = app.db.begin().await?;
    let name = t.name.clone();
    let mut am: flow_template::ActiveModel = t.into();
    am.status = Set(status.into());
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &(&p).into(),
        Change::new(
            if req.enabled {
                "flow_template.enable"
            } else {
                "flow_template.disable"
            },
            "flow_template",
            Some(id),
            format!(
                "{}流程模板「{name}」",
                if req.enabled { "启用" } else { "停用" }
            ),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(view(m)))
}

/// Published versions, newest first.
#[utoipa::path(get, path = "/api/v1/flow/templates/{id}/versions", tag = "flow", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<VersionView>)))]
async fn list_versions(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
) -> AppResult<axum::Json<Vec<VersionView>>> {
    let t = template_in(&app, p.tenant_id, id).await?;
    if !may_edit(&p, &t) {
        return Err(AppError::forbidden());
    }
    let rows = flow_template_version::Entity::find()
        .filter(flow_template_version::Column::TemplateId.eq(id))
        .order_by_desc(flow_template_version::Column::Version)
        .all(&app.db)
        .await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|v| VersionView {
                id: v.id,
                version: v.version,
                notes: v.notes,
                published_by: v.published_by,
                published_at: v.published_at,
                bpmn: v.bpmn,
            })
            .collect(),
    ))
}

/// A template as one file, to move between deployments.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateFile {
    /// Always `xietong.flow_template/1`.
    pub format: String,
    pub name: String,
    pub category: String,
    #[serde(default)]
    pub icon: String,
    #[serde(default)]
    pub description: String,
    pub settings: TemplateSettings,
    pub form: FormSpec,
    /// The definition as BPMN 2.0 XML.
    pub bpmn: String,
    /// The designer's tree, when the definition has one.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub tree: Option<serde_json::Value>,
}

const FILE_FORMAT: &str = "xietong.flow_template/1";

/// Exports the draft as one JSON file with the BPMN inside. People (supervisor, administrators,
/// starters) are not carried over: ids mean nothing in another deployment.
#[utoipa::path(get, path = "/api/v1/flow/templates/{id}/export", tag = "flow", params(("id" = Uuid, Path)),
    responses((status = 200, body = TemplateFile), (status = 422, body = crate::error::ErrorBody)))]
async fn export_template(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
) -> AppResult<impl IntoResponse> {
    let t = template_in(&app, p.tenant_id, id).await?;
    if !may_edit(&p, &t) {
        return Err(AppError::forbidden());
    }
    let v = view(t);
    let def = compile(
        &v.definition,
        &format!("flow_{}", id.simple()),
        v.form.keys(),
    )?;
    let mut settings = v.settings.clone();
    settings.admins.clear();
    settings.starter_users.clear();
    settings.starter_departments.clear();
    let file = TemplateFile {
        format: FILE_FORMAT.into(),
        name: v.name,
        category: v.category,
        icon: v.icon,
        description: v.description,
        settings,
        form: v.form,
        bpmn: bpmn::export(def.graph()),
        tree: match &v.definition {
            DefinitionInput::Tree { tree } => Some(tree.clone()),
            DefinitionInput::Bpmn { .. } => None,
        },
    };
    let body = serde_json::to_string_pretty(&file).map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"flow-template.json\"",
            ),
        ],
        body,
    ))
}

/// Imports a template file as a new draft (publish it after naming its supervisor).
#[utoipa::path(post, path = "/api/v1/flow/templates/import", tag = "flow", request_body = TemplateFile,
    responses((status = 200, body = TemplateView), (status = 422, body = crate::error::ErrorBody)))]
async fn import_template(
    State(app): State<App>,
    who: Authorized<FlowAdmin>,
    Json(file): Json<TemplateFile>,
) -> AppResult<axum::Json<TemplateView>> {
    if file.format != FILE_FORMAT {
        return Err(AppError::invalid_field(
            "format",
            "flow.file_format",
            Text::owned(
                format!("不支持的文件格式，应为 {FILE_FORMAT}"),
                format!("Unsupported file format; expected {FILE_FORMAT}"),
            ),
        ));
    }
    let definition = match file.tree.clone() {
        Some(tree) => DefinitionInput::Tree { tree },
        None => DefinitionInput::Bpmn {
            bpmn: file.bpmn.clone(),
        },
    };
    let req = TemplateInput {
        name: Some(file.name.clone()),
        category: Some(file.category.clone()),
        icon: Some(file.icon.clone()),
        description: Some(file.description.clone()),
        supervisor_id: None,
        settings: Some(file.settings.clone()),
        form: Some(file.form.clone()),
        definition: Some(definition.clone()),
    };
    let errors = check_input(&app, who.tenant_id, &req, &file.form, &file.settings).await?;
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    // The definition must be sound before it is accepted.
    compile(&definition, "imported", file.form.keys())?;
    create_template(State(app), who, Json(req)).await
}

/// Fixed people and departments named in the definition must exist in this tenant (and people
/// be active), or the first instance would stall on a node nobody can act on.
fn check_participants(org: &OrgSnapshot, graph: &xietong_engine::FlowGraph) -> AppResult<()> {
    use xietong_engine::ParticipantRule as R;
    let mut errors = Vec::new();
    for node in &graph.nodes {
        let Some(u) = node.kind.user_node() else {
            continue;
        };
        let label = if node.name.is_empty() {
            node.key.clone()
        } else {
            node.name.clone()
        };
        for rule in &u.participants {
            match rule {
                R::Users { users } => {
                    for user in users {
                        let known = Uuid::parse_str(user.as_str())
                            .ok()
                            .and_then(|id| org.users.get(&id))
                            .is_some_and(|f| f.active);
                        if !known {
                            errors.push(FieldError::new(
                                format!("definition.{}", node.key),
                                "flow.unknown_participant",
                                Text::owned(
                                    format!("环节「{label}」的人员 {} 不存在或已停用", user.as_str()),
                                    format!("Step \"{label}\" names {}, who does not exist or is disabled", user.as_str()),
                                ),
                            ));
                        }
                    }
                }
                R::DepartmentMembers { department, .. } => {
                    if !Uuid::parse_str(department.as_str())
                        .ok()
                        .is_some_and(|d| org.departments.contains_key(&d))
                    {
                        errors.push(FieldError::new(
                            format!("definition.{}", node.key),
                            "flow.unknown_department",
                            Text::owned(
                                format!("环节「{label}」的部门 {} 不存在", department.as_str()),
                                format!(
                                    "Step \"{label}\" names department {}, which does not exist",
                                    department.as_str()
                                ),
                            ),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::validation(errors))
    }
}
