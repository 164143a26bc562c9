use serde_json::json;

use crate::both_databases;
use crate::common::*;

async fn department_tree_create_move_rename_and_heads(app: &TestApp) {
    let s = app.admin().await;
    let company = app.company(&s).await;
    let sales = app
        .post(
            &s,
            "/api/v1/departments",
            json!({"company_id": company, "name": "营销中心"}),
        )
        .await
        .expect(200);
    let sales_id = sales["id"].as_str().unwrap();
    let market = app.post(&s, "/api/v1/departments", json!({"company_id": company, "parent_id": sales_id, "name": "市场部", "sort_order": 2})).await.expect(200);
    let market_id = market["id"].as_str().unwrap();
    // Siblings cannot share a name.
    app.post(
        &s,
        "/api/v1/departments",
        json!({"company_id": company, "parent_id": sales_id, "name": "市场部"}),
    )
    .await
    .expect_code(409, "org.department_name_taken");
    // A department cannot move under its own descendant.
    app.patch(
        &s,
        &format!("/api/v1/departments/{sales_id}"),
        json!({"parent_id": market_id}),
    )
    .await
    .expect(422);
    let (uid, _) = app.user_with_roles(&s, "depthead", &[]).await;
    let v = app
        .patch(
            &s,
            &format!("/api/v1/departments/{market_id}"),
            json!({"name": "市场营销部", "head_user_id": uid, "leader_user_id": uid}),
        )
        .await
        .expect(200);
    assert_eq!(v["name"], "市场营销部");
    assert_eq!(v["head_name"], "测试depthead");
    let v = app
        .patch(
            &s,
            &format!("/api/v1/departments/{market_id}"),
            json!({"head_user_id": null, "parent_id": null}),
        )
        .await
        .expect(200);
    assert!(
        v["head_user_id"].is_null()
            && v["parent_id"].is_null()
            && v["leader_user_id"] == uid.as_str()
    );
    app.patch(
        &s,
        &format!("/api/v1/departments/{market_id}"),
        json!({"head_user_id": uuid::Uuid::now_v7()}),
    )
    .await
    .expect(422);
    assert!(app.audit_count("department.update").await >= 2);
}

async fn deleting_a_department_with_members_is_refused_and_changes_nothing(app: &TestApp) {
    let s = app.admin().await;
    let company = app.company(&s).await;
    let d = app
        .post(
            &s,
            "/api/v1/departments",
            json!({"company_id": company, "name": "财务部"}),
        )
        .await
        .expect(200);
    let id = d["id"].as_str().unwrap();
    app.post(
        &s,
        "/api/v1/users",
        json!({"username": "cashier", "display_name": "出纳", "department_id": id}),
    )
    .await
    .expect(200);
    let before = app.count("departments").await;
    let v = app
        .delete(&s, &format!("/api/v1/departments/{id}"))
        .await
        .expect_code(409, "org.department_not_empty");
    assert_eq!(v["details"]["members"], 1);
    assert!(v["message"].as_str().unwrap().contains("财务部"));
    assert_eq!(app.count("departments").await, before);
    let empty = app
        .post(
            &s,
            "/api/v1/departments",
            json!({"company_id": company, "name": "临时组"}),
        )
        .await
        .expect(200);
    app.delete(
        &s,
        &format!("/api/v1/departments/{}", empty["id"].as_str().unwrap()),
    )
    .await
    .expect(204);
    app.delete(
        &s,
        &format!("/api/v1/departments/{}", empty["id"].as_str().unwrap()),
    )
    .await
    .expect(404);
}

async fn users_are_created_searched_filtered_and_paginated(app: &TestApp) {
    let s = app.admin().await;
    let company = app.company(&s).await;
    let d = app
        .post(
            &s,
            "/api/v1/departments",
            json!({"company_id": company, "name": "研发部"}),
        )
        .await
        .expect(200);
    let dept = d["id"].as_str().unwrap();
    let sub = app
        .post(
            &s,
            "/api/v1/departments",
            json!({"company_id": company, "parent_id": dept, "name": "前端组"}),
        )
        .await
        .expect(200);
    let post = app
        .post(&s, "/api/v1/posts", json!({"name": "工程师", "rank": 30}))
        .await
        .expect(200);
    for i in 0..5 {
        let target = if i % 2 == 0 {
            dept
        } else {
            sub["id"].as_str().unwrap()
        };
        let v = app
            .post(&s, "/api/v1/users", json!({"username": format!("dev{i}"), "display_name": format!("开发{i}"), "department_id": target, "post_id": post["id"], "phone": "13800138000"}))
            .await
            .expect(200);
        assert_eq!(v["user"]["must_change_password"], true);
        assert!(v["initial_password"].as_str().unwrap().len() >= 12);
        assert!(v["user"].get("password_hash").is_none());
    }
    app.post(
        &s,
        "/api/v1/users",
        json!({"username": "DEV0", "display_name": "重复", "department_id": dept}),
    )
    .await
    .expect_code(409, "org.username_taken");
    let v = app
        .post(
            &s,
            "/api/v1/users",
            json!({"username": "张三", "display_name": "", "department_id": dept, "email": "x"}),
        )
        .await
        .expect(422);
    assert_eq!(v["fields"].as_array().unwrap().len(), 3);
    let page = app
        .get(
            &s,
            &format!("/api/v1/users?department_id={dept}&page_size=2"),
        )
        .await
        .expect(200);
    assert_eq!(page["total"], 5);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let only = app
        .get(
            &s,
            &format!("/api/v1/users?department_id={dept}&include_sub=false"),
        )
        .await
        .expect(200);
    assert_eq!(only["total"], 3);
    let found = app
        .get(&s, "/api/v1/users?q=%E5%BC%80%E5%8F%914")
        .await
        .expect(200);
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["username"], "dev4");
    assert_eq!(found["items"][0]["post_name"], "工程师");
    app.get(&s, "/api/v1/users?page=0")
        .await
        .expect_code(400, "request.invalid_page");
    app.get(&s, "/api/v1/users?status=gone").await.expect(400);
}

