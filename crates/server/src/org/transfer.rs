//! Import and export of the org chart as xlsx or CSV. Import is all-or-nothing: any bad row
//! means nothing is written and every bad row is reported.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use axum::extract::{Multipart, State};
use axum::http::header;
use axum::response::IntoResponse;
use calamine::{Reader, Xlsx};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::directory::OrgSnapshot;
use super::users::{CreateUser, create_user_in};
use super::validate;
use crate::app::App;
use crate::audit::{self, Actor, Change};
use crate::auth::access::{Authorized, OrgWrite, UserWrite};
use crate::auth::password;
use crate::entities::{company, department, post, user};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::http::extract::Query;
use crate::i18n::Lang;
use crate::ids::new_id;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(import_org))
        .routes(routes!(export_org))
}

/// Column headers, Chinese then English.
const COLUMNS: [(&str, &str); 7] = [
    ("姓名", "name"),
    ("用户名", "username"),
    ("部门路径", "department_path"),
    ("岗位", "post"),
    ("直属上级", "supervisor"),
    ("手机", "phone"),
    ("邮箱", "email"),
];

/// One row of an org file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgRow {
    pub row: usize,
    pub name: String,
    pub username: String,
    pub department_path: String,
    pub post: String,
    pub supervisor: String,
    pub phone: String,
    pub email: String,
}

/// A rejected row.
#[derive(Debug, Serialize, ToSchema)]
pub struct RejectedRow {
    /// 1-based row number in the file, the header being row 1.
    pub row: usize,
    pub column: String,
    pub message: String,
}

fn reject(
    rows: &mut Vec<RejectedRow>,
    row: usize,
    column: &str,
    lang: Lang,
    zh: String,
    en: String,
) {
    rows.push(RejectedRow {
        row,
        column: column.into(),
        message: if lang == Lang::Zh { zh } else { en },
    });
}

fn file_error(_lang: Lang, zh: &str, en: &str) -> AppError {
    AppError::bad_request("org.import_file", Text::owned(zh.into(), en.into()))
}

/// Reads rows from xlsx (first sheet) or UTF-8 CSV; the first row names the columns.
pub fn parse_rows(bytes: &[u8], lang: Lang) -> Result<Vec<OrgRow>, AppError> {
    let table: Vec<Vec<String>> = if bytes.starts_with(b"PK") {
        let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec()))
            .map_err(|_| file_error(lang, "无法读取该 xlsx 文件", "Cannot read this xlsx file"))?;
        let range = wb
            .worksheet_range_at(0)
            .ok_or_else(|| file_error(lang, "xlsx 文件没有工作表", "The xlsx file has no sheet"))?
            .map_err(|_| file_error(lang, "无法读取工作表", "Cannot read the sheet"))?;
        range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string().trim().to_string()).collect())
            .collect()
    } else {
        let text = std::str::from_utf8(bytes).map_err(|_| {
            file_error(
                lang,
                "CSV 文件须为 UTF-8 编码",
                "The CSV file must be UTF-8",
            )
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut out = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|_| file_error(lang, "CSV 格式有误", "Malformed CSV"))?;
            out.push(rec.iter().map(|c| c.trim().to_string()).collect());
        }
        out
    };
    let Some(header) = table.first() else {
        return Err(file_error(lang, "文件是空的", "The file is empty"));
    };
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        if let Some((_, key)) = COLUMNS
            .iter()
            .find(|(zh, en)| h == zh || h.eq_ignore_ascii_case(en))
        {
            index.insert(key, i);
        }
    }
    for key in ["name", "username", "department_path"] {
        if !index.contains_key(key) {
            let zh = COLUMNS
                .iter()
                .find(|(_, k)| *k == key)
                .map(|c| c.0)
                .unwrap_or(key);
            return Err(file_error(
                lang,
                &format!("缺少列「{zh}」"),
                &format!("Missing column \"{key}\""),
            ));
        }
    }
    if table.len() > 20_001 {
        return Err(file_error(
            lang,
            "一次最多导入 20000 行",
            "At most 20,000 rows per import",
        ));
    }
    let cell = |r: &Vec<String>, key: &str| {
        index
            .get(key)
            .and_then(|i| r.get(*i))
            .cloned()
            .unwrap_or_default()
    };
    Ok(table
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .map(|(i, r)| OrgRow {
            row: i + 1,
            name: cell(r, "name"),
            username: cell(r, "username"),
            department_path: cell(r, "department_path"),
            post: cell(r, "post"),
            supervisor: cell(r, "supervisor"),
            phone: cell(r, "phone"),
            email: cell(r, "email"),
        })
        .collect())
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    pub created: usize,
    pub updated: usize,
    pub departments_created: usize,
    pub posts_created: usize,
    /// Initial passwords of new accounts (shown once; each must be changed at first sign-in).
    pub initial_passwords: Vec<InitialPassword>,
}

