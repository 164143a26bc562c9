//! The demo company 示例科技有限公司: the departments of R1, about 40 people with supervisors,
//! heads, leaders in charge, posts and ranks. Every demo account's password is [`DEMO_PASSWORD`].

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{self, Actor, Change};
use crate::auth::access::Role;
use crate::auth::password;
use crate::entities::{company, department, post, tenant, user};
use crate::ids::new_id;
use crate::org::{CreateUser, create_user_in};

/// The password of every demo account (not of `admin`).
pub const DEMO_PASSWORD: &str = "Demo#Xt-2026";
/// The demo company's name.
pub const DEMO_COMPANY: &str = "示例科技有限公司";

/// (key, parent key, name)
const DEPARTMENTS: &[(&str, Option<&str>, &str)] = &[
    ("mgmt", None, "公司管理"),
    ("office", Some("mgmt"), "办公室"),
    ("finance", Some("mgmt"), "财务部"),
    ("hr", Some("mgmt"), "人力资源部"),
    ("quality", Some("mgmt"), "质量管理部"),
    ("marketing", None, "营销中心"),
    ("market", Some("marketing"), "市场部"),
    ("sales", Some("marketing"), "销售部"),
    ("rnd", None, "生产研发"),
    ("dev", Some("rnd"), "研发部"),
    ("prod", Some("rnd"), "生产部"),
    ("stores", None, "直营店"),
    ("store1", Some("stores"), "一号店"),
    ("store2", Some("stores"), "二号店"),
];

/// (name, rank)
const POSTS: &[(&str, i32)] = &[
    ("总经理", 90),
    ("分管副总", 80),
    ("部长", 60),
    ("店长", 50),
    ("主管", 40),
    ("专员", 20),
    ("店员", 10),
];

/// (username, name, department, post, roles, phone suffix)
const PEOPLE: &[(&str, &str, &str, &str, &[Role])] = &[
    ("wangjianguo", "王建国", "mgmt", "总经理", &[]),
    ("lihong", "李红", "mgmt", "分管副总", &[]),
    ("zhaoqiang", "赵强", "marketing", "分管副总", &[]),
    ("sunli", "孙丽", "rnd", "分管副总", &[]),
    ("zhoumin", "周敏", "office", "部长", &[Role::OaAdmin]),
    ("wufang", "吴芳", "office", "专员", &[]),
    ("zhengwei", "郑伟", "office", "专员", &[]),
    ("chenjing", "陈静", "finance", "部长", &[]),
    ("liuyang", "刘洋", "finance", "主管", &[]),
    ("yangxue", "杨雪", "finance", "专员", &[]),
    ("huangtao", "黄涛", "hr", "部长", &[Role::Hr]),
    ("xuli", "徐丽", "hr", "专员", &[Role::Hr]),
    ("hejun", "何军", "quality", "部长", &[]),
    ("guoping", "郭平", "quality", "专员", &[]),
    ("maming", "马明", "market", "部长", &[]),
    ("luoxin", "罗欣", "market", "主管", &[]),
    ("liangyu", "梁宇", "market", "专员", &[]),
    ("songjia", "宋佳", "market", "专员", &[]),
    ("tangchao", "唐超", "sales", "部长", &[]),
    ("hanmei", "韩梅", "sales", "主管", &[]),
    ("fenglei", "冯磊", "sales", "专员", &[]),
    ("dengchao", "邓超", "sales", "专员", &[]),
    ("caoying", "曹颖", "sales", "专员", &[]),
    ("pengfei", "彭飞", "dev", "部长", &[]),
    ("zenghui", "曾辉", "dev", "主管", &[]),
    ("xiaoyan", "肖燕", "dev", "专员", &[]),
    ("tianyu", "田雨", "dev", "专员", &[]),
    ("dongbin", "董斌", "dev", "专员", &[]),
    ("panwen", "潘文", "prod", "部长", &[]),
    ("yuanhao", "袁浩", "prod", "主管", &[]),
    ("caijie", "蔡洁", "prod", "专员", &[]),
    ("jiangtao", "蒋涛", "prod", "专员", &[]),
    ("duqiang", "杜强", "store1", "店长", &[]),
    ("yehua", "叶华", "store1", "店员", &[]),
    ("chengna", "程娜", "store1", "店员", &[]),
    ("weilan", "魏兰", "store2", "店长", &[]),
    ("suhang", "苏航", "store2", "店员", &[]),
    ("lvting", "吕婷", "store2", "店员", &[]),
    ("dingkai", "丁凯", "stores", "部长", &[]),
    ("renjie", "任杰", "prod", "专员", &[]),
];

/// (department, head, leader in charge)
const HEADS: &[(&str, &str, Option<&str>)] = &[
    ("mgmt", "wangjianguo", Some("wangjianguo")),
    ("office", "zhoumin", Some("lihong")),
    ("finance", "chenjing", Some("lihong")),
    ("hr", "huangtao", Some("lihong")),
    ("quality", "hejun", Some("lihong")),
    ("marketing", "zhaoqiang", Some("zhaoqiang")),
    ("market", "maming", None),
    ("sales", "tangchao", None),
    ("rnd", "sunli", Some("sunli")),
    ("dev", "pengfei", None),
    ("prod", "panwen", None),
    ("stores", "dingkai", Some("zhaoqiang")),
    ("store1", "duqiang", None),
    ("store2", "weilan", None),
];

