//! Starting: the catalogue of templates the caller may start (by category, favourites, recently
//! used), the start form of a template's current version, and start forms saved as drafts.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::definition::{FormSpec, TemplateSettings};
use super::service::{Caller, may_start};
use crate::app::App;
use crate::audit::{self, Change};
use crate::auth::extract::Authenticated;
use crate::entities::{flow_draft, flow_favourite, flow_instance, flow_template};
use crate::error::{AppError, AppResult, Text};
use crate::ids::new_id;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(catalog))
        .routes(routes!(start_form))
        .routes(routes!(add_favourite, remove_favourite))
        .routes(routes!(list_drafts, create_draft))
        .routes(routes!(get_draft, update_draft, delete_draft))
}

/// A template in the catalogue.
#[derive(Debug, Serialize, ToSchema, Clone)]
pub struct CatalogItem {
    pub id: Uuid,
    pub name: String,
    pub category: String,
    pub icon: String,
    pub description: String,
    pub favourite: bool,
    /// When the caller last started it.
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogGroup {
    pub category: String,
    pub templates: Vec<CatalogItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Catalog {
    /// By category (categories and templates by name).
    pub groups: Vec<CatalogGroup>,
    pub favourites: Vec<CatalogItem>,
    /// Up to 8, the most recently started first.
    pub recent: Vec<CatalogItem>,
}

/// The active templates the caller may start (with a published version).
async fn startable(app: &App, c: &Caller) -> AppResult<Vec<flow_template::Model>> {
    let dir = app.directory(c.tenant_id).await?;
    Ok(flow_template::Entity::find()
        .filter(flow_template::Column::TenantId.eq(c.tenant_id))
        .filter(flow_template::Column::Status.eq("active"))
        .order_by_asc(flow_template::Column::Category)
        .order_by_asc(flow_template::Column::Name)
        .all(&app.db)
        .await?
        .into_iter()
        .filter(|t| t.current_version_id.is_some())
        .filter(|t| {
            may_start(
                c,
                &serde_json::from_value::<TemplateSettings>(t.settings.clone()).unwrap_or_default(),
                &dir.org,
            )
        })
        .collect())
}

/// What the caller may start, grouped by category, with favourites and recently used.
#[utoipa::path(get, path = "/api/v1/flow/catalog", tag = "flow", responses((status = 200, body = Catalog)))]
async fn catalog(
    State(app): State<App>,
    Authenticated(p): Authenticated,
) -> AppResult<axum::Json<Catalog>> {
    let c = Caller::from(&p);
    let templates = startable(&app, &c).await?;
    let favourites: Vec<Uuid> = flow_favourite::Entity::find()
        .filter(flow_favourite::Column::TenantId.eq(c.tenant_id))
        .filter(flow_favourite::Column::UserId.eq(c.user_id))
        .order_by_asc(flow_favourite::Column::CreatedAt)
        .all(&app.db)
        .await?
        .into_iter()
        .map(|f| f.template_id)
        .collect();
    let used: Vec<(Uuid, Option<DateTime<Utc>>)> = flow_instance::Entity::find()
        .select_only()
        .column(flow_instance::Column::TemplateId)
        .column_as(flow_instance::Column::CreatedAt.max(), "last")
        .filter(flow_instance::Column::TenantId.eq(c.tenant_id))
        .filter(flow_instance::Column::InitiatorId.eq(c.user_id))
        .group_by(flow_instance::Column::TemplateId)
        .into_tuple()
        .all(&app.db)
        .await?;
    let used: HashMap<Uuid, DateTime<Utc>> = used
        .into_iter()
        .filter_map(|(t, at)| Some((t, at?)))
        .collect();
    let items: Vec<CatalogItem> = templates
        .into_iter()
        .map(|t| CatalogItem {
            favourite: favourites.contains(&t.id),
            last_used_at: used.get(&t.id).copied(),
            id: t.id,
            name: t.name,
            category: t.category,
            icon: t.icon,
            description: t.description,
        })
        .collect();
    let mut groups: BTreeMap<String, Vec<CatalogItem>> = BTreeMap::new();
    for i in &items {
        groups
            .entry(i.category.clone())
            .or_default()
            .push(i.clone());
    }
    let mut recent: Vec<CatalogItem> = items
        .iter()
        .filter(|i| i.last_used_at.is_some())
        .cloned()
        .collect();
    recent.sort_by(|a, b| b.last_used_at.cmp(&a.last_used_at));
    recent.truncate(8);
    Ok(axum::Json(Catalog {
        groups: groups
            .into_iter()
            .map(|(category, templates)| CatalogGroup {
                category,
                templates,
            })
            .collect(),
        favourites: favourites
            .iter()
            .filter_map(|f| items.iter().find(|i| i.id == *f).cloned())
            .collect(),
        recent,
    }))
}

/// The start form of a template's current version.
#[derive(Debug, Serialize, ToSchema)]
pub struct StartForm {
    pub template_id: Uuid,
    pub version_id: Uuid,
    pub name: String,
    pub icon: String,
    pub category: String,
    pub description: String,
    /// The form; of the per-node permissions only `start` (fields the initiator may not fill in).
    pub form: FormSpec,
    /// Node keys where the initiator chooses the people (自选审批人).
    pub chosen_nodes: Vec<ChosenNode>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChosenNode {
    pub key: String,
    pub name: String,
}

fn not_startable() -> AppError {
    AppError::not_found(
        "flow.template_not_found",
        Text::fixed(
            "流程模板不存在或你不能发起",
            "No such flow template, or you may not start it",
        ),
    )
}

/// What the start page needs: the current version's form.
#[utoipa::path(get, path = "/api/v1/flow/catalog/{id}", tag = "flow", params(("id" = Uuid, Path)),
    responses((status = 200, body = StartForm), (status = 404, body = crate::error::ErrorBody)))]
async fn start_form(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
) -> AppResult<axum::Json<StartForm>> {
    let c = Caller::from(&p);
    let t = startable(&app, &c)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(not_startable)?;
    let version = t.current_version_id.ok_or_else(not_startable)?;
    let v = app.compiled(version).await?;
    let mut form = v.form.clone();
    // Only what applies to the initiator: `permissions["start"]`.
    form.permissions
        .retain(|node, _| node == xietong_forms::schema::START);
    for f in form.fields.iter_mut() {
        f.hidden_at.clear();
    }
    let chosen_nodes = v
        .def
        .graph()
        .nodes
        .iter()
        .filter_map(|n| match &n.kind {
            xietong_engine::NodeKind::Approve(u)
            | xietong_engine::NodeKind::Handle(u)
            | xietong_engine::NodeKind::Cc(u)
                if u.participants
                    .iter()
                    .any(|r| matches!(r, xietong_engine::ParticipantRule::InitiatorChosen)) =>
            {
                Some(ChosenNode {
                    key: n.key.clone(),
                    name: n.name.clone(),
                })
            }
            _ => None,
        })
        .collect();
    Ok(axum::Json(StartForm {
        template_id: t.id,
        version_id: version,
        name: t.name,
        icon: t.icon,
        category: t.category,
        description: t.description,
        form,
        chosen_nodes,
    }))
}

/// Marks a template as a favourite.
#[utoipa::path(put, path = "/api/v1/flow/favourites/{template_id}", tag = "flow", params(("template_id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
async fn add_favourite(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(template_id): Path<Uuid>,
) -> AppResult<axum::http::StatusCode> {
    let c = Caller::from(&p);
    if !startable(&app, &c)
        .await?
        .iter()
        .any(|t| t.id == template_id)
    {
        return Err(not_startable());
    }
    let exists = flow_favourite::Entity::find_by_id((c.tenant_id, c.user_id, template_id))
        .one(&app.db)
        .await?
        .is_some();
    if !exists {
        let txn = app.db.begin().await?;
        flow_favourite::ActiveModel {
            tenant_id: Set(c.tenant_id),
            user_id: Set(c.user_id),
            template_id: Set(template_id),
            created_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            &c.audit,
            Change::new(
                "flow_favourite.add",
                "flow_template",
                Some(template_id),
                "收藏流程模板".to_string(),
            ),
        )
        .await?;
        txn.commit().await?;
    }
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Unmarks a favourite.
#[utoipa::path(delete, path = "/api/v1/flow/favourites/{template_id}", tag = "flow", params(("template_id" = Uuid, Path)),
    responses((status = 204)))]