/// One new account's initial password.
#[derive(Debug, Serialize, ToSchema)]
pub struct InitialPassword {
    pub username: String,
    pub password: String,
}

fn field_text(errors: Vec<FieldError>, lang: Lang) -> Option<String> {
    errors.first().map(|e| e.text.get(lang).to_string())
}

/// Imports the org chart from an xlsx or CSV file (multipart field `file`). Columns:
/// 姓名, 用户名, 部门路径 (company/department/…), 岗位, 直属上级 (username), 手机, 邮箱.
/// Missing departments and posts are created; existing usernames are updated.
#[utoipa::path(post, path = "/api/v1/org/import", tag = "org",
    request_body(content_type = "multipart/form-data", description = "field `file`: .xlsx or .csv"),
    responses((status = 200, body = ImportResult),
        (status = 422, body = crate::error::ErrorBody, description = "org.import_rejected; details.rows lists every bad row")))]
async fn import_org(
    State(app): State<App>,
    who: Authorized<OrgWrite>,
    _users: Authorized<UserWrite>,
    mut multipart: Multipart,
) -> AppResult<axum::Json<ImportResult>> {
    let lang = who.ctx.lang;
    let mut bytes = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| file_error(lang, "上传内容格式有误", "Malformed upload"))?
    {
        if field.name() == Some("file") {
            bytes = Some(field.bytes().await.map_err(|_| {
                file_error(
                    lang,
                    "文件读取失败或过大",
                    "The file could not be read or is too large",
                )
            })?);
        }
    }
    let bytes = bytes.ok_or_else(|| {
        file_error(
            lang,
            "请上传文件（字段 file）",
            "Upload a file in field \"file\"",
        )
    })?;
    let rows = parse_rows(&bytes, lang)?;
    let tenant = who.tenant_id;

    let companies = company::Entity::find()
        .filter(company::Column::TenantId.eq(tenant))
        .all(&app.db)
        .await?;
    let depts = department::Entity::find()
        .filter(department::Column::TenantId.eq(tenant))
        .all(&app.db)
        .await?;
    let posts = post::Entity::find()
        .filter(post::Column::TenantId.eq(tenant))
        .all(&app.db)
        .await?;
    let users = user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant))
        .all(&app.db)
        .await?;
    let existing: HashMap<String, user::Model> =
        users.into_iter().map(|u| (u.username.clone(), u)).collect();

    // Validate every row before writing anything.
    let mut rejected = Vec::new();
    let mut seen = HashSet::new();
    let file_users: HashSet<String> = rows
        .iter()
        .map(|r| r.username.trim().to_lowercase())
        .collect();
    for r in &rows {
        let mut e = Vec::new();
        let username = validate::username(&r.username, &mut e);
        if let Some(m) = field_text(std::mem::take(&mut e), lang) {
            reject(&mut rejected, r.row, "username", lang, m.clone(), m);
        } else if !seen.insert(username.clone()) {
            reject(
                &mut rejected,
                r.row,
                "username",
                lang,
                format!("用户名 {username} 在文件中重复"),
                format!("Username {username} appears twice in the file"),
            );
        }
        validate::display_name(&r.name, &mut e);
        if let Some(m) = field_text(std::mem::take(&mut e), lang) {
            reject(&mut rejected, r.row, "name", lang, m.clone(), m);
        }
        let segs: Vec<&str> = r
            .department_path
            .split('/')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if segs.len() < 2 {
            reject(
                &mut rejected,
                r.row,
                "department_path",
                lang,
                "部门路径须为「公司/部门/…」".into(),
                "Department path must be company/department/…".into(),
            );
        } else if !companies.iter().any(|c| c.name == segs[0]) {
            reject(
                &mut rejected,
                r.row,
                "department_path",
                lang,
                format!("公司「{}」不存在", segs[0]),
                format!("Company \"{}\" does not exist", segs[0]),
            );
        } else if segs.iter().any(|s| s.chars().count() > 64) {
            reject(
                &mut rejected,
                r.row,
                "department_path",
                lang,
                "部门名称过长".into(),
                "A department name is too long".into(),
            );
        }
        if r.post.chars().count() > 64 {
            reject(
                &mut rejected,
                r.row,
                "post",
                lang,
                "岗位名称过长".into(),
                "Post name is too long".into(),
            );
        }
        let sup = r.supervisor.trim().to_lowercase();
        if !sup.is_empty() {
            if sup == username {
                reject(
                    &mut rejected,
                    r.row,
                    "supervisor",
                    lang,
                    "不能把自己设为直属上级".into(),
                    "A user cannot supervise themself".into(),
                );
            } else if !existing.contains_key(&sup) && !file_users.contains(&sup) {
                reject(
                    &mut rejected,
                    r.row,
                    "supervisor",
                    lang,
                    format!("直属上级 {sup} 不存在"),
                    format!("Supervisor {sup} does not exist"),
                );
            }
        }
        validate::phone(&r.phone, &mut e);
        if let Some(m) = field_text(std::mem::take(&mut e), lang) {
            reject(&mut rejected, r.row, "phone", lang, m.clone(), m);
        }
        validate::email(&r.email, &mut e);
        if let Some(m) = field_text(std::mem::take(&mut e), lang) {
            reject(&mut rejected, r.row, "email", lang, m.clone(), m);
        }
    }
    if rows.is_empty() {
        return Err(file_error(
            lang,
            "文件中没有数据行",
            "The file has no data rows",
        ));
    }
    if !rejected.is_empty() {
        return Err(AppError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "org.import_rejected",
            Text::owned(
                format!("有 {} 处错误，未导入任何数据", rejected.len()),
                format!("{} problems found; nothing was imported", rejected.len()),
            ),
        )
        .with_details(serde_json::json!({ "rows": rejected })));
    }

    // Hash new accounts' passwords before the transaction: it is the slow part.
    let mut initial = Vec::new();
    for r in &rows {
        let u = r.username.trim().to_lowercase();
        if !existing.contains_key(&u) {
            let pw = password::generate(&u);
            initial.push((u, pw.clone(), password::hash(pw).await?));
        }
    }

    let actor: Actor = (&who.principal).into();
    let now = Utc::now();
    let txn = app.db.begin().await?;
    let mut dept_ids: HashMap<(Uuid, Option<Uuid>, String), Uuid> = depts
        .iter()
        .map(|d| ((d.company_id, d.parent_id, d.name.clone()), d.id))
        .collect();
    let mut post_ids: HashMap<String, Uuid> =
        posts.iter().map(|p| (p.name.clone(), p.id)).collect();
    let (mut departments_created, mut posts_created) = (0, 0);
    let mut placed: HashMap<String, (Uuid, Option<Uuid>)> = HashMap::new();
    for r in &rows {
        let segs: Vec<&str> = r
            .department_path
            .split('/')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let company = companies
            .iter()
            .find(|c| c.name == segs[0])
            .expect("validated");
        let mut parent = None;
        for (i, seg) in segs[1..].iter().enumerate() {
            let key = (company.id, parent, seg.to_string());
            let id = match dept_ids.get(&key) {
                Some(id) => *id,
                None => {
                    let id = new_id();
                    department::ActiveModel {
                        id: Set(id),
                        tenant_id: Set(tenant),
                        company_id: Set(company.id),
                        parent_id: Set(parent),
                        name: Set(seg.to_string()),
                        sort_order: Set(i as i32),
                        head_user_id: Set(None),
                        leader_user_id: Set(None),
                        created_at: Set(now),
                        updated_at: Set(now),
                    }
                    .insert(&txn)
                    .await?;
                    dept_ids.insert(key, id);
                    departments_created += 1;
                    id
                }
            };
            parent = Some(id);
        }
        let post_id = match r.post.trim() {
            "" => None,
            name => Some(match post_ids.get(name) {
                Some(id) => *id,
                None => {
                    let id = new_id();
                    post::ActiveModel {
                        id: Set(id),
                        tenant_id: Set(tenant),
                        company_id: Set(None),
                        name: Set(name.into()),
                        rank: Set(0),
                        created_at: Set(now),
                    }
                    .insert(&txn)
                    .await?;
                    post_ids.insert(name.into(), id);
                    posts_created += 1;
                    id
                }
            }),
        };
        placed.insert(
            r.username.trim().to_lowercase(),
            (parent.expect("validated"), post_id),
        );
    }
    let mut ids: HashMap<String, Uuid> = existing.iter().map(|(k, v)| (k.clone(), v.id)).collect();
    let (mut created, mut updated) = (0, 0);
    for r in &rows {
        let uname = r.username.trim().to_lowercase();
        let (dept, post_id) = placed[&uname];
        let mut e = Vec::new();
        let phone = validate::phone(&r.phone, &mut e);
        let email = validate::email(&r.email, &mut e);
        if let Some(u) = existing.get(&uname) {
            let mut am: user::ActiveModel = u.clone().into();
            am.display_name = Set(r.name.trim().into());
            am.department_id = Set(dept);
            am.post_id = Set(post_id);
            am.phone = Set(phone);
            am.email = Set(email);
            am.updated_at = Set(now);
            am.update(&txn).await?;
            updated += 1;
        } else {
            let hash = initial
                .iter()
                .find(|(u, _, _)| *u == uname)
                .map(|x| x.2.clone())
                .expect("hashed above");
            let m = create_user_in(
                &txn,
                tenant,
                &actor,
                CreateUser {
                    username: uname.clone(),
                    display_name: r.name.trim().into(),
                    department_id: dept,
                    post_id,
                    supervisor_id: None,
                    email,
                    phone,
                    roles: vec![],
                    part_time: vec![],
                    password_hash: hash,
                },
            )
            .await?;
            ids.insert(uname, m.id);
            created += 1;
        }
    }
    for r in rows.iter().filter(|r| !r.supervisor.trim().is_empty()) {
        let uid = ids[&r.username.trim().to_lowercase()];
        let sid = ids[&r.supervisor.trim().to_lowercase()];
        user::Entity::update_many()
            .col_expr(
                user::Column::SupervisorId,
                sea_orm::sea_query::Expr::value(Some(sid)),
            )
            .filter(user::Column::Id.eq(uid))
            .exec(&txn)
            .await?;
    }
    // A supervisor loop written by the file would make the chain meaningless: refuse it whole.
    let snapshot = OrgSnapshot::load(&txn, tenant).await?;
    let mut loops = Vec::new();
    for r in &rows {
        let uid = ids[&r.username.trim().to_lowercase()];
        let mut cur = snapshot.users.get(&uid).and_then(|f| f.supervisor_id);
        let mut steps = 0;
        while let Some(c) = cur {
            if c == uid {
                reject(
                    &mut loops,
                    r.row,
                    "supervisor",
                    lang,
                    "上下级关系形成了循环".into(),
                    "Supervisors form a loop".into(),
                );
                break;
            }
            steps += 1;
            if steps > snapshot.users.len() {
                break;
            }
            cur = snapshot.users.get(&c).and_then(|f| f.supervisor_id);
        }
    }
    if !loops.is_empty() {
        txn.rollback().await?;
        return Err(AppError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "org.import_rejected",
            Text::owned(
                format!("有 {} 处错误，未导入任何数据", loops.len()),
                format!("{} problems found; nothing was imported", loops.len()),
            ),
        )
        .with_details(serde_json::json!({ "rows": loops })));
    }
    audit::record(
        &txn,
        &actor,
        Change::new("org.import", "tenant", Some(tenant), format!("导入组织架构：新建 {created} 人，更新 {updated} 人，新建部门 {departments_created} 个、岗位 {posts_created} 个")),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(ImportResult {
        created,
        updated,
        departments_created,
        posts_created,
        initial_passwords: initial
            .into_iter()
            .map(|(username, password, _)| InitialPassword { username, password })
            .collect(),
    }))
}

