//! Installs the built-in business templates (xietong_forms::builtin) in a tenant: each becomes
//! an active template with version 1 published, supervised by the tenant's administrator.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde::Deserialize;
use uuid::Uuid;
use xietong_engine::{bpmn, tree};
use xietong_forms::FormSpec;

use crate::audit::{self, Actor, Change};
use crate::entities::{flow_template, flow_template_version, post};
use crate::flow::definition::{DefinitionInput, TemplateSettings, compile};
use crate::ids::new_id;

/// A built-in template file.
#[derive(Debug, Deserialize)]
pub struct BuiltinFile {
    pub key: String,
    pub name: String,
    pub category: String,
    #[serde(default)]
    pub icon: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub settings: TemplateSettings,
    pub form: FormSpec,
    pub tree: serde_json::Value,
}

/// Posts the built-ins name by key, and the post (岗位) each stands for in a tenant: found by
/// name, created when missing, so an administrator routes those steps by giving people the post.
const POSTS: [(&str, &str, i32); 4] = [
    ("finance", "财务", 40),
    ("legal", "法务", 40),
    ("admin_office", "行政", 40),
    ("general_manager", "总经理", 100),
];

/// The tenant's post called `name`, created when it has none.
async fn post_named<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    name: &str,
    rank: i32,
) -> anyhow::Result<Uuid> {
    if let Some(p) = post::Entity::find()
        .filter(post::Column::TenantId.eq(tenant))
        .filter(post::Column::Name.eq(name))
        .one(db)
        .await?
    {
        return Ok(p.id);
    }
    let id = new_id();
    post::ActiveModel {
        id: Set(id),
        tenant_id: Set(tenant),
        company_id: Set(None),
        name: Set(name.into()),
        rank: Set(rank),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// Replaces post keys in participant rules (`{"type": "post", "post": "finance"}`) by ids.
fn resolve_posts(v: &mut serde_json::Value, ids: &std::collections::HashMap<&str, Uuid>) {
    match v {
        serde_json::Value::Object(map) => {
            if map.get("type").and_then(|t| t.as_str()) == Some("post")
                && let Some(serde_json::Value::String(key)) = map.get_mut("post")
                && let Some(id) = ids.get(key.as_str())
            {
                *key = id.to_string();
            }
            map.values_mut().for_each(|x| resolve_posts(x, ids));
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|x| resolve_posts(x, ids)),
        _ => {}
    }
}

/// Every built-in template, parsed.
pub fn files() -> anyhow::Result<Vec<BuiltinFile>> {
    xietong_forms::builtin::BUILTINS
        .iter()
        .map(|b| {
            serde_json::from_str(b.json)
                .map_err(|e| anyhow::anyhow!("built-in template {}: {e}", b.key))
        })
        .collect()
}

/// Installs the built-ins the tenant does not have yet (by name); returns how many were added.
pub async fn install<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    supervisor: Uuid,
) -> anyhow::Result<usize> {
    let existing: Vec<String> = flow_template::Entity::find()
        .select_only()
        .column(flow_template::Column::Name)
        .filter(flow_template::Column::TenantId.eq(tenant))
        .into_tuple()
        .all(db)
        .await?;
    let mut added = 0;
    let mut posts = std::collections::HashMap::new();
    for b in files()? {
        if existing.contains(&b.name) {
            continue;
        }
        if posts.is_empty() {
            for (key, name, rank) in POSTS {
                posts.insert(key, post_named(db, tenant, name, rank).await?);
            }
        }
        let id = new_id();
        let key = format!("flow_{}", id.simple());
        let mut tree_json = b.tree.clone();
        tree_json["key"] = serde_json::Value::String(key.clone());
        resolve_posts(&mut tree_json, &posts);
        let definition = DefinitionInput::Tree { tree: tree_json };
        let def = compile(&definition, &key, b.form.keys())
            .map_err(|e| anyhow::anyhow!("built-in template {}: {}", b.key, e.text.zh))?;
        let graph = def.graph().clone();
        let now = Utc::now();
        let version_id = new_id();
        let settings = serde_json::to_value(&b.settings)?;
        let form = serde_json::to_value(&b.form)?;
        flow_template::ActiveModel {
            id: Set(id),
            tenant_id: Set(tenant),
            name: Set(b.name.clone()),
            category: Set(b.category.clone()),
            icon: Set(b.icon.clone()),
            description: Set(b.description.clone()),
            status: Set("active".into()),
            current_version_id: Set(Some(version_id)),
            latest_version: Set(1),
            supervisor_id: Set(Some(supervisor)),
            settings: Set(settings.clone()),
            form: Set(form.clone()),
            definition_kind: Set(definition.kind().into()),
            definition: Set(definition.text()),
            created_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        flow_template_version::ActiveModel {
            id: Set(version_id),
            tenant_id: Set(tenant),
            template_id: Set(id),
            version: Set(1),
            settings: Set(settings),
            form: Set(form),
            bpmn: Set(bpmn::export(&graph)),
            tree: Set(tree::render(&def)
                .ok()
                .and_then(|t| serde_json::to_string(&t).ok())),
            graph: Set(serde_json::to_value(&graph)?),
            notes: Set("内置模板".into()),
            published_by: Set(None),
            published_at: Set(now),
        }
        .insert(db)
        .await?;
        audit::record(
            db,
            &Actor::system(tenant),
            Change::new(
                "flow_template.install",
                "flow_template",
                Some(id),
                format!("安装内置流程模板「{}」", b.name),
            ),
        )
        .await?;
        added += 1;
    }
    Ok(added)
}

/// What installing added.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Installed {
    /// Built-in templates added now (those already present, by name, are left alone).
    pub added: usize,
    /// Built-in templates there are.
    pub available: usize,
}

/// Adds the built-in business templates a tenant lacks (e.g. one created before they existed),
/// supervised by the caller.
#[utoipa::path(post, path = "/api/v1/flow/builtins", tag = "flow",
    responses((status = 200, body = Installed), (status = 403, body = crate::error::ErrorBody)))]
pub async fn install_builtins(
    axum::extract::State(app): axum::extract::State<crate::app::App>,
    crate::auth::extract::Authenticated(p): crate::auth::extract::Authenticated,
) -> crate::error::AppResult<axum::Json<Installed>> {
    if !p.has(crate::auth::access::Perm::FlowAdmin) {
        return Err(crate::error::AppError::forbidden());
    }
    let txn = sea_orm::TransactionTrait::begin(&app.db).await?;
    let added = install(&txn, p.tenant_id, p.user_id)
        .await
        .map_err(crate::error::AppError::internal)?;
    txn.commit().await?;
    Ok(axum::Json(Installed {
        added,
        available: xietong_forms::builtin::BUILTINS.len(),
    }))
}
