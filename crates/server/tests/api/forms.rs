//! Forms through the API: validation field by field, files, per-node permissions on every read
//! path, approver edits, unique values, people and linked approvals, volumes, export.

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::{Value, json};

use crate::both_databases;
use crate::common::*;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDRfake-image-bytes";

async fn upload(app: &TestApp, s: &Session, name: &str, content_type: &str, bytes: &[u8]) -> Res {
    let boundary = "xtFormBoundary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n").into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::post("/api/v1/files")
        .header("cookie", &s.cookie)
        .header("x-csrf-token", &s.csrf)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    app.raw(req).await
}

/// The expense template of `flow_setup` with a richer form: a detail table with totals, a
/// computed total, a date range, contact fields, a proof image shown only for 差旅, a salary
/// field hidden at the head's node and a `paid` field finance may edit.
fn rich(t: &mut Value) {
    t["form"] = json!({"columns": 2, "fields": [
        {"key": "reason", "label": "事由", "kind": "text", "required": true, "max_length": 20},
        {"key": "type", "label": "类型", "kind": "select", "options": ["差旅", "办公"], "required": true},
        {"key": "trip", "label": "出差时间", "kind": "date_range"},
        {"key": "items", "label": "费用明细", "kind": "table", "required": true, "max_rows": 3, "totals": ["amount"], "fields": [
            {"key": "what", "label": "项目", "kind": "text", "required": true},
            {"key": "amount", "label": "金额", "kind": "money", "required": true, "min": 0.01}
        ]},
        {"key": "amount", "label": "合计", "kind": "computed", "expr": "sum(items.amount)", "format": "money"},
        {"key": "phone", "label": "电话", "kind": "phone"},
        {"key": "email", "label": "邮箱", "kind": "email"},
        {"key": "id_no", "label": "身份证号", "kind": "id_card"},
        {"key": "proof", "label": "票据照片", "kind": "image", "visible_when": "type == '差旅'", "required": true},
        {"key": "salary", "label": "月薪", "kind": "money"},
        {"key": "paid", "label": "实付金额", "kind": "money"}
    ], "permissions": {"head": {"salary": "hidden"}, "fin": {"paid": "edit"}}});
    t["settings"]["summary_fields"] = json!(["amount", "salary"]);
    t["settings"]["title_template"] = json!("{initiator}的报销");
}

fn codes(v: &Value) -> Vec<(String, String)> {
    v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn good_form() -> Value {
    json!({
        "reason": "办公用品", "type": "办公",
        "items": [{"what": "纸", "amount": 10.5}, {"what": "笔", "amount": 0.25}],
        "amount": 999, "phone": "13812345678", "email": "a@example.com",
        "id_no": "11010519491231002X", "salary": 9000,
        "trip": {"start": "2026-11-02", "end": "2026-11-08"}
    })
}

async fn a_rich_form_is_validated_field_by_field_and_a_refused_start_writes_nothing(app: &TestApp) {
    let s = flow_setup(app, rich).await;
    let before = (
        app.count("flow_instances").await,
        app.count("flow_tasks").await,
    );
    let bad = json!({
        "reason": "这是一个超过二十个字的事由文字这是一个超过二十个字", "type": "差旅",
        "items": [{"what": "", "amount": 0}],
        "phone": "12345", "email": "a@b", "id_no": "110105194912310021",
        "trip": {"start": "2026-11-08", "end": "2026-11-02"}, "nope": 1
    });
    let v = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": bad}),
        )
        .await
        .expect_code(422, "validation_failed");
    let got = codes(&v);
    let want: Vec<(String, String)> = [
        ("form.reason", "form.max_length"),
        ("form.trip", "form.date_order"),
        ("form.items[0].what", "form.required"),
        ("form.items[0].amount", "form.min"),
        ("form.phone", "form.phone"),
        ("form.email", "form.email"),
        ("form.id_no", "form.id_card"),
        ("form.proof", "form.required"),
        ("form.nope", "form.unknown_field"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
    let messages: Vec<&str> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.contains(&"请填写「费用明细 第1行 项目」"),
        "{messages:?}"
    );
    assert!(messages.contains(&"请填写「票据照片」"), "{messages:?}");
    // English, same rules
    let v = app
        .post(
            &s.staff.clone().lang("en"),
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": {"type": "办公", "items": []}}),
        )
        .await
        .expect_code(422, "validation_failed");
    let messages: Vec<&str> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages, vec!["事由 is required", "费用明细 is required"]);
    assert_eq!(
        (
            app.count("flow_instances").await,
            app.count("flow_tasks").await
        ),
        before
    );
    // A good form: the total is computed on the server, the range counted in working days
    let i = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": good_form()}),
        )
        .await
        .expect(200);
    assert_eq!(i["form"]["amount"], json!(10.75));
    assert_eq!(i["form"]["trip"]["days"], json!(5));
    assert_eq!(i["form_columns"], json!(2));
    let preview = app
        .post(
            &s.staff,
            "/api/v1/flow/instances/preview",
            json!({"template_id": s.template, "form": {"type": "办公"}}),
        )
        .await
        .expect_code(422, "validation_failed");
    assert!(codes(&preview).contains(&("form.reason".into(), "form.required".into())));
}

