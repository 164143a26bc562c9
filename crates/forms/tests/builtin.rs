//! The built-in templates (crates/forms/builtin/*.json): every file is a valid template (form,
//! settings, flow tree compiled with the form's fields), the org rules resolve in a fresh tenant
//! and in a demo-like org, and the forms and flows behave as their descriptions say.

use serde_json::{Map, Value as Json, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use xietong_engine::calendar::days_from_civil;
use xietong_engine::expr::Decimal;
use xietong_engine::model::{EmptyPolicy, Mode, TaskAction, UserNode};
use xietong_engine::participants::{DepartmentSource, EmptyOrg};
use xietong_engine::tree::{self, FlowTree, TreeNode};
use xietong_engine::{
    Action, Command, DeptId, Effect, Facts, FlowDefinition, InstanceState, OrgDirectory,
    ParticipantRule, Refusal, StartRequest, Status, TaskState, Timestamp, UserId, WeekendsOnly,
};
use xietong_forms::builtin::BUILTINS;
use xietong_forms::{
    Env, FormSpec, Kind, Options, Perm, check_form, normalise, prepare, uppercase,
};

const CATEGORIES: [&str; 6] = ["人事", "财务", "行政", "业务", "IT", "综合"];
/// Roles that exist in every tenant.
const ROLES: [&str; 4] = ["sysadmin", "oa_admin", "hr", "member"];
/// Posts the built-ins name; a tenant without them gives those steps to the administrator.
const POSTS: [&str; 4] = ["finance", "legal", "admin_office", "general_manager"];
/// `TemplateSettings` members (the server denies unknown ones).
const SETTINGS: [&str; 10] = [
    "starter_users",
    "starter_departments",
    "starter_roles",
    "admins",
    "serial_pattern",
    "serial_reset",
    "title_template",
    "summary_fields",
    "allow_bulk_approve",
    "visible_to_leaders",
];

struct Template {
    key: String,
    file: Json,
    form: FormSpec,
    tree: FlowTree,
}

impl Template {
    fn settings(&self) -> &Json {
        &self.file["settings"]
    }
}

fn load(key: &str) -> Template {
    let b = BUILTINS
        .iter()
        .find(|b| b.key == key)
        .unwrap_or_else(|| panic!("no built-in {key}"));
    let file: Json =
        serde_json::from_str(b.json).unwrap_or_else(|e| panic!("{}: not JSON: {e}", b.key));
    let form: FormSpec = serde_json::from_value(file["form"].clone())
        .unwrap_or_else(|e| panic!("{}: form: {e}", b.key));
    let mut tree: FlowTree = serde_json::from_value(file["tree"].clone())
        .unwrap_or_else(|e| panic!("{}: tree: {e}", b.key));
    tree.fields = form.keys();
    Template {
        key: b.key.to_string(),
        file,
        form,
        tree,
    }
}

fn all() -> Vec<Template> {
    BUILTINS.iter().map(|b| load(b.key)).collect()
}

fn compile(t: &Template) -> FlowDefinition {
    tree::compile(&t.tree).unwrap_or_else(|e| panic!("{}: flow: {e:?}", t.key))
}

/// Every user node of a tree (approver, handler, cc) with its kind, in tree order.
fn user_nodes(nodes: &[TreeNode]) -> Vec<(&'static str, &str, &UserNode)> {
    let mut out = Vec::new();
    for n in nodes {
        match n {
            TreeNode::Approver { id, config, .. } => out.push(("approver", id.as_str(), config)),
            TreeNode::Handler { id, config, .. } => out.push(("handler", id.as_str(), config)),
            TreeNode::Cc { id, config, .. } => out.push(("cc", id.as_str(), config)),
            TreeNode::Conditions { branches, .. }
            | TreeNode::Parallel { branches, .. }
            | TreeNode::Inclusive { branches, .. } => {
                for b in branches {
                    out.extend(user_nodes(&b.nodes));
                }
            }
        }
    }
    out
}

/// The value with every number as a float (`0` and `0.0` read the same).
fn floats(v: Json) -> Json {
    match v {
        Json::Number(n) => json!(n.as_f64().unwrap()),
        Json::Array(items) => Json::Array(items.into_iter().map(floats).collect()),
        Json::Object(m) => Json::Object(m.into_iter().map(|(k, v)| (k, floats(v))).collect()),
        other => other,
    }
}

/// `{name}` placeholders of a title template.
fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').expect("closed placeholder") + open;
        out.push(&rest[open + 1..close]);
        rest = &rest[close + 1..];
    }
    out
}

/// The server's serial pattern rules: `{yyyy} {yy} {MM} {dd}` and exactly one `{seq:1..12}`.
fn serial_ok(pattern: &str) -> bool {
    pattern.chars().count() <= 64
        && placeholders(pattern).iter().all(|p| {
            ["yyyy", "yy", "MM", "dd"].contains(p)
                || p.strip_prefix("seq:")
                    .and_then(|n| n.parse::<usize>().ok())
                    .is_some_and(|n| (1..=12).contains(&n))
        })
        && placeholders(pattern)
            .iter()
            .filter(|p| p.starts_with("seq:"))
            .count()
            == 1
}