async fn moving_a_user_keeps_the_assignment_history(app: &TestApp) {
    let s = app.admin().await;
    let company = app.company(&s).await;
    let a = app
        .post(
            &s,
            "/api/v1/departments",
            json!({"company_id": company, "name": "甲部"}),
        )
        .await
        .expect(200);
    let b = app
        .post(
            &s,
            "/api/v1/departments",
            json!({"company_id": company, "name": "乙部"}),
        )
        .await
        .expect(200);
    let u = app
        .post(
            &s,
            "/api/v1/users",
            json!({"username": "mover", "display_name": "调岗人", "department_id": a["id"]}),
        )
        .await
        .expect(200);
    let id = u["user"]["id"].as_str().unwrap();
    let before = app.count("user_assignments").await;
    let v = app
        .patch(
            &s,
            &format!("/api/v1/users/{id}"),
            json!({"department_id": b["id"]}),
        )
        .await
        .expect(200);
    assert_eq!(v["department_name"], "乙部");
    assert_eq!(app.count("user_assignments").await, before + 1);
    // Deleting the old department works now that it is empty; the history row stays.
    app.delete(
        &s,
        &format!("/api/v1/departments/{}", a["id"].as_str().unwrap()),
    )
    .await
    .expect(204);
    assert_eq!(app.count("user_assignments").await, before + 1);
    let audit = app
        .get(
            &s,
            &format!("/api/v1/audit?target_id={id}&action=user.update"),
        )
        .await
        .expect(200);
    assert_eq!(audit["total"], 1);
    assert_eq!(audit["items"][0]["before"]["department_id"], a["id"]);
}