async fn files_are_attached_and_readable_only_where_the_field_is_visible(app: &TestApp) {
    let s = flow_setup(app, |t| {
        rich(t);
        t["form"]["permissions"]["head"]["proof"] = json!("hidden");
    })
    .await;
    let f = upload(app, &s.staff, "发票.png", "image/png", PNG)
        .await
        .expect(200);
    assert_eq!(f["content_type"], "image/png");
    assert_eq!(f["size"], PNG.len());
    // A file that claims to be an image but is not is never served as one.
    let fake = upload(
        app,
        &s.staff,
        "x.png",
        "image/png",
        b"<svg onload=alert(1)>",
    )
    .await
    .expect(200);
    assert_eq!(fake["content_type"], "application/octet-stream");
    // Someone else's upload cannot be put in my form.
    let theirs = upload(app, &s.outsider, "别人的.png", "image/png", PNG)
        .await
        .expect(200);
    let mut form = good_form();
    form["type"] = json!("差旅");
    form["proof"] = json!([theirs]);
    let v = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": form}),
        )
        .await
        .expect_code(422, "validation_failed");
    assert_eq!(
        codes(&v),
        vec![("form.proof".to_string(), "form.file_unknown".to_string())]
    );
    // A fake image is refused by the image field's type rule.
    form["proof"] = json!([fake]);
    let v = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": form}),
        )
        .await
        .expect_code(422, "validation_failed");
    assert_eq!(
        codes(&v),
        vec![("form.proof".to_string(), "form.file_type".to_string())]
    );
    // The client's name and size are replaced by the stored ones.
    let mut forged = f.clone();
    forged["size"] = json!(1);
    forged["name"] = json!("改过的名字.png");
    form["proof"] = json!([forged]);
    let i = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": form}),
        )
        .await
        .expect(200);
    assert_eq!(i["form"]["proof"][0]["name"], "发票.png");
    assert_eq!(i["form"]["proof"][0]["size"], PNG.len());
    let url = format!("/api/v1/files/{}", f["id"].as_str().unwrap());
    let res = app.get(&s.staff, &url).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.body, PNG);
    assert_eq!(res.headers["x-content-type-options"], "nosniff");
    // The head acts where the proof is hidden: neither the value nor the file reaches them.
    let view = app
        .get(
            &s.boss,
            &format!("/api/v1/flow/instances/{}", i["id"].as_str().unwrap()),
        )
        .await
        .expect(200);
    assert!(view["form"].get("proof").is_none());
    app.get(&s.boss, &url)
        .await
        .expect_code(404, "file.not_found");
    app.get(&s.outsider, &url)
        .await
        .expect_code(404, "file.not_found");
    assert_eq!(app.audit_count("file.upload").await, 3);
}