async fn remove_favourite(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(template_id): Path<Uuid>,
) -> AppResult<axum::http::StatusCode> {
    let c = Caller::from(&p);
    let txn = app.db.begin().await?;
    let res = flow_favourite::Entity::delete_by_id((c.tenant_id, c.user_id, template_id))
        .exec(&txn)
        .await?;
    if res.rows_affected > 0 {
        audit::record(
            &txn,
            &c.audit,
            Change::new(
                "flow_favourite.remove",
                "flow_template",
                Some(template_id),
                "取消收藏流程模板".to_string(),
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// A saved start form.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftView {
    pub id: Uuid,
    pub template_id: Uuid,
    pub template_name: String,
    #[schema(value_type = Object)]
    pub form: serde_json::Value,
    /// People chosen for 自选 nodes, by node key.
    pub chosen: HashMap<String, Vec<Uuid>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftInput {
    pub template_id: Uuid,
    #[schema(value_type = Object)]
    pub form: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub chosen: HashMap<String, Vec<Uuid>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftUpdate {
    #[schema(value_type = Object)]
    pub form: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub chosen: HashMap<String, Vec<Uuid>>,
}

/// Most drafts one person keeps.
const MAX_DRAFTS: u64 = 100;

fn draft_not_found() -> AppError {
    AppError::not_found(
        "flow.draft_not_found",
        Text::fixed("草稿不存在", "No such draft"),
    )
}

async fn names(app: &App, tenant: Uuid) -> AppResult<HashMap<Uuid, String>> {
    Ok(crate::lookup::template_names(&app.db, tenant).await?)
}

fn draft_view(d: flow_draft::Model, names: &HashMap<Uuid, String>) -> DraftView {
    DraftView {
        template_name: names.get(&d.template_id).cloned().unwrap_or_default(),
        id: d.id,
        template_id: d.template_id,
        form: d.form,
        chosen: serde_json::from_value(d.chosen).unwrap_or_default(),
        created_at: d.created_at,
        updated_at: d.updated_at,
    }
}

async fn my_draft(app: &App, c: &Caller, id: Uuid) -> AppResult<flow_draft::Model> {
    flow_draft::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .filter(|d| d.tenant_id == c.tenant_id && d.user_id == c.user_id)
        .ok_or_else(draft_not_found)
}

/// My drafts, the latest first.
#[utoipa::path(get, path = "/api/v1/flow/drafts", tag = "flow", responses((status = 200, body = Vec<DraftView>)))]
async fn list_drafts(
    State(app): State<App>,
    Authenticated(p): Authenticated,
) -> AppResult<axum::Json<Vec<DraftView>>> {
    let names = names(&app, p.tenant_id).await?;
    let rows = flow_draft::Entity::find()
        .filter(flow_draft::Column::TenantId.eq(p.tenant_id))
        .filter(flow_draft::Column::UserId.eq(p.user_id))
        .order_by_desc(flow_draft::Column::UpdatedAt)
        .limit(MAX_DRAFTS)
        .all(&app.db)
        .await?;
    Ok(axum::Json(
        rows.into_iter().map(|d| draft_view(d, &names)).collect(),
    ))
}

/// Saves a start form as a draft (not checked: drafts may be incomplete).
#[utoipa::path(post, path = "/api/v1/flow/drafts", tag = "flow", request_body = DraftInput,
    responses((status = 200, body = DraftView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_draft(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    axum::Json(req): axum::Json<DraftInput>,
) -> AppResult<axum::Json<DraftView>> {
    let c = Caller::from(&p);
    if !startable(&app, &c)
        .await?
        .iter()
        .any(|t| t.id == req.template_id)
    {
        return Err(not_startable());
    }
    let count = flow_draft::Entity::find()
        .filter(flow_draft::Column::TenantId.eq(c.tenant_id))
        .filter(flow_draft::Column::UserId.eq(c.user_id))
        .count(&app.db)
        .await?;
    if count >= MAX_DRAFTS {
        return Err(AppError::conflict(
            "flow.too_many_drafts",
            Text::fixed(
                "草稿最多 100 份，请先删除一些",
                "At most 100 drafts: delete some first",
            ),
        ));
    }
    let now = Utc::now();
    let id = new_id();
    let txn = app.db.begin().await?;
    let d = flow_draft::ActiveModel {
        id: Set(id),
        tenant_id: Set(c.tenant_id),
        user_id: Set(c.user_id),
        template_id: Set(req.template_id),
        form: Set(serde_json::Value::Object(req.form)),
        chosen: Set(serde_json::to_value(&req.chosen).map_err(AppError::internal)?),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &c.audit,
        Change::new(
            "flow_draft.create",
            "flow_draft",
            Some(id),
            "保存草稿".to_string(),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(draft_view(d, &names(&app, c.tenant_id).await?)))
}

/// One of my drafts.
#[utoipa::path(get, path = "/api/v1/flow/drafts/{id}", tag = "flow", params(("id" = Uuid, Path)),
    responses((status = 200, body = DraftView), (status = 404, body = crate::error::ErrorBody)))]
async fn get_draft(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
) -> AppResult<axum::Json<DraftView>> {
    let c = Caller::from(&p);
    let d = my_draft(&app, &c, id).await?;
    Ok(axum::Json(draft_view(d, &names(&app, c.tenant_id).await?)))
}

/// Replaces a draft's form.
#[utoipa::path(put, path = "/api/v1/flow/drafts/{id}", tag = "flow", params(("id" = Uuid, Path)), request_body = DraftUpdate,
    responses((status = 200, body = DraftView), (status = 404, body = crate::error::ErrorBody)))]
async fn update_draft(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
    axum::Json(req): axum::Json<DraftUpdate>,
) -> AppResult<axum::Json<DraftView>> {
    let c = Caller::from(&p);
    let d = my_draft(&app, &c, id).await?;
    let txn = app.db.begin().await?;
    let mut am: flow_draft::ActiveModel = d.into();
    am.form = Set(serde_json::Value::Object(req.form));
    am.chosen = Set(serde_json::to_value(&req.chosen).map_err(AppError::internal)?);
    am.updated_at = Set(Utc::now());
    let d = am.update(&txn).await?;
    audit::record(
        &txn,
        &c.audit,
        Change::new(
            "flow_draft.update",
            "flow_draft",
            Some(id),
            "修改草稿".to_string(),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(draft_view(d, &names(&app, c.tenant_id).await?)))
}

/// Deletes a draft (also done by the start page once the instance is started).
#[utoipa::path(delete, path = "/api/v1/flow/drafts/{id}", tag = "flow", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
async fn delete_draft(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
) -> AppResult<axum::http::StatusCode> {
    let c = Caller::from(&p);
    my_draft(&app, &c, id).await?;
    let txn = app.db.begin().await?;
    flow_draft::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        &c.audit,
        Change::new(
            "flow_draft.delete",
            "flow_draft",
            Some(id),
            "删除草稿".to_string(),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
