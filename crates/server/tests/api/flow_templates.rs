use serde_json::{Value, json};

use crate::both_databases;
use crate::common::*;

fn form() -> Value {
    json!({"fields": [
        {"key": "amount", "label": "金额", "kind": "money", "required": true},
        {"key": "reason", "label": "事由", "kind": "textarea", "required": true},
        {"key": "kind", "label": "类别", "kind": "select", "options": ["travel", "equipment", "other"]}
    ]})
}

fn tree(condition: &str) -> Value {
    json!({"kind": "tree", "tree": {"key": "expense", "nodes": [
        {"type": "approver", "id": "head", "name": "部门负责人", "participants": [{"type": "department_head"}]},
        {"type": "conditions", "id": "by_amount", "branches": [
            {"name": "大额", "condition": condition, "nodes": [
                {"type": "approver", "id": "gm", "name": "总经理", "participants": [{"type": "supervisor", "levels": 2}]}]},
            {"name": "其他", "nodes": []}
        ]},
        {"type": "parallel", "id": "sign", "branches": [
            {"name": "财务", "nodes": [{"type": "approver", "id": "fin", "participants": [{"type": "role", "role": "hr"}], "mode": {"type": "all"}}]},
            {"name": "抄送", "nodes": [{"type": "cc", "id": "cc_hr", "participants": [{"type": "initiator"}]}]}
        ]}
    ]}})
}

async fn template_is_drafted_checked_published_and_versioned(app: &TestApp) {
    let admin = app.admin().await;
    let me = app.get(&admin, "/api/v1/me").await.expect(200)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let t = app
        .post(&admin, "/api/v1/flow/templates", json!({"name": "费用报销", "category": "财务", "form": form(), "definition": tree("amount > 10000"),
            "settings": {"serial_pattern": "BX-{yyyy}{MM}-{seq:4}", "serial_reset": "monthly", "title_template": "{initiator}的{template}-{amount}", "summary_fields": ["amount", "reason"]}}))
        .await
        .expect(200);
    assert_eq!(t["status"], "draft");
    let id = t["id"].as_str().unwrap().to_string();
    // R5: exactly one supervisor before publishing.
    app.post(
        &admin,
        &format!("/api/v1/flow/templates/{id}/publish"),
        json!({}),
    )
    .await
    .expect_code(422, "validation_failed");
    app.patch(
        &admin,
        &format!("/api/v1/flow/templates/{id}"),
        json!({"supervisor_id": me}),
    )
    .await
    .expect(200);
    // A condition naming a field the form does not have is located and refused.
    app.patch(
        &admin,
        &format!("/api/v1/flow/templates/{id}"),
        json!({"definition": tree("total > 10000")}),
    )
    .await
    .expect(200);
    let v = app
        .post(
            &admin,
            &format!("/api/v1/flow/templates/{id}/publish"),
            json!({}),
        )
        .await
        .expect(422);
    assert_eq!(v["fields"][0]["code"], "flow.definition_invalid");
    assert!(
        v["details"]["errors"][0]
            .as_str()
            .unwrap()
            .contains("total"),
        "{v}"
    );
    assert_eq!(app.count("flow_template_versions").await, BUILTINS);
    app.patch(
        &admin,
        &format!("/api/v1/flow/templates/{id}"),
        json!({"definition": tree("amount > 10000")}),
    )
    .await
    .expect(200);
    let v1 = app
        .post(
            &admin,
            &format!("/api/v1/flow/templates/{id}/publish"),
            json!({"notes": "首版"}),
        )
        .await
        .expect(200);
    assert_eq!(v1["version"], 1);
    assert!(v1["bpmn"].as_str().unwrap().contains("bpmndi:BPMNDiagram"));
    let got = app
        .get(&admin, &format!("/api/v1/flow/templates/{id}"))
        .await
        .expect(200);
    assert_eq!(got["status"], "active");
    assert_eq!(got["current_version_id"], v1["id"]);
    // Editing the draft does not touch the published version; publishing again makes version 2.
    app.patch(
        &admin,
        &format!("/api/v1/flow/templates/{id}"),
        json!({"definition": tree("amount > 20000")}),
    )
    .await
    .expect(200);
    app.post(
        &admin,
        &format!("/api/v1/flow/templates/{id}/publish"),
        json!({"notes": "提高门槛"}),
    )
    .await
    .expect(200);
    let versions = app
        .get(&admin, &format!("/api/v1/flow/templates/{id}/versions"))
        .await
        .expect(200);
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert!(versions[1]["bpmn"].as_str().unwrap().contains("10000"));
    assert!(versions[0]["bpmn"].as_str().unwrap().contains("20000"));
    assert_eq!(app.audit_count("flow_template.publish").await, 2);
}