async fn hidden_fields_never_reach_a_viewer_on_any_read_path(app: &TestApp) {
    let s = flow_setup(app, rich).await;
    let i = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": good_form()}),
        )
        .await
        .expect(200);
    let id = i["id"].as_str().unwrap();
    // The initiator sees the salary; the head (where it is hidden) does not: detail, fields, list.
    assert_eq!(i["form"]["salary"], json!(9000));
    let view = app
        .get(&s.boss, &format!("/api/v1/flow/instances/{id}"))
        .await
        .expect(200);
    assert!(view["form"].get("salary").is_none());
    assert!(
        !view["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["key"] == "salary")
    );
    let todo = app.get(&s.boss, "/api/v1/flow/todo").await.expect(200);
    assert_eq!(todo["items"][0]["summary"]["amount"], json!(10.75));
    assert!(todo["items"][0]["summary"].get("salary").is_none());
    let mine = app.get(&s.staff, "/api/v1/flow/started").await.expect(200);
    assert_eq!(mine["items"][0]["summary"]["salary"], json!(9000));
    // Export: the head's workbook has the salary column empty; the initiator's has it.
    let path = format!("/api/v1/flow/templates/{}/instances.xlsx", s.template);
    let cell = |bytes: Vec<u8>| -> (Vec<String>, Vec<String>) {
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("审批单").unwrap();
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        (rows[0].clone(), rows[1].clone())
    };
    let res = app.get(&s.boss, &path).await;
    assert_eq!(res.status, 200);
    let (head, row) = cell(res.body);
    let col = head.iter().position(|h| h == "月薪").unwrap();
    assert_eq!(row.get(col).map(String::as_str).unwrap_or(""), "");
    let total = head.iter().position(|h| h == "合计").unwrap();
    assert_eq!(row[total], "10.75");
    let (_, row) = cell(app.get(&s.staff, &path).await.body);
    assert_eq!(row[col], "9000");
    // Someone who never saw the instance exports an empty sheet.
    let res = app.get(&s.outsider, &path).await;
    assert_eq!(res.status, 200);
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(res.body)).unwrap();
    assert_eq!(wb.worksheet_range("审批单").unwrap().rows().count(), 1);
    // The detail rows are on the second sheet.
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(app.get(&s.staff, &path).await.body))
            .unwrap();
    assert_eq!(wb.worksheet_range("明细").unwrap().rows().count(), 3);
}

async fn an_approver_changes_only_the_fields_editable_at_their_node(app: &TestApp) {
    let s = flow_setup(app, rich).await;
    let i = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": good_form()}),
        )
        .await
        .expect(200);
    let id = i["id"].as_str().unwrap().to_string();
    let task = |v: &Value| v["my_tasks"][0]["task_id"].as_str().unwrap().to_string();
    let view = app
        .get(&s.boss, &format!("/api/v1/flow/instances/{id}"))
        .await
        .expect(200);
    assert_eq!(view["my_tasks"][0]["editable"], json!([]));
    let t = task(&view);
    let v = app
        .post(
            &s.boss,
            &format!("/api/v1/flow/tasks/{t}/actions"),
            json!({"action": "agree", "form": {"paid": 5}}),
        )
        .await
        .expect_code(422, "validation_failed");
    assert_eq!(
        codes(&v),
        vec![("form.paid".to_string(), "form.not_editable".to_string())]
    );
    app.post(
        &s.boss,
        &format!("/api/v1/flow/tasks/{t}/actions"),
        json!({"action": "agree"}),
    )
    .await
    .expect(200);
    let view = app
        .get(&s.fin, &format!("/api/v1/flow/instances/{id}"))
        .await
        .expect(200);
    assert_eq!(view["my_tasks"][0]["editable"], json!(["paid"]));
    let t = task(&view);
    // Checked like a start; a field finance may not edit is refused.
    let v = app
        .post(
            &s.fin,
            &format!("/api/v1/flow/tasks/{t}/actions"),
            json!({"action": "agree", "form": {"paid": 1.234}}),
        )
        .await
        .expect_code(422, "validation_failed");
    assert_eq!(
        codes(&v),
        vec![("form.paid".to_string(), "form.precision".to_string())]
    );
    app.post(
        &s.fin,
        &format!("/api/v1/flow/tasks/{t}/actions"),
        json!({"action": "agree", "form": {"paid": 10, "reason": "改"}}),
    )
    .await
    .expect_code(422, "validation_failed");
    let done = app
        .post(
            &s.fin,
            &format!("/api/v1/flow/tasks/{t}/actions"),
            json!({"action": "agree", "form": {"paid": 10}}),
        )
        .await
        .expect(200);
    assert_eq!(done["status"], "approved");
    assert_eq!(done["form"]["paid"], json!(10));
    assert_eq!(done["form"]["reason"], "办公用品");
    assert_eq!(done["form"]["amount"], json!(10.75));
}