#[test]
fn there_are_twelve_with_distinct_keys_names_and_serial_prefixes() {
    let ts = all();
    assert_eq!(ts.len(), 12);
    let keys: HashSet<&str> = ts.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(keys.len(), 12);
    let names: HashSet<&str> = ts
        .iter()
        .map(|t| t.file["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names.len(),
        12,
        "the installer tells built-ins apart by name"
    );
    let prefixes: Vec<String> = ts
        .iter()
        .map(|t| {
            let p = t.settings()["serial_pattern"].as_str().unwrap();
            p[..p.find('{').expect("a placeholder")].to_string()
        })
        .collect();
    assert_eq!(
        prefixes.iter().collect::<HashSet<_>>().len(),
        12,
        "{prefixes:?}"
    );
    let expected = [
        ("leave", "请假", "QJ-"),
        ("expense", "费用报销", "BX-"),
        ("purchase", "采购申请", "CG-"),
        ("contract", "合同审批", "HT-"),
        ("seal", "用印申请", "YY-"),
        ("invoice", "发票通知单", "FP-"),
        ("consulting", "咨询任务单", "ZX-"),
        ("oa_account", "OA权限申请单", "QX-"),
        ("password_reset", "密码重置申请", "MM-"),
        ("repair", "维修安装单", "WX-"),
        ("staffing", "用工申请单", "YG-"),
        ("report", "请示报告", "QS-"),
    ];
    for (t, p) in ts.iter().zip(&prefixes) {
        let (key, name, prefix) = expected
            .iter()
            .find(|e| e.0 == t.key)
            .unwrap_or_else(|| panic!("unexpected built-in {}", t.key));
        assert_eq!(t.file["name"], *name, "{key}");
        assert_eq!(p, prefix, "{key}");
    }
}

#[test]
fn every_file_is_a_valid_template() {
    for t in all() {
        let k = &t.key;
        let file = t.file.as_object().unwrap();
        let members: HashSet<&str> = file.keys().map(String::as_str).collect();
        assert_eq!(
            members,
            HashSet::from([
                "key",
                "name",
                "category",
                "icon",
                "description",
                "settings",
                "form",
                "tree"
            ]),
            "{k}"
        );
        assert_eq!(file["key"], json!(k));
        assert!(
            CATEGORIES.contains(&file["category"].as_str().unwrap()),
            "{k}"
        );
        let icon = file["icon"].as_str().unwrap();
        assert!(
            icon.ends_with("Outlined") && icon.chars().all(|c| c.is_ascii_alphabetic()),
            "{k}: icon {icon}"
        );
        let description = file["description"].as_str().unwrap();
        assert!((1..=2000).contains(&description.chars().count()), "{k}");
        assert!((1..=64).contains(&file["name"].as_str().unwrap().chars().count()));

        // the form
        let issues = check_form(&t.form);
        assert!(issues.is_empty(), "{k}: {issues:?}");
        // round trip: nothing in the file is lost on the way through FormSpec
        assert_eq!(
            floats(serde_json::to_value(&t.form).unwrap()),
            floats(t.file["form"].clone()),
            "{k}"
        );

        // the settings
        let s = t.settings().as_object().unwrap();
        for m in s.keys() {
            assert!(SETTINGS.contains(&m.as_str()), "{k}: settings.{m}");
        }
        for m in ["starter_users", "starter_departments", "admins"] {
            assert!(!s.contains_key(m), "{k}: built-ins name no people");
        }
        let serial = s["serial_pattern"].as_str().unwrap();
        assert!(serial_ok(serial), "{k}");
        // the period the sequence restarts in shows in the number, so numbers never repeat
        let shown: &[&str] = match s["serial_reset"].as_str().unwrap() {
            "daily" => &["{dd}", "{MM}", "{yy"],
            "monthly" => &["{MM}", "{yy"],
            "yearly" => &["{yy"],
            _ => &[],
        };
        assert!(shown.iter().all(|p| serial.contains(p)), "{k}: {serial}");
        assert!(
            ["yearly", "monthly", "daily", "never"].contains(&s["serial_reset"].as_str().unwrap()),
            "{k}"
        );
        let keys = t.form.keys();
        for f in s["summary_fields"].as_array().unwrap() {
            let f = f.as_str().unwrap();
            assert!(keys.iter().any(|x| x == f), "{k}: summary field {f}");
        }
        let title = s["title_template"].as_str().unwrap();
        assert!(title.chars().count() <= 200);
        for p in placeholders(title) {
            if ["initiator", "template", "department", "date"].contains(&p) {
                continue;
            }
            let f = t
                .form
                .field(p)
                .unwrap_or_else(|| panic!("{k}: {{{p}}} in the title is not a form field"));
            // a missing value would leave `{p}` in the title
            assert!(
                (f.required || f.kind == Kind::Computed) && f.visible_when.is_empty(),
                "{k}: {{{p}}} in the title may be empty"
            );
        }

        // the flow
        assert_eq!(t.tree.key, *k);
        assert_eq!(t.tree.name, file["name"].as_str().unwrap());
        let def = compile(&t);
        // rendering the compiled graph gives the same tree back (the version's stored tree)
        let mut back = tree::render(&def).unwrap_or_else(|e| panic!("{k}: {e}"));
        back.fields = t.tree.fields.clone();
        assert_eq!(back, t.tree, "{k}");

        // per-node permissions name nodes of the tree
        let nodes = user_nodes(&t.tree.nodes);
        let ids: Vec<&str> = nodes.iter().map(|n| n.1).collect();
        for node in t.form.permissions.keys() {
            assert!(
                node == xietong_forms::schema::START || ids.contains(&node.as_str()),
                "{k}: permissions for unknown node {node}"
            );
        }
        for f in &t.form.fields {
            assert!(
                f.hidden_at.is_empty(),
                "{k}: use permissions, not hidden_at"
            );
        }
    }
}

#[test]
fn conditions_naming_unknown_fields_fail_to_compile() {
    let mut t = load("expense");
    let mut spec = serde_json::to_value(&t.tree).unwrap();
    spec["nodes"][2]["branches"][0]["condition"] = json!("amount_total > 5000");
    t.tree = serde_json::from_value(spec).unwrap();
    t.tree.fields = t.form.keys();
    let errors = tree::compile(&t.tree).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.to_string().contains("amount_total")),
        "{errors:?}"
    );
}

#[test]
fn participants_come_from_the_org_with_fallbacks() {
    for t in all() {
        let k = &t.key;
        let nodes = user_nodes(&t.tree.nodes);
        assert!(
            nodes.iter().any(|n| n.0 != "cc"),
            "{k}: a flow with no task"
        );
        for (kind, id, cfg) in nodes {
            assert!(!cfg.participants.is_empty(), "{k}.{id}: nobody");
            let mut org_wide = false;
            for rule in &cfg.participants {
                match rule {
                    ParticipantRule::Users { .. } | ParticipantRule::DepartmentMembers { .. } => {
                        panic!("{k}.{id}: built-ins cannot name people or departments by id")
                    }
                    ParticipantRule::Role { role } => {
                        assert!(ROLES.contains(&role.as_str()), "{k}.{id}: role {role}");
                        org_wide = true;
                    }
                    ParticipantRule::Post { post } => {
                        assert!(POSTS.contains(&post.as_str()), "{k}.{id}: post {post}");
                        org_wide = true;
                    }
                    ParticipantRule::Supervisor { levels } => assert_eq!(*levels, 1, "{k}.{id}"),
                    ParticipantRule::FormUserField { field } => {
                        let f = t.form.field(field).expect("user field");
                        assert_eq!(f.kind, Kind::User, "{k}.{id}: {field}");
                    }
                    ParticipantRule::DepartmentHead {
                        department: DepartmentSource::FormField { field },
                    } => {
                        let f = t.form.field(field).expect("department field");
                        assert_eq!(f.kind, Kind::Department, "{k}.{id}: {field}");
                        assert!(f.required && !f.multiple, "{k}.{id}: one department");
                    }
                    _ => {}
                }
            }
            if kind == "cc" {
                continue;
            }
            // a fresh tenant has no posts and maybe nobody in a role: never stuck, never skipped
            if org_wide {
                assert_eq!(cfg.on_empty, EmptyPolicy::ToAdmin, "{k}.{id}");
                assert!(
                    matches!(cfg.mode, Mode::Any | Mode::All),
                    "{k}.{id}: every holder of the post or role gets the task"
                );
            }
            assert_ne!(cfg.on_empty, EmptyPolicy::Refuse, "{k}.{id}");
            // R5: every node has a time limit
            assert!(cfg.time_limit.is_some(), "{k}.{id}: no time limit");
        }
    }
}