/// Export format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportFormat {
    /// `xlsx` (default) or `csv`.
    pub format: Option<String>,
}

/// The org chart's rows, in the import format.
pub async fn export_rows(app: &App, tenant: Uuid) -> AppResult<Vec<OrgRow>> {
    let companies: HashMap<Uuid, String> = company::Entity::find()
        .filter(company::Column::TenantId.eq(tenant))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let depts: HashMap<Uuid, department::Model> = department::Entity::find()
        .filter(department::Column::TenantId.eq(tenant))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let posts: HashMap<Uuid, String> = post::Entity::find()
        .filter(post::Column::TenantId.eq(tenant))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let users = user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant))
        .filter(user::Column::Status.eq("active"))
        .all(&app.db)
        .await?;
    let names: HashMap<Uuid, String> = users.iter().map(|u| (u.id, u.username.clone())).collect();
    let path = |d: Uuid| {
        let mut segs = Vec::new();
        let mut cur = depts.get(&d);
        let mut company = None;
        while let Some(x) = cur {
            segs.push(x.name.clone());
            company = Some(x.company_id);
            cur = x.parent_id.and_then(|p| depts.get(&p));
            if segs.len() > 64 {
                break;
            }
        }
        segs.push(
            company
                .and_then(|c| companies.get(&c).cloned())
                .unwrap_or_default(),
        );
        segs.reverse();
        segs.join("/")
    };
    let mut rows: Vec<OrgRow> = users
        .iter()
        .map(|u| OrgRow {
            row: 0,
            name: u.display_name.clone(),
            username: u.username.clone(),
            department_path: path(u.department_id),
            post: u
                .post_id
                .and_then(|p| posts.get(&p).cloned())
                .unwrap_or_default(),
            supervisor: u
                .supervisor_id
                .and_then(|s| names.get(&s).cloned())
                .unwrap_or_default(),
            phone: u.phone.clone().unwrap_or_default(),
            email: u.email.clone().unwrap_or_default(),
        })
        .collect();
    rows.sort_by(|a, b| (&a.department_path, &a.username).cmp(&(&b.department_path, &b.username)));
    Ok(rows)
}