async fn a_unique_value_is_refused_while_another_live_instance_holds_it(app: &TestApp) {
    let s = flow_setup(app, |t| {
        t["form"]["fields"] = json!([
            {"key": "amount", "label": "金额", "kind": "money", "required": true},
            {"key": "no", "label": "合同编号", "kind": "text", "unique": true, "pattern": "HT-[0-9]{4}", "pattern_message": "合同编号形如 HT-0001"}
        ]);
        t["settings"]["summary_fields"] = json!(["amount"]);
    })
    .await;
    let start = |no: &str| json!({"template_id": s.template, "form": {"amount": 1, "no": no}});
    let v = app
        .post(&s.staff, "/api/v1/flow/instances", start("HT-12"))
        .await
        .expect_code(422, "validation_failed");
    assert_eq!(v["fields"][0]["message"], "合同编号形如 HT-0001");
    let a = app
        .post(&s.staff, "/api/v1/flow/instances", start("HT-0001"))
        .await
        .expect(200);
    let v = app
        .post(&s.outsider, "/api/v1/flow/instances", start("HT-0001"))
        .await
        .expect_code(422, "validation_failed");
    assert_eq!(
        codes(&v),
        vec![("form.no".to_string(), "form.unique".to_string())]
    );
    assert_eq!(
        v["fields"][0]["message"],
        "「合同编号」为「HT-0001」的申请已存在"
    );
    // Once the holder is cancelled the number is free again.
    app.post(
        &s.staff,
        &format!(
            "/api/v1/flow/instances/{}/actions",
            a["id"].as_str().unwrap()
        ),
        json!({"action": "cancel", "reason": "作废"}),
    )
    .await
    .expect(200);
    app.post(&s.outsider, "/api/v1/flow/instances", start("HT-0001"))
        .await
        .expect(200);
    app.post(&s.staff, "/api/v1/flow/instances", start("HT-0002"))
        .await
        .expect(200);
}

async fn people_and_linked_approvals_must_exist_and_be_readable(app: &TestApp) {
    let s = flow_setup(app, |t| {
        t["form"]["fields"] = json!([
            {"key": "amount", "label": "金额", "kind": "money", "required": true},
            {"key": "owner", "label": "经办人", "kind": "user"},
            {"key": "contract", "label": "关联合同", "kind": "related"}
        ]);
        t["settings"]["summary_fields"] = json!(["amount"]);
    })
    .await;
    let start = |form: Value| json!({"template_id": s.template, "form": form});
    let v = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            start(json!({"amount": 1, "owner": {"id": uuid::Uuid::now_v7(), "name": "鬼"}})),
        )
        .await
        .expect_code(422, "validation_failed");
    assert_eq!(
        codes(&v),
        vec![("form.owner".to_string(), "form.not_found".to_string())]
    );
    // A running instance cannot be linked; an approved one the caller may read can.
    let running = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            start(json!({"amount": 2, "owner": {"id": s.fin_id, "name": "财务"}})),
        )
        .await
        .expect(200);
    let rid = running["id"].as_str().unwrap().to_string();
    let v = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            start(json!({"amount": 1, "contract": {"id": rid, "title": "x"}})),
        )
        .await
        .expect_code(422, "validation_failed");
    assert_eq!(
        codes(&v),
        vec![("form.contract".to_string(), "form.related".to_string())]
    );
    for who in [&s.boss, &s.fin] {
        let view = app
            .get(who, &format!("/api/v1/flow/instances/{rid}"))
            .await
            .expect(200);
        let t = view["my_tasks"][0]["task_id"].as_str().unwrap().to_string();
        app.post(
            who,
            &format!("/api/v1/flow/tasks/{t}/actions"),
            json!({"action": "agree"}),
        )
        .await
        .expect(200);
    }
    let linked = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            start(json!({"amount": 1, "contract": {"id": rid, "title": "伪造的标题"}})),
        )
        .await
        .expect(200);
    assert_eq!(linked["form"]["contract"]["title"], running["title"]);
    // The outsider never saw it: they cannot link it.
    app.post(
        &s.outsider,
        "/api/v1/flow/instances",
        start(json!({"amount": 1, "contract": {"id": rid}})),
    )
    .await
    .expect_code(422, "validation_failed");
}