#[test]
fn superiors_must_take_a_stance() {
    // R5: a superior approving a subordinate's flow agrees or disagrees, never 已阅 alone
    for t in all() {
        for (kind, id, cfg) in user_nodes(&t.tree.nodes) {
            let hierarchy = cfg.participants.iter().any(|r| {
                matches!(
                    r,
                    ParticipantRule::Supervisor { .. }
                        | ParticipantRule::DepartmentHead { .. }
                        | ParticipantRule::LeaderInCharge
                )
            });
            if kind == "approver" && hierarchy {
                assert!(
                    !cfg.actions.allows(TaskAction::Read),
                    "{}.{id}: 已阅 on a superior's step",
                    t.key
                );
                assert!(cfg.opinion.stance_required, "{}.{id}", t.key);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Sample data

/// Monday–Friday, inclusive, for `date_range` durations.
fn weekdays(start: &str, end: &str) -> Option<i64> {
    let day = |s: &str| {
        let mut p = s.split('-').map(|x| x.parse::<i64>().ok());
        let (y, m, d) = (p.next()??, p.next()??, p.next()??);
        Some(days_from_civil(y as i32, m as u32, d as u32) as i64)
    };
    let (a, b) = (day(start)?, day(end)?);
    // 1970-01-01 was a Thursday: (n + 3) % 7 is 0 on Mondays
    Some((a..=b).filter(|n| (n + 3).rem_euclid(7) < 5).count() as i64)
}

fn prepared(form: &FormSpec, data: Json) -> Result<Map<String, Json>, Vec<String>> {
    let cal = weekdays;
    let env = Env {
        today: "2025-06-01".into(),
        working_days: Some(&cal),
    };
    prepare(form, data.as_object().unwrap(), &env, Options::default()).map_err(|issues| {
        issues
            .into_iter()
            .map(|i| format!("{} {}", i.field, i.code))
            .collect()
    })
}

fn file(name: &str, content_type: &str) -> Json {
    json!({"id": format!("f-{name}"), "name": name, "size": 20480, "content_type": content_type})
}

fn person(id: &str, name: &str) -> Json {
    json!({"id": id, "name": name})
}

/// A valid form for each built-in, as the demo's 冯磊 (sales) would fill it in.
fn sample(key: &str) -> Json {
    match key {
        "leave" => json!({
            "leave_type": "事假",
            "leave_range": {"start": "2025-03-03", "end": "2025-03-04"},
            "reason": "家中有事",
            "handover": person("dengchao", "邓超"),
        }),
        "expense" => json!({
            "reimburse_date": "2025-03-10",
            "items": [
                {"date": "2025-03-03", "category": "交通费", "description": "出租车", "amount": 120.5},
                {"date": "2025-03-04", "category": "差旅费", "description": "上海往返高铁", "amount": 3000},
            ],
            "payee": "冯磊",
            "bank_name": "招商银行上海分行",
            "bank_account": "6225880212345678",
            "invoices": [file("发票.pdf", "application/pdf")],
        }),
        "purchase" => json!({
            "purchase_type": "办公用品",
            "expected_date": "2025-03-20",
            "items": [
                {"name": "签字笔", "unit": "盒", "qty": 2, "price": 35},
                {"name": "A4 纸", "spec": "70g", "unit": "箱", "qty": 1, "price": 180.5},
            ],
            "purpose": "销售部日常办公",
        }),
        "contract" => json!({
            "contract_no": "XS-2025-001",
            "contract_name": "年度供货合同",
            "contract_type": "销售合同",
            "counterparty": "华东贸易有限公司",
            "amount": 200000,
            "sign_date": "2025-01-02",
            "term": {"start": "2025-01-01", "end": "2025-12-31"},
            "bank_account": "6222020200001234567",
            "documents": [file("合同.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")],
        }),
        "seal" => json!({
            "seal_types": ["合同专用章"],
            "document_name": "年度供货合同",
            "copies": 2,
            "use_date": "2025-01-03",
            "purpose": "合同签订",
            "take_out": "否",
            "documents": [file("合同.pdf", "application/pdf")],
        }),
        "invoice" => json!({
            "contract": {"id": "0196a000-0000-7000-8000-000000000001", "title": "年度供货合同"},
            "customer": "华东贸易有限公司",
            "buyer_tax_no": "91310115MA1H7GXX3B",
            "invoice_type": "增值税专用发票",
            "amount": 11300,
            "tax_rate": 13,
            "content": "办公设备一批",
        }),
        "consulting" => json!({
            "client": "华东贸易有限公司",
            "task_type": "管理咨询",
            "description": "梳理销售流程并提出改进建议",
            "handler_user": person("dengchao", "邓超"),
            "deadline": "2025-04-30",
        }),
        "oa_account" => json!({
            "request_type": "开通账号",
            "applicant_name": "曹颖",
            "department": {"id": "sales", "name": "销售部"},
            "phone": "13800138000",
            "email": "caoying@demo.xietong.example",
            "requested_rights": ["协同工作", "表单应用"],
            "reason": "新入职",
        }),
        "password_reset" => json!({
            "account_owner": person("fenglei", "冯磊"),
            "account": "fenglei",
            "reason": "忘记密码",
            "contact_phone": "13800138000",
        }),
        "repair" => json!({
            "request_type": "维修",
            "urgency": "紧急",
            "location": {"region": "上海市/浦东新区", "detail": "3 楼会议室"},
            "device": "投影仪",
            "contact_phone": "021-55551234",
            "fault": "无法开机",
            "photos": [file("现场.jpg", "image/jpeg")],
        }),
        "staffing" => json!({
            "department": {"id": "sales", "name": "销售部"},
            "position": "销售专员",
            "headcount": 2,
            "employment_type": "全职",
            "arrival_date": "2025-05-01",
            "reason": "离职补缺",
            "reason_detail": "两名专员离职",
            "requirements": "大专以上，一年以上销售经验",
            "salary_range": "6000-8000",
        }),
        "report" => json!({
            "subject": "关于增设华南销售办事处的请示",
            "report_type": "请示",
            "urgency": "普通",
            "body": "为拓展华南市场，拟在广州增设办事处……",
        }),
        other => panic!("no sample for {other}"),
    }
}

fn with(mut base: Json, changes: Json) -> Json {
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            base.as_object_mut().unwrap().remove(k);
        } else {
            base[k] = v.clone();
        }
    }
    base
}

#[test]
fn every_sample_is_valid() {
    for t in all() {
        prepared(&t.form, sample(&t.key)).unwrap_or_else(|e| panic!("{}: {e:?}", t.key));
    }
}

#[test]
fn leave_counts_working_days_and_asks_for_a_sick_note_only_for_sick_leave() {
    let t = load("leave");
    let data = prepared(&t.form, sample("leave")).unwrap();
    assert_eq!(data["leave_range"]["days"], 2);
    // 2025-03-07 (Fri) … 2025-03-10 (Mon): two working days
    let long = prepared(
        &t.form,
        with(
            sample("leave"),
            json!({"leave_range": {"start": "2025-03-07", "end": "2025-03-10"}}),
        ),
    )
    .unwrap();
    assert_eq!(long["leave_range"]["days"], 2);

    // not 病假: the attachment is not shown, and a value sent anyway is dropped
    let note = json!([file("诊断证明.jpg", "image/jpeg")]);
    let env = Env::on("2025-06-01");
    let kept = normalise(
        &t.form,
        with(sample("leave"), json!({"sick_proof": note}))
            .as_object()
            .unwrap(),
        &env,
    );
    assert!(!kept.contains_key("sick_proof"));
    // 病假: required
    let sick = with(sample("leave"), json!({"leave_type": "病假"}));
    assert_eq!(
        prepared(&t.form, sick.clone()).unwrap_err(),
        ["form.sick_proof form.required"]
    );
    let ok = prepared(&t.form, with(sick, json!({"sick_proof": note}))).unwrap();
    assert_eq!(ok["sick_proof"], note);
}

#[test]
fn expense_totals_the_items_and_writes_the_amount_in_words() {
    let t = load("expense");
    let data = prepared(&t.form, sample("expense")).unwrap();
    assert_eq!(data["total"], json!(3120.5));
    let total = t.form.field("total").unwrap();
    assert!(total.is_money(), "the uppercase amount is shown");
    let d = Decimal::parse(&data["total"].to_string()).unwrap();
    assert_eq!(uppercase(d).unwrap(), "叁仟壹佰贰拾元伍角");
    // a total sent by the browser is ignored
    let forged = prepared(&t.form, with(sample("expense"), json!({"total": 1}))).unwrap();
    assert_eq!(forged["total"], json!(3120.5));
    // the bank account is digits only
    let bad = with(sample("expense"), json!({"bank_account": "6225 8802"}));
    assert_eq!(
        prepared(&t.form, bad).unwrap_err(),
        ["form.bank_account form.pattern"]
    );
    // no items
    let empty = with(sample("expense"), json!({"items": []}));
    assert!(
        prepared(&t.form, empty)
            .unwrap_err()
            .contains(&"form.items form.required".to_string())
    );
    // finance fills in the amount paid; everyone else reads it
    let paid = t.form.field("paid_amount").unwrap();
    assert_eq!(t.form.permission(Some("finance"), paid), Perm::Edit);
    assert_eq!(t.form.permission(Some("payment"), paid), Perm::Edit);
    assert_eq!(t.form.permission(Some("dept_head"), paid), Perm::Read);
}

#[test]
fn purchase_computes_subtotals_and_the_total() {
    let t = load("purchase");
    let data = prepared(&t.form, sample("purchase")).unwrap();
    assert_eq!(data["items"][0]["subtotal"], json!(70));
    assert_eq!(data["items"][1]["subtotal"], json!(180.5));
    assert_eq!(data["total"], json!(250.5));
    let bad = with(
        sample("purchase"),
        json!({"items": [{"name": "笔", "qty": 0, "price": 3}]}),
    );
    assert_eq!(
        prepared(&t.form, bad).unwrap_err(),
        ["form.items[0].qty form.min"]
    );
}

#[test]
fn contract_number_has_a_pattern_and_the_term_counts_calendar_days() {
    let t = load("contract");
    let data = prepared(&t.form, sample("contract")).unwrap();
    assert_eq!(data["term"]["days"], 365);
    let no = t.form.field("contract_no").unwrap();
    assert!(no.unique && no.required);
    for bad in ["HT2025001", "xs-2025-001", "XS-25-001", "XS-2025-01"] {
        let issues = prepare(
            &t.form,
            with(sample("contract"), json!({"contract_no": bad}))
                .as_object()
                .unwrap(),
            &Env::on("2025-06-01"),
            Options::default(),
        )
        .unwrap_err();
        assert_eq!(issues.len(), 1, "{bad}");
        assert_eq!(issues[0].code, "form.pattern", "{bad}");
        assert_eq!(issues[0].zh, no.pattern_message);
    }
    for good in ["HT-2025-0001", "CGHT-2024-123456"] {
        prepared(
            &t.form,
            with(sample("contract"), json!({"contract_no": good})),
        )
        .unwrap_or_else(|e| panic!("{good}: {e:?}"));
    }
    // the bank account is hidden at the legal review only
    let account = t.form.field("bank_account").unwrap();
    assert_eq!(t.form.permission(Some("legal"), account), Perm::Hidden);
    assert_eq!(t.form.permission(Some("finance"), account), Perm::Read);
    assert!(!t.form.visible_to(&["legal"], account));
    assert!(t.form.visible_to(&["legal", "leader"], account));
    let amount = t.form.field("amount").unwrap();
    assert!(
        t.form
            .permissions
            .keys()
            .all(|n| t.form.permission(Some(n), amount) != Perm::Hidden)
    );
}

#[test]
fn seal_return_date_only_when_taken_out() {
    let t = load("seal");
    let out = with(sample("seal"), json!({"take_out": "是"}));
    assert_eq!(
        prepared(&t.form, out.clone()).unwrap_err(),
        ["form.return_date form.required"]
    );
    prepared(&t.form, with(out, json!({"return_date": "2025-01-05"}))).unwrap();
    let kept = prepared(
        &t.form,
        with(sample("seal"), json!({"return_date": "2025-01-05"})),
    )
    .unwrap();
    assert!(!kept.contains_key("return_date"));
    let bad = with(sample("seal"), json!({"seal_types": ["私章"]}));
    assert_eq!(
        prepared(&t.form, bad).unwrap_err(),
        ["form.seal_types form.option"]
    );
}

#[test]
fn invoice_needs_a_contract_a_tax_number_and_computes_the_tax() {
    let t = load("invoice");
    let data = prepared(&t.form, sample("invoice")).unwrap();
    assert_eq!(data["tax_amount"], json!(1300));
    let d = Decimal::parse(&data["tax_amount"].to_string()).unwrap();
    assert_eq!(uppercase(d).unwrap(), "壹仟叁佰元整");
    for bad in ["91310115ma1h7gxx3b", "9131011", "91310115-MA1H7GXX3"] {
        assert_eq!(
            prepared(
                &t.form,
                with(sample("invoice"), json!({"buyer_tax_no": bad}))
            )
            .unwrap_err(),
            ["form.buyer_tax_no form.pattern"],
            "{bad}"
        );
    }
    assert_eq!(
        prepared(&t.form, with(sample("invoice"), json!({"contract": null}))).unwrap_err(),
        ["form.contract form.required"]
    );
    assert_eq!(t.form.field("contract").unwrap().kind, Kind::Related);
}

#[test]
fn oa_account_checks_the_applicant() {
    let t = load("oa_account");
    let bad = with(
        sample("oa_account"),
        json!({"phone": "12345", "id_card": "110101199003071234", "requested_rights": []}),
    );
    assert_eq!(
        prepared(&t.form, bad).unwrap_err(),
        [
            "form.phone form.phone",
            "form.id_card form.id_card",
            "form.requested_rights form.required"
        ]
    );
    // a real check digit passes (GB 11643 example number)
    prepared(
        &t.form,
        with(
            sample("oa_account"),
            json!({"id_card": "11010519491231002X"}),
        ),
    )
    .unwrap();
}

#[test]
fn staffing_salary_is_for_hr_only() {
    let t = load("staffing");
    let salary = t.form.field("salary_range").unwrap();
    assert_eq!(t.form.permission(Some("hr"), salary), Perm::Edit);
    for node in user_nodes(&t.tree.nodes).iter().map(|n| n.1) {
        if node != "hr" {
            assert_eq!(
                t.form.permission(Some(node), salary),
                Perm::Hidden,
                "{node}"
            );
        }
    }
    assert!(!t.form.visible_to(&["dept_head", "leader"], salary));
    assert_eq!(t.settings()["visible_to_leaders"], json!(false));
    assert_eq!(
        prepared(&t.form, with(sample("staffing"), json!({"headcount": 0}))).unwrap_err(),
        ["form.headcount form.min"]
    );
    assert_eq!(
        prepared(
            &t.form,
            with(sample("staffing"), json!({"salary_range": "面议"}))
        )
        .unwrap_err(),
        ["form.salary_range form.pattern"]
    );
}

// ---------------------------------------------------------------------------------------------
// Running the flows

/// An org like the demo's: 冯磊 (sales) → 唐超 (head of sales) → 赵强 (leader in charge of
/// marketing) → 王建国 (general manager); posts and roles as a tenant would set them up, except
/// `legal`, which nobody holds.
#[derive(Default)]
struct Org {
    supervisor: HashMap<&'static str, &'static str>,
    department: HashMap<&'static str, &'static str>,
    head: HashMap<&'static str, &'static str>,
    leader: HashMap<&'static str, &'static str>,
    roles: HashMap<&'static str, Vec<&'static str>>,
    posts: HashMap<&'static str, Vec<&'static str>>,
}

fn demo() -> Org {
    let mut o = Org::default();
    for (u, s) in [
        ("fenglei", "tangchao"),
        ("dengchao", "tangchao"),
        ("tangchao", "zhaoqiang"),
        ("zhaoqiang", "wangjianguo"),
        ("maming", "zhaoqiang"),
        ("liuyang", "chenjing"),
        ("chenjing", "lihong"),
        ("lihong", "wangjianguo"),
    ] {
        o.supervisor.insert(u, s);
    }
    for (u, d) in [
        ("fenglei", "sales"),
        ("dengchao", "sales"),
        ("tangchao", "sales"),
        ("maming", "market"),
        ("chenjing", "finance"),
        ("liuyang", "finance"),
        ("zhaoqiang", "marketing"),
        ("wangjianguo", "mgmt"),
    ] {
        o.department.insert(u, d);
    }
    for (d, h, l) in [
        ("sales", "tangchao", "zhaoqiang"),
        ("market", "maming", "zhaoqiang"),
        ("marketing", "zhaoqiang", "zhaoqiang"),
        ("finance", "chenjing", "lihong"),
        ("dev", "pengfei", "sunli"),
        ("mgmt", "wangjianguo", "wangjianguo"),
    ] {
        o.head.insert(d, h);
        o.leader.insert(d, l);
    }
    o.roles.insert("hr", vec!["huangtao", "xuli"]);
    o.roles.insert("oa_admin", vec!["zhoumin"]);
    o.posts.insert("finance", vec!["chenjing", "liuyang"]);
    o.posts.insert("admin_office", vec!["zhoumin", "wufang"]);
    o.posts.insert("general_manager", vec!["wangjianguo"]);
    o
}

fn ids(v: Option<&Vec<&'static str>>) -> Vec<UserId> {
    v.map(|v| v.iter().map(|s| UserId::from(*s)).collect())
        .unwrap_or_default()
}

impl OrgDirectory for Org {
    fn supervisor(&self, user: &UserId) -> Option<UserId> {
        self.supervisor.get(user.as_str()).map(|s| UserId::from(*s))
    }
    fn department_of(&self, user: &UserId) -> Option<DeptId> {
        self.department.get(user.as_str()).map(|s| DeptId::from(*s))
    }
    fn department_head(&self, dept: &DeptId) -> Option<UserId> {
        self.head.get(dept.as_str()).map(|s| UserId::from(*s))
    }
    fn leader_in_charge(&self, dept: &DeptId) -> Option<UserId> {
        self.leader.get(dept.as_str()).map(|s| UserId::from(*s))
    }
    fn members_of_role(&self, role: &str) -> Vec<UserId> {
        ids(self.roles.get(role))
    }
    fn members_of_post(&self, post: &str) -> Vec<UserId> {
        ids(self.posts.get(post))
    }
    fn members_of_department(&self, _: &DeptId, _: bool) -> Vec<UserId> {
        Vec::new()
    }
}

/// One run: who got which step, in order (`node:user`, copies as `node:user(cc)`).
struct Run {
    def: FlowDefinition,
    state: InstanceState,
    trace: Vec<String>,
}

fn facts(org: &dyn OrgDirectory) -> Facts<'_> {
    static CAL: WeekendsOnly = WeekendsOnly {
        utc_offset_secs: 8 * 3600,
    };
    static ADMIN: std::sync::LazyLock<UserId> = std::sync::LazyLock::new(|| UserId::from("admin"));
    Facts {
        now: Timestamp(1_741_050_000), // 2025-03-04 (Tuesday), 09:00 in Shanghai
        org,
        calendar: &CAL,
        admin: &ADMIN,
        supervisor: Some(&ADMIN),
    }
}

impl Run {
    fn start(
        key: &str,
        org: &dyn OrgDirectory,
        initiator: &str,
        data: Json,
        chosen: &[(&str, &[&str])],
    ) -> Run {
        let t = load(key);
        let def = compile(&t);
        let form = prepared(&t.form, data).unwrap_or_else(|e| panic!("{key}: {e:?}"));
        let req = StartRequest {
            initiator: UserId::from(initiator),
            initiator_facts: Default::default(),
            form,
            chosen: chosen
                .iter()
                .map(|(n, us)| (n.to_string(), us.iter().map(|u| UserId::from(*u)).collect()))
                .collect::<BTreeMap<_, _>>(),
        };
        let (state, fx) = xietong_engine::start(&def, req, &facts(org))
            .unwrap_or_else(|e| panic!("{key}: start refused: {e:?}"));
        let mut run = Run {
            def,
            state,
            trace: Vec::new(),
        };
        run.absorb(&fx.effects);
        run
    }

    fn absorb(&mut self, effects: &[Effect]) {
        for e in effects {
            match e {
                Effect::TaskOpened { node, assignee, .. } => self
                    .trace
                    .push(format!("{}:{assignee}", self.def.key(*node))),
                Effect::CcSent { node, user, .. } => self
                    .trace
                    .push(format!("{}:{user}(cc)", self.def.key(*node))),
                _ => {}
            }
        }
    }

    /// The open task of `node`: (task, assignee).
    fn open(&self, node: &str) -> (xietong_engine::TaskId, UserId) {
        let t = self
            .state
            .tasks
            .iter()
            .find(|t| t.state == TaskState::Open && self.def.key(t.node) == node)
            .unwrap_or_else(|| panic!("no open task at {node}: {:?}", self.trace));
        (t.id, t.assignee.clone())
    }

    fn act(
        &mut self,
        org: &dyn OrgDirectory,
        actor: UserId,
        action: Action,
    ) -> Result<(), Refusal> {
        let cmd = Command {
            actor,
            acting_for: None,
            action,
        };
        let (state, fx) = xietong_engine::apply(&self.def, &self.state, &cmd, &facts(org))?;
        self.state = state;
        self.absorb(&fx.effects);
        Ok(())
    }

    /// Everyone agrees, in order, until the flow ends; `patches` are form fields saved on
    /// agreeing at a node.
    fn agree_all(&mut self, org: &dyn OrgDirectory, patches: &[(&str, Json)]) -> &[String] {
        for _ in 0..64 {
            if self.state.status != Status::Running {
                assert_eq!(self.state.status, Status::Approved, "{:?}", self.trace);
                return &self.trace;
            }
            let t = self
                .state
                .tasks
                .iter()
                .find(|t| t.state == TaskState::Open)
                .unwrap_or_else(|| panic!("stuck: {:?}", self.trace));
            let node = self.def.key(t.node).to_string();
            let form = patches
                .iter()
                .find(|(n, _)| *n == node)
                .map(|(_, p)| p.as_object().unwrap().clone());
            let (task, who) = (t.id, t.assignee.clone());
            self.act(
                org,
                who,
                Action::Agree {
                    task,
                    opinion: "同意".into(),
                    form,
                },
            )
            .unwrap_or_else(|e| panic!("agree at {node} refused: {e:?}"));
        }
        panic!("does not end: {:?}", self.trace)
    }
}

fn path(key: &str, org: &dyn OrgDirectory, initiator: &str, data: Json) -> Vec<String> {
    Run::start(key, org, initiator, data, &[])
        .agree_all(org, &[])
        .to_vec()
}

#[test]
fn every_flow_finishes_in_a_fresh_tenant() {
    // no supervisors, heads, leaders, posts or roles: the administrator takes those steps
    for t in all() {
        let chosen: &[(&str, &[&str])] = &[];
        let mut run = Run::start(&t.key, &EmptyOrg, "fenglei", sample(&t.key), chosen);
        let trace = run.agree_all(&EmptyOrg, &[]).to_vec();
        assert!(!trace.is_empty(), "{}", t.key);
        for step in &trace {
            let who = step.split(':').nth(1).unwrap();
            assert!(
                ["admin", "fenglei", "dengchao", "fenglei(cc)"].contains(&who),
                "{}: {step}",
                t.key
            );
        }
    }
}

#[test]
fn leave_climbs_with_the_number_of_days() {
    let org = demo();
    let two = sample("leave");
    assert_eq!(
        path("leave", &org, "fenglei", two),
        [
            "supervisor:tangchao",
            "cc_hr:huangtao(cc)",
            "cc_hr:xuli(cc)"
        ]
    );
    // 5 working days: the head of sales was the supervisor already, so that step passes
    let five = with(
        sample("leave"),
        json!({"leave_range": {"start": "2025-03-03", "end": "2025-03-07"}}),
    );
    assert_eq!(
        path("leave", &org, "fenglei", five),
        [
            "supervisor:tangchao",
            "cc_hr:huangtao(cc)",
            "cc_hr:xuli(cc)"
        ]
    );
    // 10 working days: the leader in charge too
    let ten = with(
        sample("leave"),
        json!({"leave_range": {"start": "2025-03-03", "end": "2025-03-14"}}),
    );
    assert_eq!(
        path("leave", &org, "fenglei", ten),
        [
            "supervisor:tangchao",
            "leader:zhaoqiang",
            "cc_hr:huangtao(cc)",
            "cc_hr:xuli(cc)"
        ]
    );
    // the head's own 5-day leave: the supervisor (赵强) approves, the head step passes
    let five = with(
        sample("leave"),
        json!({"leave_range": {"start": "2025-03-03", "end": "2025-03-07"}}),
    );
    assert_eq!(
        path("leave", &org, "tangchao", five),
        [
            "supervisor:zhaoqiang",
            "cc_hr:huangtao(cc)",
            "cc_hr:xuli(cc)"
        ]
    );
}

#[test]
fn expense_goes_to_finance_and_the_leader_by_amount() {
    let org = demo();
    let item = |amount: f64| {
        with(
            sample("expense"),
            json!({"items": [{"date": "2025-03-03", "category": "招待费", "description": "客户接待", "amount": amount}]}),
        )
    };
    assert_eq!(
        path("expense", &org, "fenglei", item(3000.0)),
        ["supervisor:tangchao", "payment:chenjing", "payment:liuyang"]
    );
    assert_eq!(
        path("expense", &org, "fenglei", item(8000.0)),
        [
            "supervisor:tangchao",
            "finance:chenjing",
            "finance:liuyang",
            "payment:chenjing",
            "payment:liuyang"
        ]
    );
    assert_eq!(
        path("expense", &org, "fenglei", item(30000.0)),
        [
            "supervisor:tangchao",
            "finance:chenjing",
            "finance:liuyang",
            "leader:zhaoqiang",
            "payment:chenjing",
            "payment:liuyang"
        ]
    );
    // finance records the amount paid while agreeing
    let mut run = Run::start("expense", &org, "fenglei", item(3000.0), &[]);
    run.agree_all(&org, &[("payment", json!({"paid_amount": 3000}))]);
    assert_eq!(run.state.form["paid_amount"], json!(3000));
}

#[test]
fn finance_countersigners_take_a_stance_and_superiors_never_just_read() {
    let org = demo();
    let data = with(
        sample("expense"),
        json!({"items": [{"date": "2025-03-03", "category": "招待费", "description": "客户接待", "amount": 8000}]}),
    );
    let mut run = Run::start("expense", &org, "fenglei", data, &[]);
    // 唐超 is 冯磊's superior: 已阅 is not among the step's actions
    let (task, who) = run.open("supervisor");
    let read = |opinion: &str| Action::Read {
        task,
        opinion: opinion.into(),
    };
    assert!(run.act(&org, who.clone(), read("知悉")).is_err());
    run.act(
        &org,
        who,
        Action::Agree {
            task,
            opinion: String::new(),
            form: None,
        },
    )
    .unwrap();
    // finance: 已阅 needs a written reason for not taking a stance
    let (task, who) = run.open("finance");
    let refused = run
        .act(
            &org,
            who.clone(),
            Action::Read {
                task,
                opinion: String::new(),
            },
        )
        .unwrap_err();
    assert_eq!(refused.code(), "stance_required");
    run.act(
        &org,
        who,
        Action::Read {
            task,
            opinion: "招待标准由行政核定，财务不表态".into(),
        },
    )
    .unwrap();
    // 不同意 needs a reason
    let (task, who) = run.open("payment");
    let refused = run
        .act(
            &org,
            who,
            Action::Disagree {
                task,
                opinion: " ".into(),
            },
        )
        .unwrap_err();
    assert_eq!(refused.code(), "opinion_required");
}

#[test]
fn purchase_climbs_to_the_general_manager_for_large_amounts() {
    let org = demo();
    let items = |qty: u32, price: u32| {
        with(
            sample("purchase"),
            json!({"items": [{"name": "服务器", "qty": qty, "price": price}]}),
        )
    };
    assert_eq!(
        path("purchase", &org, "fenglei", items(2, 35)),
        [
            "dept_head:tangchao",
            "purchasing:zhoumin",
            "purchasing:wufang"
        ]
    );
    assert_eq!(
        path("purchase", &org, "fenglei", items(3, 5200)),
        [
            "dept_head:tangchao",
            "leader:zhaoqiang",
            "purchasing:zhoumin",
            "purchasing:wufang"
        ]
    );
    assert_eq!(
        path("purchase", &org, "fenglei", items(2, 30000)),
        [
            "dept_head:tangchao",
            "leader:zhaoqiang",
            "general_manager:wangjianguo",
            "purchasing:zhoumin",
            "purchasing:wufang"
        ]
    );
}

#[test]
fn contract_countersigns_in_parallel_and_legal_falls_back_to_the_administrator() {
    let org = demo();
    let mut run = Run::start("contract", &org, "fenglei", sample("contract"), &[]);
    let trace = run
        .agree_all(
            &org,
            &[(
                "sign_archive",
                json!({"signed_copy": [file("签署版.pdf", "application/pdf")]}),
            )],
        )
        .to_vec();
    assert_eq!(
        trace,
        [
            "dept_head:tangchao",
            "legal:admin",
            "finance:chenjing",
            "finance:liuyang",
            "leader:zhaoqiang",
            "sign_archive:fenglei"
        ]
    );
    assert_eq!(run.state.form["signed_copy"][0]["name"], "签署版.pdf");
    let big = with(sample("contract"), json!({"amount": 1500000}));
    assert!(
        path("contract", &org, "fenglei", big).contains(&"general_manager:wangjianguo".to_string())
    );
}

#[test]
fn contract_initiator_relays_with_read_alone() {
    let org = demo();
    let mut run = Run::start("contract", &org, "fenglei", sample("contract"), &[]);
    // mode any: the first finance signer decides for the post
    for node in ["dept_head", "legal", "finance", "leader"] {
        let (task, who) = run.open(node);
        run.act(
            &org,
            who,
            Action::Agree {
                task,
                opinion: "同意".into(),
                form: None,
            },
        )
        .unwrap_or_else(|e| panic!("{node}: {e:?}"));
    }
    // R5 (C): the contract's initiator relays it to signing, 已阅 alone is fine
    let (task, who) = run.open("sign_archive");
    run.act(
        &org,
        who,
        Action::Read {
            task,
            opinion: String::new(),
        },
    )
    .unwrap();
    assert_eq!(run.state.status, Status::Approved);
}

#[test]
fn seal_asks_finance_and_the_leader_for_the_seals_that_need_them() {
    let org = demo();
    assert_eq!(
        path("seal", &org, "fenglei", sample("seal")),
        [
            "dept_head:tangchao",
            "seal_keeper:zhoumin",
            "seal_keeper:wufang"
        ]
    );
    let both = with(
        sample("seal"),
        json!({"seal_types": ["公章", "财务专用章"]}),
    );
    assert_eq!(
        path("seal", &org, "fenglei", both),
        [
            "dept_head:tangchao",
            "finance:chenjing",
            "finance:liuyang",
            "leader:zhaoqiang",
            "seal_keeper:zhoumin",
            "seal_keeper:wufang"
        ]
    );
    let out = with(
        sample("seal"),
        json!({"take_out": "是", "return_date": "2025-01-06"}),
    );
    assert!(path("seal", &org, "fenglei", out).contains(&"leader:zhaoqiang".to_string()));
}

#[test]
fn invoice_is_issued_by_finance_and_copied_to_the_initiator() {
    let org = demo();
    let mut run = Run::start("invoice", &org, "fenglei", sample("invoice"), &[]);
    let trace = run
        .agree_all(&org, &[("issue", json!({"invoice_no": "04412345"}))])
        .to_vec();
    assert_eq!(
        trace,
        [
            "dept_head:tangchao",
            "issue:chenjing",
            "issue:liuyang",
            "cc_initiator:fenglei(cc)"
        ]
    );
    assert_eq!(run.state.form["invoice_no"], "04412345");
    let big = with(sample("invoice"), json!({"amount": 200000}));
    assert!(path("invoice", &org, "fenglei", big).contains(&"leader:zhaoqiang".to_string()));
}

#[test]
fn consulting_goes_to_the_handler_named_in_the_form() {
    let org = demo();
    assert_eq!(
        path("consulting", &org, "fenglei", sample("consulting")),
        ["dept_head:tangchao", "handle:dengchao", "accept:fenglei"]
    );
}

#[test]
fn oa_account_needs_the_head_of_the_applicants_department() {
    let org = demo();
    // HR files for a newcomer in sales: the head of sales consents
    assert_eq!(
        path("oa_account", &org, "xuli", sample("oa_account")),
        [
            "dept_head:tangchao",
            "open_account:zhoumin",
            "cc_hr:huangtao(cc)",
            "cc_hr:xuli(cc)"
        ]
    );
    let dev = with(
        sample("oa_account"),
        json!({"department": {"id": "dev", "name": "研发部"}}),
    );
    assert_eq!(
        path("oa_account", &org, "xuli", dev)[0],
        "dept_head:pengfei"
    );
    // the ID number is not sent to HR's copy
    let t = load("oa_account");
    assert!(
        !t.form
            .visible_to(&["cc_hr"], t.form.field("id_card").unwrap())
    );
}

#[test]
fn password_reset_needs_the_superior_then_the_administrator() {
    let org = demo();
    assert_eq!(
        path("password_reset", &org, "fenglei", sample("password_reset")),
        ["superior:tangchao", "reset:zhoumin"]
    );
}

#[test]
fn repair_time_limit_follows_urgency_and_the_reporter_confirms() {
    let org = demo();
    let t = load("repair");
    let def = compile(&t);
    let limit = |node: &str| {
        let id = def.graph().node_id(node).unwrap();
        def.node(id).kind.user_node().unwrap().time_limit.unwrap()
    };
    assert_eq!(
        serde_json::to_value(limit("repair_critical")).unwrap(),
        json!({"amount": 4, "unit": "working_hours"})
    );
    assert_eq!(
        serde_json::to_value(limit("repair_normal")).unwrap(),
        json!({"amount": 2, "unit": "working_days"})
    );
    for (urgency, node) in [
        ("非常紧急", "repair_critical"),
        ("紧急", "repair_urgent"),
        ("一般", "repair_normal"),
    ] {
        let data = with(sample("repair"), json!({ "urgency": urgency }));
        assert_eq!(
            path("repair", &org, "fenglei", data),
            [
                format!("{node}:zhoumin"),
                format!("{node}:wufang"),
                "confirm:fenglei".to_string()
            ]
        );
    }
    // confirming with 已阅 alone is fine (inform only); not fixed: send it back to the repairer
    let mut run = Run::start("repair", &org, "fenglei", sample("repair"), &[]);
    let (task, who) = run.open("repair_urgent");
    run.act(
        &org,
        who,
        Action::Agree {
            task,
            opinion: "已更换灯泡".into(),
            form: Some(
                json!({"result": "已更换灯泡", "cost": 350})
                    .as_object()
                    .unwrap()
                    .clone(),
            ),
        },
    )
    .unwrap();
    let (task, who) = run.open("confirm");
    run.act(
        &org,
        who.clone(),
        Action::SendBack {
            task,
            target: xietong_engine::SendBackTarget::Previous,
            opinion: "仍无法开机".into(),
        },
    )
    .unwrap();
    let (task, who2) = run.open("repair_urgent");
    run.act(
        &org,
        who2,
        Action::Agree {
            task,
            opinion: "已更换电源".into(),
            form: None,
        },
    )
    .unwrap();
    let (task, who) = run.open("confirm");
    run.act(
        &org,
        who,
        Action::Read {
            task,
            opinion: String::new(),
        },
    )
    .unwrap();
    assert_eq!(run.state.status, Status::Approved);
    assert_eq!(run.state.form["cost"], json!(350));
}

#[test]
fn staffing_goes_through_hr() {
    let org = demo();
    assert_eq!(
        path("staffing", &org, "fenglei", sample("staffing")),
        [
            "dept_head:tangchao",
            "hr:huangtao",
            "hr:xuli",
            "leader:zhaoqiang"
        ]
    );
}

#[test]
fn report_climbs_the_hierarchy_with_countersigns_and_follow_up() {
    let org = demo();
    let chosen: &[(&str, &[&str])] = &[("cosign", &["maming", "chenjing"])];
    let mut run = Run::start("report", &org, "fenglei", sample("report"), chosen);
    let trace = run.agree_all(&org, &[]).to_vec();
    assert_eq!(
        trace,
        [
            "dept_head:tangchao",
            "leader:zhaoqiang",
            "cosign:maming",
            "cosign:chenjing",
            "company:wangjianguo"
        ]
    );
    // nobody chosen: no countersign; the company names an owner who follows it up
    let mut run = Run::start("report", &org, "fenglei", sample("report"), &[]);
    let owner =
        json!({"follow_owner": person("dengchao", "邓超"), "follow_deadline": "2025-06-30"});
    let trace = run.agree_all(&org, &[("company", owner)]).to_vec();
    assert_eq!(
        trace,
        [
            "dept_head:tangchao",
            "leader:zhaoqiang",
            "company:wangjianguo",
            "follow_up:dengchao"
        ]
    );
    // countersigners must take a stance; 已阅 needs a reason
    let mut run = Run::start("report", &org, "fenglei", sample("report"), chosen);
    for node in ["dept_head", "leader"] {
        let (task, who) = run.open(node);
        run.act(
            &org,
            who,
            Action::Agree {
                task,
                opinion: "同意".into(),
                form: None,
            },
        )
        .unwrap();
    }
    let (task, who) = run.open("cosign");
    let refused = run
        .act(
            &org,
            who.clone(),
            Action::Read {
                task,
                opinion: String::new(),
            },
        )
        .unwrap_err();
    assert_eq!(refused.code(), "stance_required");
    // a countersigner's 不同意 is recorded and the report still goes to the company
    run.act(
        &org,
        who,
        Action::Disagree {
            task,
            opinion: "办事处选址应先做市场调研".into(),
        },
    )
    .unwrap();
    // with two stances in the flow, the next countersigner must say what exactly
    let (task, who) = run.open("cosign");
    assert!(
        run.act(
            &org,
            who.clone(),
            Action::Agree {
                task,
                opinion: "同意".into(),
                form: None,
            },
        )
        .is_err()
    );
    run.act(
        &org,
        who,
        Action::Agree {
            task,
            opinion: "同意增设，费用纳入明年预算".into(),
            form: None,
        },
    )
    .unwrap();
    run.open("company");
}