async fn supervisor_defaults_to_department_head_and_chain_climbs_level_by_level(app: &TestApp) {
    let s = app.admin().await;
    let company = app.company(&s).await;
    let top = app
        .post(
            &s,
            "/api/v1/departments",
            json!({"company_id": company, "name": "总经办"}),
        )
        .await
        .expect(200);
    let top_id = top["id"].as_str().unwrap();
    let sub = app
        .post(
            &s,
            "/api/v1/departments",
            json!({"company_id": company, "parent_id": top_id, "name": "销售部"}),
        )
        .await
        .expect(200);
    let sub_id = sub["id"].as_str().unwrap();
    let mk = |u: &str, d: &str| json!({"username": u, "display_name": u, "department_id": d});
    let gm = app
        .post(&s, "/api/v1/users", mk("gm", top_id))
        .await
        .expect(200)["user"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let head = app
        .post(&s, "/api/v1/users", mk("head", sub_id))
        .await
        .expect(200)["user"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let staff = app
        .post(&s, "/api/v1/users", mk("staff", sub_id))
        .await
        .expect(200)["user"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.patch(
        &s,
        &format!("/api/v1/departments/{top_id}"),
        json!({"head_user_id": gm}),
    )
    .await
    .expect(200);
    app.patch(
        &s,
        &format!("/api/v1/departments/{sub_id}"),
        json!({"head_user_id": head}),
    )
    .await
    .expect(200);
    let chain = app
        .get(&s, &format!("/api/v1/users/{staff}/supervisors?levels=5"))
        .await
        .expect(200);
    let names: Vec<&str> = chain
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["head", "gm"]);
    let v = app
        .get(&s, &format!("/api/v1/users/{head}"))
        .await
        .expect(200);
    assert_eq!(v["effective_supervisor_id"], gm.as_str());
    // An explicit supervisor that would close a loop is refused.
    app.patch(
        &s,
        &format!("/api/v1/users/{gm}"),
        json!({"supervisor_id": staff}),
    )
    .await
    .expect(200);
    let v = app
        .patch(
            &s,
            &format!("/api/v1/users/{staff}"),
            json!({"supervisor_id": gm}),
        )
        .await
        .expect(422);
    assert_eq!(v["fields"][0]["code"], "org.supervisor_cycle");
    app.patch(
        &s,
        &format!("/api/v1/users/{staff}"),
        json!({"supervisor_id": staff}),
    )
    .await
    .expect(422);
    app.get(&s, &format!("/api/v1/users/{staff}/supervisors?levels=0"))
        .await
        .expect(400);
}

async fn posts_companies_and_roles(app: &TestApp) {
    let s = app.admin().await;
    let p = app
        .post(&s, "/api/v1/posts", json!({"name": "部长", "rank": 60}))
        .await
        .expect(200);
    app.post(&s, "/api/v1/posts", json!({"name": "x", "rank": 1000}))
        .await
        .expect(422);
    let pid = p["id"].as_str().unwrap();
    app.patch(&s, &format!("/api/v1/posts/{pid}"), json!({"rank": 65}))
        .await
        .expect(200);
    let dept = app.some_department(&s).await;
    app.post(&s, "/api/v1/users", json!({"username": "holder", "display_name": "任职者", "department_id": dept, "post_id": pid})).await.expect(200);
    app.delete(&s, &format!("/api/v1/posts/{pid}"))
        .await
        .expect_code(409, "org.post_in_use");
    let c = app
        .post(
            &s,
            "/api/v1/companies",
            json!({"name": "华东子公司", "kind": "subsidiary"}),
        )
        .await
        .expect(200);
    app.post(
        &s,
        "/api/v1/companies",
        json!({"name": "x", "kind": "branch"}),
    )
    .await
    .expect(422);
    app.patch(
        &s,
        &format!("/api/v1/companies/{}", c["id"].as_str().unwrap()),
        json!({"name": "华东分公司"}),
    )
    .await
    .expect(200);
    assert_eq!(
        app.get(&s, "/api/v1/companies")
            .await
            .expect(200)
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let cid = c["id"].as_str().unwrap();
    let d = app
        .post(
            &s,
            "/api/v1/departments",
            json!({"company_id": cid, "name": "华东销售"}),
        )
        .await
        .expect(200);
    app.delete(&s, &format!("/api/v1/companies/{cid}"))
        .await
        .expect_code(409, "org.company_not_empty");
    app.delete(
        &s,
        &format!("/api/v1/departments/{}", d["id"].as_str().unwrap()),
    )
    .await
    .expect(204);
    app.delete(&s, &format!("/api/v1/companies/{cid}"))
        .await
        .expect(204);
    let hq = app.company(&s).await;
    app.delete(&s, &format!("/api/v1/companies/{hq}"))
        .await
        .expect_code(409, "org.company_is_hq");
    let spare = app
        .post(&s, "/api/v1/posts", json!({"name": "临时岗", "rank": 1}))
        .await
        .expect(200);
    app.delete(
        &s,
        &format!("/api/v1/posts/{}", spare["id"].as_str().unwrap()),
    )
    .await
    .expect(204);
    assert_eq!(app.audit_count("post.delete").await, 1);
    let roles = app
        .get(&s.clone().lang("en"), "/api/v1/roles")
        .await
        .expect(200);
    assert_eq!(roles.as_array().unwrap().len(), 4);
    assert_eq!(roles[0]["name"], "System administrator");
}

async fn only_role_assigners_grant_roles(app: &TestApp) {
    let admin = app.admin().await;
    let (_, hr) = app.user_with_roles(&admin, "hruser", &["hr"]).await;
    let dept = app.some_department(&admin).await;
    // HR opens accounts but cannot hand out roles.
    app.post(
        &hr,
        "/api/v1/users",
        json!({"username": "plain", "display_name": "普通", "department_id": dept}),
    )
    .await
    .expect(200);
    app.post(&hr, "/api/v1/users", json!({"username": "boss", "display_name": "想当管理员", "department_id": dept, "roles": ["sysadmin"]}))
        .await
        .expect(403);
    assert_eq!(
        app.get(&admin, "/api/v1/users?q=boss").await.expect(200)["total"],
        0
    );
    let me = app.get(&admin, "/api/v1/me").await.expect(200);
    let id = me["id"].as_str().unwrap();
    app.patch(
        &admin,
        &format!("/api/v1/users/{id}"),
        json!({"roles": ["member"]}),
    )
    .await
    .expect_code(422, "validation_failed");
}

both_databases!(
    department_tree_create_move_rename_and_heads,
    deleting_a_department_with_members_is_refused_and_changes_nothing,
    users_are_created_searched_filtered_and_paginated,
    moving_a_user_keeps_the_assignment_history,
    supervisor_defaults_to_department_head_and_chain_climbs_level_by_level,
    posts_companies_and_roles,
    only_role_assigners_grant_roles,
);