/// Loads the demo company into tenant `default` unless it is already there.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<()> {
    let t = tenant::Entity::find()
        .filter(tenant::Column::Slug.eq("default"))
        .one(db)
        .await?
        .context_missing()?;
    let hq = company::Entity::find()
        .filter(company::Column::TenantId.eq(t.id))
        .filter(company::Column::Kind.eq("hq"))
        .one(db)
        .await?
        .context_missing()?;
    let already = user::Entity::find()
        .filter(user::Column::TenantId.eq(t.id))
        .filter(user::Column::Username.eq(PEOPLE[0].0))
        .one(db)
        .await?;
    if already.is_some() {
        tracing::info!("demo data already present");
        return Ok(());
    }
    let hash = password::hash(DEMO_PASSWORD.to_string()).await?;
    let actor = Actor::system(t.id);
    let now = Utc::now();
    let txn = db.begin().await?;
    let mut tm: tenant::ActiveModel = t.clone().into();
    tm.name = Set(DEMO_COMPANY.into());
    tm.update(&txn).await?;
    let mut cm: company::ActiveModel = hq.clone().into();
    cm.name = Set(DEMO_COMPANY.into());
    cm.update(&txn).await?;

    let mut depts: HashMap<&str, Uuid> = HashMap::new();
    for (i, (key, parent, name)) in DEPARTMENTS.iter().enumerate() {
        let id = new_id();
        department::ActiveModel {
            id: Set(id),
            tenant_id: Set(t.id),
            company_id: Set(hq.id),
            parent_id: Set(parent.map(|p| depts[p])),
            name: Set((*name).into()),
            sort_order: Set(i as i32),
            head_user_id: Set(None),
            leader_user_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        depts.insert(key, id);
    }
    let mut posts: HashMap<&str, Uuid> = HashMap::new();
    for (name, rank) in POSTS {
        // The built-in templates may already have made some (总经理).
        if let Some(p) = post::Entity::find()
            .filter(post::Column::TenantId.eq(t.id))
            .filter(post::Column::Name.eq(*name))
            .one(&txn)
            .await?
        {
            posts.insert(name, p.id);
            continue;
        }
        let id = new_id();
        post::ActiveModel {
            id: Set(id),
            tenant_id: Set(t.id),
            company_id: Set(Some(hq.id)),
            name: Set((*name).into()),
            rank: Set(*rank),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        posts.insert(name, id);
    }
    let mut users: HashMap<&str, Uuid> = HashMap::new();
    for (i, (username, name, dept, post_name, roles)) in PEOPLE.iter().enumerate() {
        let u = create_user_in(
            &txn,
            t.id,
            &actor,
            CreateUser {
                username: (*username).into(),
                display_name: (*name).into(),
                department_id: depts[dept],
                post_id: Some(posts[post_name]),
                supervisor_id: None,
                email: Some(format!("{username}@demo.xietong.example")),
                phone: Some(format!("1380013{:04}", 8000 + i)),
                roles: roles.to_vec(),
                part_time: vec![],
                password_hash: hash.clone(),
            },
        )
        .await?;
        let mut am: user::ActiveModel = u.into();
        am.must_change_password = Set(false);
        let u = am.update(&txn).await?;
        users.insert(username, u.id);
    }
    for (dept, head, leader) in HEADS {
        department::Entity::update_many()
            .col_expr(
                department::Column::HeadUserId,
                sea_orm::sea_query::Expr::value(Some(users[head])),
            )
            .col_expr(
                department::Column::LeaderUserId,
                sea_orm::sea_query::Expr::value(leader.map(|l| users[l])),
            )
            .filter(department::Column::Id.eq(depts[dept]))
            .exec(&txn)
            .await?;
    }
    // The posts the built-in templates route to (财务 countersigns, 法务 review, 行政 handling),
    // held part-time by people of the departments doing that work.
    for (username, dept, post_name) in [
        ("liuyang", "finance", "财务"),
        ("yangxue", "finance", "财务"),
        ("zhengwei", "office", "法务"),
        ("wufang", "office", "行政"),
    ] {
        if let Some(p) = post::Entity::find()
            .filter(post::Column::TenantId.eq(t.id))
            .filter(post::Column::Name.eq(post_name))
            .one(&txn)
            .await?
        {
            crate::entities::user_part_time::ActiveModel {
                id: Set(new_id()),
                tenant_id: Set(t.id),
                user_id: Set(users[username]),
                department_id: Set(depts[dept]),
                post_id: Set(Some(p.id)),
            }
            .insert(&txn)
            .await?;
        }
    }
    // Division heads report to the general manager; the rest follow department heads by default.
    for vp in ["lihong", "zhaoqiang", "sunli", "dingkai"] {
        let boss = if vp == "dingkai" {
            users["zhaoqiang"]
        } else {
            users["wangjianguo"]
        };
        user::Entity::update_many()
            .col_expr(
                user::Column::SupervisorId,
                sea_orm::sea_query::Expr::value(Some(boss)),
            )
            .filter(user::Column::Id.eq(users[vp]))
            .exec(&txn)
            .await?;
    }
    audit::record(
        &txn,
        &actor,
        Change::new(
            "demo.load",
            "tenant",
            Some(t.id),
            format!("载入示例数据：{DEMO_COMPANY}，{} 人", PEOPLE.len()),
        ),
    )
    .await?;
    txn.commit().await?;
    tracing::info!(
        "demo company {DEMO_COMPANY} loaded: {} people; password {DEMO_PASSWORD}",
        PEOPLE.len()
    );
    Ok(())
}

trait ContextMissing<T> {
    fn context_missing(self) -> anyhow::Result<T>;
}

impl<T> ContextMissing<T> for Option<T> {
    fn context_missing(self) -> anyhow::Result<T> {
        self.ok_or_else(|| {
            anyhow::anyhow!("the default tenant is missing; start the server once first")
        })
    }
}