async fn disabled_and_restricted_templates_are_hidden_from_starters(app: &TestApp) {
    let admin = app.admin().await;
    let me = app.get(&admin, "/api/v1/me").await.expect(200)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let company = app.company(&admin).await;
    let sales = app
        .post(
            &admin,
            "/api/v1/departments",
            json!({"company_id": company, "name": "销售部", "sort_order": 9000}),
        )
        .await
        .expect(200);
    let (_, member) = app.user_with_roles(&admin, "starter", &[]).await;
    let mk = |name: &str, settings: Value| json!({"name": name, "form": form(), "definition": tree("amount > 1"), "supervisor_id": me, "settings": settings});
    let open = app
        .post(&admin, "/api/v1/flow/templates", mk("通用申请", json!({})))
        .await
        .expect(200)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let only_sales = app
        .post(
            &admin,
            "/api/v1/flow/templates",
            mk("销售专用", json!({"starter_departments": [sales["id"]]})),
        )
        .await
        .expect(200)["id"]
        .as_str()
        .unwrap()
        .to_string();
    for id in [&open, &only_sales] {
        app.post(
            &admin,
            &format!("/api/v1/flow/templates/{id}/publish"),
            json!({}),
        )
        .await
        .expect(200);
    }
    // The built-in templates every tenant has are left out.
    let builtin = builtin_names();
    let names = |v: Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_string())
            .filter(|n| !builtin.contains(n))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(app.get(&member, "/api/v1/flow/templates").await.expect(200)),
        vec!["通用申请"]
    );
    app.get(&member, &format!("/api/v1/flow/templates/{only_sales}"))
        .await
        .expect(404);
    app.post(
        &admin,
        &format!("/api/v1/flow/templates/{open}/enabled"),
        json!({"enabled": false}),
    )
    .await
    .expect(200);
    assert!(names(app.get(&member, "/api/v1/flow/templates").await.expect(200)).is_empty());
    assert_eq!(
        names(app.get(&admin, "/api/v1/flow/templates").await.expect(200)).len(),
        2
    );
    app.post(
        &admin,
        &format!("/api/v1/flow/templates/{open}/enabled"),
        json!({"enabled": true}),
    )
    .await
    .expect(200);
    assert_eq!(
        names(app.get(&member, "/api/v1/flow/templates").await.expect(200)),
        vec!["通用申请"]
    );
    // Members neither create nor edit templates.
    app.post(&member, "/api/v1/flow/templates", json!({"name": "x"}))
        .await
        .expect_code(403, "forbidden");
    app.patch(
        &member,
        &format!("/api/v1/flow/templates/{open}"),
        json!({"name": "y"}),
    )
    .await
    .expect_code(403, "forbidden");
}

async fn bad_template_input_is_refused_field_by_field(app: &TestApp) {
    let admin = app.admin().await;
    let v = app
        .post(&admin, "/api/v1/flow/templates", json!({"name": "坏模板",
            "form": {"fields": [{"key": "1x", "label": "a", "kind": "text"}, {"key": "a", "label": "a", "kind": "rocket"},
                                 {"key": "a", "label": "b", "kind": "select"}]},
            "settings": {"serial_pattern": "{yyyy}", "title_template": "{nope}", "summary_fields": ["missing"]}}))
        .await
        .expect(422);
    let codes: Vec<&str> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    for want in [
        "form.field_key",
        "form.field_kind",
        "form.field_duplicate",
        "form.field_options",
        "flow.serial_pattern",
        "flow.unknown_field",
    ] {
        assert!(codes.contains(&want), "{want} missing from {codes:?}");
    }
    assert_eq!(app.count("flow_templates").await, BUILTINS);
    let t = app
        .post(
            &admin,
            "/api/v1/flow/templates",
            json!({"name": "BPMN 流程", "definition": {"kind": "bpmn", "bpmn": "<definitions"}}),
        )
        .await
        .expect(200);
    let me = app.get(&admin, "/api/v1/me").await.expect(200)["id"].clone();
    let id = t["id"].as_str().unwrap();
    app.patch(
        &admin,
        &format!("/api/v1/flow/templates/{id}"),
        json!({"supervisor_id": me}),
    )
    .await
    .expect(200);
    let v = app
        .post(
            &admin,
            &format!("/api/v1/flow/templates/{id}/publish"),
            json!({}),
        )
        .await
        .expect(422);
    assert_eq!(v["fields"][0]["code"], "flow.definition_invalid");
    app.post(
        &admin,
        &format!("/api/v1/flow/templates/{id}/enabled"),
        json!({"enabled": true}),
    )
    .await
    .expect_code(409, "flow.not_published");
    app.patch(
        &admin,
        &format!("/api/v1/flow/templates/{id}"),
        json!({"definition": {"kind": "visio"}}),
    )
    .await
    .expect(400);
    app.get(
        &admin,
        &format!("/api/v1/flow/templates/{}", uuid::Uuid::now_v7()),
    )
    .await
    .expect_code(404, "flow.template_not_found");
}