async fn monthly_volumes_count_starts_by_template_and_department(app: &TestApp) {
    let s = flow_setup(app, |_| {}).await;
    for _ in 0..3 {
        start_expense(app, &s).await;
    }
    let month = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y-%m")
        .to_string();
    let v = app
        .get(
            &s.admin,
            &format!("/api/v1/flow/volumes?from={month}&to={month}"),
        )
        .await
        .expect(200);
    assert_eq!(
        v["months"],
        json!([{"month": month, "started": 3, "approved": 0}])
    );
    assert_eq!(v["rows"][0]["template"], "费用报销");
    assert_eq!(v["rows"][0]["started"], 3);
    assert_eq!(v["rows"][0]["running"], 3);
    let v = app.get(&s.admin, "/api/v1/flow/volumes").await.expect(200);
    assert_eq!(v["months"].as_array().unwrap().len(), 12);
    app.get(&s.admin, "/api/v1/flow/volumes?from=2026-13")
        .await
        .expect_code(400, "flow.bad_period");
    app.get(&s.admin, "/api/v1/flow/volumes?from=2020-01&to=2026-01")
        .await
        .expect_code(400, "flow.bad_period");
    app.get(&s.staff, "/api/v1/flow/volumes").await.expect(403);
}

async fn the_catalogue_keeps_favourites_recent_templates_and_drafts(app: &TestApp) {
    let s = flow_setup(app, rich).await;
    let cat = app.get(&s.staff, "/api/v1/flow/catalog").await.expect(200);
    let names: Vec<&str> = cat["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["templates"].as_array().unwrap())
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"费用报销"));
    assert_eq!(cat["recent"], json!([]));
    app.call(
        &s.staff,
        Method::PUT,
        &format!("/api/v1/flow/favourites/{}", s.template),
        None,
    )
    .await
    .expect(204);
    let form = app
        .get(&s.staff, &format!("/api/v1/flow/catalog/{}", s.template))
        .await
        .expect(200);
    assert!(form["form"].get("permissions").is_none());
    assert_eq!(form["form"]["fields"][3]["kind"], "table");
    let d = app
        .post(
            &s.staff,
            "/api/v1/flow/drafts",
            json!({"template_id": s.template, "form": {"reason": "未写完"}}),
        )
        .await
        .expect(200);
    let did = d["id"].as_str().unwrap().to_string();
    app.call(
        &s.staff,
        Method::PUT,
        &format!("/api/v1/flow/drafts/{did}"),
        Some(json!({"form": {"reason": "写完了"}})),
    )
    .await
    .expect(200);
    assert_eq!(
        app.get(&s.staff, "/api/v1/flow/drafts").await.expect(200)[0]["form"]["reason"],
        "写完了"
    );
    app.get(&s.boss, &format!("/api/v1/flow/drafts/{did}"))
        .await
        .expect_code(404, "flow.draft_not_found");
    app.post(
        &s.staff,
        "/api/v1/flow/instances",
        json!({"template_id": s.template, "form": good_form()}),
    )
    .await
    .expect(200);
    app.delete(&s.staff, &format!("/api/v1/flow/drafts/{did}"))
        .await
        .expect(204);
    let cat = app.get(&s.staff, "/api/v1/flow/catalog").await.expect(200);
    assert_eq!(cat["favourites"][0]["name"], "费用报销");
    assert_eq!(cat["recent"][0]["name"], "费用报销");
    assert_eq!(
        app.get(&s.staff, "/api/v1/flow/drafts").await.expect(200),
        json!([])
    );
    app.call(
        &s.staff,
        Method::DELETE,
        &format!("/api/v1/flow/favourites/{}", s.template),
        None,
    )
    .await
    .expect(204);
    assert_eq!(
        app.get(&s.staff, "/api/v1/flow/catalog").await.expect(200)["favourites"],
        json!([])
    );
    assert_eq!(app.audit_count("flow_draft.create").await, 1);
    assert_eq!(app.audit_count("flow_favourite.add").await, 1);
}

