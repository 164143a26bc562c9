//! Efficiency statistics and the 待办清零 list.

use serde_json::{Value, json};

use crate::both_databases;
use crate::common::*;

fn row<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no row {id} in {report}"))
}

async fn efficiency_counts_handled_and_pending_tasks(app: &TestApp) {
    let f = flow_setup(app, |_| {}).await;
    let mut tasks = Vec::new();
    for amount in [100, 200] {
        let i = app
            .post(
                &f.staff,
                "/api/v1/flow/instances",
                json!({"template_id": f.template, "form": {"amount": amount}}),
            )
            .await
            .expect(200);
        tasks.push(i["tasks"][0]["id"].as_str().unwrap().to_string());
    }
    app.post(
        &f.boss,
        &format!("/api/v1/flow/tasks/{}/actions", tasks[0]),
        json!({"action": "agree", "opinion": "同意"}),
    )
    .await
    .expect(200);

    app.get(&f.staff, "/api/v1/flow/stats/efficiency")
        .await
        .expect_code(403, "forbidden");
    let by_person = app
        .get(&f.admin, "/api/v1/flow/stats/efficiency?group=person")
        .await
        .expect(200);
    let boss = row(&by_person, &f.boss_id);
    assert_eq!(boss["handled"], 1);
    assert_eq!(boss["pending"], 1);
    assert!(boss["avg_working_hours"].as_f64().unwrap() >= 0.0);
    assert_eq!(boss["overdue_rate"], 0.0);
    assert_eq!(row(&by_person, &f.fin_id)["pending"], 1);
    let by_template = app
        .get(&f.admin, "/api/v1/flow/stats/efficiency")
        .await
        .expect(200);
    let t = row(&by_template, &f.template);
    assert_eq!(
        (t["handled"].clone(), t["pending"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(t["name"], "费用报销");
    let by_dept = app
        .get(&f.admin, "/api/v1/flow/stats/efficiency?group=department")
        .await
        .expect(200);
    assert!(
        by_dept["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "销售部" && r["handled"] == 1)
    );
    app.get(&f.admin, "/api/v1/flow/stats/efficiency?group=team")
        .await
        .expect_code(400, "flow.bad_group");
    app.get(
        &f.admin,
        "/api/v1/flow/stats/efficiency?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
    )
    .await
    .expect_code(400, "flow.bad_period");

    // Everyone holding an open task, most first (older than 0 days).
    let backlog = app
        .get(&f.admin, "/api/v1/flow/stats/backlog?older_than_days=0")
        .await
        .expect(200);
    let people: Vec<&str> = backlog
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["person_id"].as_str().unwrap())
        .collect();
    assert_eq!(people.len(), 2, "{backlog}");
    assert!(people.contains(&f.boss_id.as_str()) && people.contains(&f.fin_id.as_str()));
    let none = app
        .get(&f.admin, "/api/v1/flow/stats/backlog")
        .await
        .expect(200);
    assert_eq!(none, json!([]), "nothing is three days old");
}

both_databases!(efficiency_counts_handled_and_pending_tasks);