async fn bpmn_templates_publish_and_export_import_round_trips(app: &TestApp) {
    let admin = app.admin().await;
    let me = app.get(&admin, "/api/v1/me").await.expect(200)["id"].clone();
    let bpmn = include_str!("../../../engine/tests/fixtures/oa-approval.spiff.bpmn");
    let fields = json!({"fields": [
        {"key": "amount", "label": "金额", "kind": "money"}, {"key": "applicant", "label": "申请人", "kind": "text"},
        {"key": "reason", "label": "事由", "kind": "text"}, {"key": "currency", "label": "币种", "kind": "text"}]});
    let t = app
        .post(&admin, "/api/v1/flow/templates", json!({"name": "OA 审批", "form": fields, "supervisor_id": me, "definition": {"kind": "bpmn", "bpmn": bpmn}}))
        .await
        .expect(200);
    let id = t["id"].as_str().unwrap();
    app.post(
        &admin,
        &format!("/api/v1/flow/templates/{id}/publish"),
        json!({}),
    )
    .await
    .expect(200);
    let res = app
        .get(&admin, &format!("/api/v1/flow/templates/{id}/export"))
        .await;
    assert_eq!(res.status, 200);
    let file = res.json();
    assert_eq!(file["format"], "xietong.flow_template/1");
    assert!(file["bpmn"].as_str().unwrap().contains("countersign"));
    let imported = app
        .post(&admin, "/api/v1/flow/templates/import", file.clone())
        .await
        .expect(200);
    assert_eq!(imported["status"], "draft");
    assert_eq!(imported["name"], "OA 审批");
    assert!(
        imported["supervisor_id"].is_null(),
        "people do not travel between deployments"
    );
    let new_id = imported["id"].as_str().unwrap();
    app.patch(
        &admin,
        &format!("/api/v1/flow/templates/{new_id}"),
        json!({"supervisor_id": me}),
    )
    .await
    .expect(200);
    app.post(
        &admin,
        &format!("/api/v1/flow/templates/{new_id}/publish"),
        json!({}),
    )
    .await
    .expect(200);
    let mut bad = file;
    bad["format"] = json!("other/1");
    app.post(&admin, "/api/v1/flow/templates/import", bad)
        .await
        .expect(422);
}

async fn publishing_refuses_people_and_departments_that_do_not_exist(app: &TestApp) {
    let admin = app.admin().await;
    let me = app.get(&admin, "/api/v1/me").await.expect(200)["id"].clone();
    let (gone, _) = app.user_with_roles(&admin, "leaver", &[]).await;
    app.post(&admin, &format!("/api/v1/users/{gone}/disable"), json!({}))
        .await
        .expect(200);
    let ghost = uuid::Uuid::now_v7().to_string();
    let t = app
        .post(&admin, "/api/v1/flow/templates", json!({"name": "离职审批", "supervisor_id": me, "form": form(),
            "definition": {"kind": "tree", "tree": {"key": "leave", "nodes": [
                {"type": "approver", "id": "a", "name": "甲", "participants": [{"type": "users", "users": [ghost]}]},
                {"type": "approver", "id": "b", "name": "乙", "participants": [{"type": "department_members", "department": uuid::Uuid::now_v7()}]},
                {"type": "approver", "id": "c", "name": "丙", "participants": [{"type": "users", "users": [me]}]}
            ]}}}))
        .await
        .expect(200);
    let id = t["id"].as_str().unwrap();
    let v = app
        .post(
            &admin,
            &format!("/api/v1/flow/templates/{id}/publish"),
            json!({}),
        )
        .await
        .expect_code(422, "validation_failed");
    let fields: Vec<(&str, &str)> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("definition.a", "flow.unknown_participant"),
            ("definition.b", "flow.unknown_department")
        ],
        "{v}"
    );
    assert_eq!(app.count("flow_template_versions").await, BUILTINS);
    // A disabled person is refused too.
    app.patch(&admin, &format!("/api/v1/flow/templates/{id}"), json!({"definition": {"kind": "tree", "tree": {"key": "leave", "nodes": [
        {"type": "approver", "id": "a", "name": "甲", "participants": [{"type": "users", "users": [gone]}]}]}}}))
        .await
        .expect(200);
    let v = app
        .post(
            &admin,
            &format!("/api/v1/flow/templates/{id}/publish"),
            json!({}),
        )
        .await
        .expect_code(422, "validation_failed");
    assert_eq!(v["fields"][0]["code"], "flow.unknown_participant");
}

both_databases!(
    publishing_refuses_people_and_departments_that_do_not_exist,
    template_is_drafted_checked_published_and_versioned,
    disabled_and_restricted_templates_are_hidden_from_starters,
    bad_template_input_is_refused_field_by_field,
    bpmn_templates_publish_and_export_import_round_trips,
);