async fn every_other_field_kind_is_checked_by_the_server(app: &TestApp) {
    let s = flow_setup(app, |t| {
        t["form"]["fields"] = json!([
            {"key": "amount", "label": "金额", "kind": "money", "required": true},
            {"key": "sec", "label": "基本信息", "kind": "section"},
            {"key": "note", "label": "说明", "kind": "description", "content": "请如实填写"},
            {"key": "sn", "label": "编号", "kind": "serial"},
            {"key": "n", "label": "人数", "kind": "number", "min": 1, "precision": 0},
            {"key": "p", "label": "比例", "kind": "percent", "max": 100},
            {"key": "d", "label": "日期", "kind": "date"},
            {"key": "dt", "label": "时间", "kind": "datetime"},
            {"key": "ms", "label": "用途", "kind": "multi_select", "options": ["a", "b"]},
            {"key": "cb", "label": "勾选", "kind": "checkbox", "options": ["a", "b"]},
            {"key": "r", "label": "级别", "kind": "radio", "options": ["高", "低"]},
            {"key": "dept", "label": "部门", "kind": "department", "multiple": true},
            {"key": "att", "label": "附件", "kind": "attachments", "max_files": 1, "accept": [".pdf"]},
            {"key": "sig", "label": "签名", "kind": "signature"},
            {"key": "addr", "label": "地址", "kind": "address", "required": true}
        ]);
        t["settings"]["summary_fields"] = json!(["amount"]);
    })
    .await;
    let pdf = upload(app, &s.staff, "a.pdf", "application/pdf", b"%PDF-1.4 fake")
        .await
        .expect(200);
    let bad = json!({
        "amount": 1, "n": 0.5, "p": 150, "d": "2026-02-30", "dt": "2026-01-01", "ms": ["x"],
        "cb": "a", "r": "中", "dept": [{"id": uuid::Uuid::now_v7(), "name": "无"}],
        "att": [pdf.clone(), pdf.clone()], "sig": pdf, "addr": {"region": "深圳", "detail": " "},
        "sn": "客户端写的", "note": "x"
    });
    let v = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": bad}),
        )
        .await
        .expect_code(422, "validation_failed");
    let want: Vec<(String, String)> = [
        ("form.n", "form.min"),
        ("form.p", "form.max"),
        ("form.d", "form.date"),
        ("form.dt", "form.datetime"),
        ("form.ms", "form.option"),
        ("form.cb", "form.type"),
        ("form.r", "form.option"),
        ("form.dept", "form.not_found"),
        ("form.att", "form.files_max"),
        ("form.sig", "form.file_type"),
        ("form.addr", "form.required"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(codes(&v), want);
    let dept = app.some_department(&s.admin).await;
    let good = json!({
        "amount": 1, "n": 3, "p": 12.5, "d": "2026-02-28", "dt": "2026-01-01 09:30", "ms": ["a", "b"],
        "cb": ["b"], "r": "高", "dept": [{"id": dept, "name": "某部门"}],
        "att": [pdf], "addr": {"region": "广东省深圳市", "detail": "科技园 1 号"}, "sn": "x"
    });
    let i = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": good}),
        )
        .await
        .expect(200);
    assert!(i["form"].get("sn").is_none());
    assert_eq!(i["form"]["addr"]["detail"], "科技园 1 号");
}