fn cells(r: &OrgRow) -> [&str; 7] {
    [
        &r.name,
        &r.username,
        &r.department_path,
        &r.post,
        &r.supervisor,
        &r.phone,
        &r.email,
    ]
}

/// Exports the org chart (active users) as xlsx or CSV, in the import format.
#[utoipa::path(get, path = "/api/v1/org/export", tag = "org", params(ExportFormat),
    responses((status = 200, description = "the file"), (status = 400, body = crate::error::ErrorBody)))]
async fn export_org(
    State(app): State<App>,
    who: Authorized<OrgWrite>,
    Query(f): Query<ExportFormat>,
) -> AppResult<impl IntoResponse> {
    let rows = export_rows(&app, who.tenant_id).await?;
    match f.format.as_deref().unwrap_or("xlsx") {
        "csv" => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(COLUMNS.iter().map(|c| c.0))
                .map_err(AppError::internal)?;
            for r in &rows {
                w.write_record(cells(r)).map_err(AppError::internal)?;
            }
            let mut body = "\u{feff}".as_bytes().to_vec();
            body.extend(w.into_inner().map_err(AppError::internal)?);
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"org.csv\"",
                    ),
                ],
                body,
            ))
        }
        "xlsx" => {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            for (c, (zh, _)) in COLUMNS.iter().enumerate() {
                ws.write_string(0, c as u16, *zh)
                    .map_err(AppError::internal)?;
            }
            for (i, r) in rows.iter().enumerate() {
                for (c, v) in cells(r).iter().enumerate() {
                    ws.write_string(i as u32 + 1, c as u16, *v)
                        .map_err(AppError::internal)?;
                }
            }
            let body = wb.save_to_buffer().map_err(AppError::internal)?;
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"org.xlsx\"",
                    ),
                ],
                body,
            ))
        }
        _ => Err(AppError::bad_request(
            "request.invalid_query",
            Text::fixed("format 只能是 xlsx 或 csv", "format must be xlsx or csv"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_chinese_headers_and_bom_parses() {
        let csv = "\u{feff}姓名,用户名,部门路径,岗位,直属上级,手机,邮箱\n张三,zhangsan,示例/市场部,专员,lisi,13800138000,z@x.cn\n\n";
        let rows = parse_rows(csv.as_bytes(), Lang::Zh).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].username, "zhangsan");
        assert_eq!(rows[0].supervisor, "lisi");
    }

    #[test]
    fn missing_required_column_is_a_clear_error() {
        let err = parse_rows("name,username\nA,a\n".as_bytes(), Lang::En).unwrap_err();
        assert_eq!(err.code, "org.import_file");
        assert!(err.text.get(Lang::En).contains("department_path"));
    }
}