async fn built_in_templates_are_in_every_tenant_and_route_through_the_demo_org(app: &TestApp) {
    let admin = app.admin().await;
    let names = |cat: &Value| -> Vec<String> {
        cat["groups"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["templates"].as_array().unwrap())
            .map(|t| t["name"].as_str().unwrap().to_string())
            .collect()
    };
    let mut want = builtin_names();
    want.sort();
    let mut got = names(&app.get(&admin, "/api/v1/flow/catalog").await.expect(200));
    got.sort();
    assert_eq!(got, want);
    assert_eq!(want.len(), 12);
    let v = app
        .post(&admin, "/api/v1/flow/builtins", json!({}))
        .await
        .expect(200);
    assert_eq!(v, json!({"added": 0, "available": 12}));
    let acme = second_tenant_admin(app).await;
    assert_eq!(
        names(&app.get(&acme, "/api/v1/flow/catalog").await.expect(200)).len(),
        12
    );
    // In the demo company the finance step of an expense above 5000 reaches the 财务 post holders.
    xietong_server::demo::load(app.db()).await.unwrap();
    app.app.directory_changed();
    let staff = app
        .login("guoping", xietong_server::demo::DEMO_PASSWORD)
        .await;
    let cat = app.get(&staff, "/api/v1/flow/catalog").await.expect(200);
    let expense = cat["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["templates"].as_array().unwrap())
        .find(|t| t["name"] == "费用报销")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let start = app
        .get(&staff, &format!("/api/v1/flow/catalog/{expense}"))
        .await
        .expect(200);
    assert_eq!(start["form"]["permissions"]["start"]["paid_amount"], "read");
    let pdf = upload(app, &staff, "发票.pdf", "application/pdf", b"%PDF-1.4 x")
        .await
        .expect(200);
    let form = json!({
        "reimburse_date": "2026-12-01",
        "items": [{"date": "2026-11-30", "category": "差旅费", "description": "上海出差", "amount": 6000}],
        "payee": "郭平", "bank_name": "招商银行", "bank_account": "6225880012345678", "invoices": [pdf]
    });
    let mut refused = form.clone();
    refused["paid_amount"] = json!(1);
    let v = app
        .post(
            &staff,
            "/api/v1/flow/instances",
            json!({"template_id": expense, "form": refused}),
        )
        .await
        .expect_code(422, "validation_failed");
    assert_eq!(
        codes(&v),
        vec![(
            "form.paid_amount".to_string(),
            "form.not_editable".to_string()
        )]
    );
    let route = app
        .post(
            &staff,
            "/api/v1/flow/instances/preview",
            json!({"template_id": expense, "form": form}),
        )
        .await
        .expect(200);
    let users = app
        .get(&admin, "/api/v1/users?page_size=100")
        .await
        .expect(200);
    let id_of = |name: &str| {
        users["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == name)
            .unwrap()["id"]
            .clone()
    };
    let finance = route
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["node_name"].as_str().unwrap().contains("财务"))
        .expect("a finance step");
    let mut holders: Vec<String> = finance["assignees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    holders.sort();
    let mut expected = vec![
        id_of("liuyang").as_str().unwrap().to_string(),
        id_of("yangxue").as_str().unwrap().to_string(),
    ];
    expected.sort();
    assert_eq!(holders, expected, "{route}");
    let i = app
        .post(
            &staff,
            "/api/v1/flow/instances",
            json!({"template_id": expense, "form": form}),
        )
        .await
        .expect(200);
    assert_eq!(i["form"]["total"], json!(6000));
    assert!(
        i["serial_no"].as_str().unwrap().starts_with("BX-"),
        "{}",
        i["serial_no"]
    );
}

async fn everyone_involved_gets_a_silent_change_event_that_is_never_listed(app: &TestApp) {
    let s = flow_setup(app, |_| {}).await;
    let i = start_expense(app, &s).await;
    let id = i["id"].as_str().unwrap();
    let before = app
        .get(&s.staff, "/api/v1/notifications/unread-count")
        .await
        .expect(200);
    let view = app
        .get(&s.boss, &format!("/api/v1/flow/instances/{id}"))
        .await
        .expect(200);
    let t = view["my_tasks"][0]["task_id"].as_str().unwrap().to_string();
    app.post(
        &s.boss,
        &format!("/api/v1/flow/tasks/{t}/actions"),
        json!({"action": "agree"}),
    )
    .await
    .expect(200);
    // The initiator and the approver who acted were told nothing by the engine: each gets the
    // silent event, already read; the next approver got a real notice, so no silent one.
    assert_eq!(
        app.count("notifications WHERE kind = 'flow.changed'").await,
        2
    );
    assert_eq!(
        app.count("notifications WHERE kind = 'flow.changed' AND read_at IS NULL")
            .await,
        0
    );
    let list = app.get(&s.staff, "/api/v1/notifications").await.expect(200);
    assert!(!list.to_string().contains("flow.changed"), "{list}");
    assert_eq!(
        app.get(&s.staff, "/api/v1/notifications/unread-count")
            .await
            .expect(200),
        before
    );
}

both_databases!(
    everyone_involved_gets_a_silent_change_event_that_is_never_listed,
    built_in_templates_are_in_every_tenant_and_route_through_the_demo_org,
    every_other_field_kind_is_checked_by_the_server,
    a_rich_form_is_validated_field_by_field_and_a_refused_start_writes_nothing,
    files_are_attached_and_readable_only_where_the_field_is_visible,
    hidden_fields_never_reach_a_viewer_on_any_read_path,
    an_approver_changes_only_the_fields_editable_at_their_node,
    a_unique_value_is_refused_while_another_live_instance_holds_it,
    people_and_linked_approvals_must_exist_and_be_readable,
    monthly_volumes_count_starts_by_template_and_department,
    the_catalogue_keeps_favourites_recent_templates_and_drafts,
);
