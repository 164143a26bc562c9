//! The working calendar: the bundled schedule, the tenant's own days, import and export, working
//! hours, and the flow service's calendar following the changes.

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::both_databases;
use crate::common::*;

fn day<'a>(year: &'a Value, date: &str) -> Option<&'a Value> {
    year["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == date)
}

async fn put(app: &TestApp, s: &Session, path: &str, body: Value) -> Res {
    app.call(s, axum::http::Method::PUT, path, Some(body)).await
}

async fn members_read_the_bundled_schedule(app: &TestApp) {
    let admin = app.admin().await;
    let (_, member) = app.user_with_roles(&admin, "member1", &[]).await;
    let y = app
        .get(&member, "/api/v1/calendar?year=2026")
        .await
        .expect(200);
    assert_eq!(y["year"], 2026);
    assert_eq!(y["bundled"], true);
    assert_eq!(y["time_zone"], "Asia/Shanghai");
    assert_eq!(y["rest_days"], json!(["sat", "sun"]));
    assert_eq!(
        y["working_hours"],
        json!([{"start": "09:00", "end": "12:00"}, {"start": "13:30", "end": "18:00"}])
    );
    let national = day(&y, "2026-10-01").expect("国庆节 is bundled");
    assert_eq!(national["kind"], "holiday");
    assert_eq!(national["name"], "国庆节");
    assert_eq!(national["source"], "china");
    assert!(
        y["days"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["kind"] == "workday"),
        "make-up working days are listed"
    );
    // A year the bundled data does not cover: nothing but the weekly rule until imported.
    let later = app
        .get(&member, "/api/v1/calendar?year=2030")
        .await
        .expect(200);
    assert_eq!(later["bundled"], false);
    assert_eq!(later["days"], json!([]));
    app.get(&member, "/api/v1/calendar?year=1800")
        .await
        .expect_code(400, "calendar.bad_year");
    // Reading is for everyone; writing is not.
    app.call(
        &member,
        axum::http::Method::PUT,
        "/api/v1/calendar/days/2026-10-08",
        Some(json!({"kind": "holiday", "name": "x"})),
    )
    .await
    .expect_code(403, "forbidden");
}

async fn administrators_set_and_remove_days_and_flows_follow(app: &TestApp) {
    let admin = app.admin().await;
    let tenant = tenant_of(app, &admin).await;
    let oct1 = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    assert!(
        !app.app
            .directory(tenant)
            .await
            .unwrap()
            .calendar
            .is_working_day(oct1)
    );
    let d = put(
        app,
        &admin,
        "/api/v1/calendar/days/2026-10-01",
        json!({"kind": "workday", "name": "公司值班"}),
    )
    .await
    .expect(200);
    assert_eq!(d["source"], "tenant");
    let y = app
        .get(&admin, "/api/v1/calendar?year=2026")
        .await
        .expect(200);
    let oct = day(&y, "2026-10-01").unwrap();
    assert_eq!(
        (&oct["kind"], &oct["name"], &oct["source"]),
        (&json!("workday"), &json!("公司值班"), &json!("tenant"))
    );
    // The flow service counts working days on the changed calendar at once.
    assert!(
        app.app
            .directory(tenant)
            .await
            .unwrap()
            .calendar
            .is_working_day(oct1)
    );
    assert_eq!(app.audit_count("calendar.day_set").await, 1);

    put(
        app,
        &admin,
        "/api/v1/calendar/days/2026-10-01",
        json!({"kind": "rest"}),
    )
    .await
    .expect_code(422, "validation_failed");
    put(
        app,
        &admin,
        "/api/v1/calendar/days/2026-13-01",
        json!({"kind": "holiday"}),
    )
    .await
    .expect_code(400, "calendar.bad_date");

    app.delete(&admin, "/api/v1/calendar/days/2026-10-01")
        .await
        .expect(204);
    let y = app
        .get(&admin, "/api/v1/calendar?year=2026")
        .await
        .expect(200);
    assert_eq!(day(&y, "2026-10-01").unwrap()["source"], "china");
    assert!(
        !app.app
            .directory(tenant)
            .await
            .unwrap()
            .calendar
            .is_working_day(oct1)
    );
    app.delete(&admin, "/api/v1/calendar/days/2026-10-01")
        .await
        .expect_code(404, "calendar.day_not_found");
    assert_eq!(app.audit_count("calendar.day_removed").await, 1);
}

async fn import_takes_every_day_or_none_and_exports_back(app: &TestApp) {
    let admin = app.admin().await;
    let bad = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n2027-02-06,班,春节补班\n";
    let res = app
        .post(&admin, "/api/v1/calendar/import", json!({"text": bad}))
        .await;
    let body = res.expect_code(422, "calendar.import_invalid");
    assert_eq!(body["fields"][0]["field"], "line.3", "{body}");
    assert_eq!(app.count("calendar_days").await, 0, "nothing was stored");

    let good =
        "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,班,春节补班\n2027-02-10,休,春节\n";
    let r = app
        .post(&admin, "/api/v1/calendar/import", json!({"text": good}))
        .await
        .expect(200);
    assert_eq!(r["imported"], 3);
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20271001\r\nDTEND;VALUE=DATE:20271004\r\nSUMMARY:国庆节\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let r = app
        .post(&admin, "/api/v1/calendar/import", json!({"text": ics}))
        .await
        .expect(200);
    assert_eq!(r["imported"], 3);
    assert_eq!(app.audit_count("calendar.import").await, 2);
    let y = app
        .get(&admin, "/api/v1/calendar?year=2027")
        .await
        .expect(200);
    let dates: Vec<(&str, &str, &str)> = y["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap(),
                d["kind"].as_str().unwrap(),
                d["source"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        dates,
        vec![
            ("2027-01-01", "holiday", "tenant"),
            ("2027-02-06", "workday", "tenant"),
            ("2027-02-10", "holiday", "tenant"),
            ("2027-10-01", "holiday", "tenant"),
            ("2027-10-02", "holiday", "tenant"),
            ("2027-10-03", "holiday", "tenant"),
        ]
    );
    // The export reads back as the same days.
    let csv = app.get(&admin, "/api/v1/calendar/export?year=2027").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text();
    assert!(text.contains("2027-02-06,workday,春节补班"), "{text}");
    let again = app
        .post(&admin, "/api/v1/calendar/import", json!({"text": text}))
        .await
        .expect(200);
    assert_eq!(again["imported"], 6);
    assert_eq!(app.count("calendar_days").await, 6);
}

async fn working_hours_are_checked_and_kept(app: &TestApp) {
    let admin = app.admin().await;
    put(app, &admin, "/api/v1/calendar/settings", json!({"working_hours": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "18:00"}]}))
        .await
        .expect_code(422, "validation_failed");
    put(
        app,
        &admin,
        "/api/v1/calendar/settings",
        json!({"working_hours": [{"start": "9h", "end": "12:00"}]}),
    )
    .await
    .expect_code(422, "validation_failed");
    put(
        app,
        &admin,
        "/api/v1/calendar/settings",
        json!({"working_hours": []}),
    )
    .await
    .expect_code(422, "validation_failed");
    let y = put(app, &admin, "/api/v1/calendar/settings", json!({"working_hours": [{"start": "08:30", "end": "12:00"}, {"start": "13:00", "end": "17:30"}]}))
        .await
        .expect(200);
    assert_eq!(
        y["working_hours"],
        json!([{"start": "08:30", "end": "12:00"}, {"start": "13:00", "end": "17:30"}])
    );
    let tenant = tenant_of(app, &admin).await;
    let len = app
        .app
        .directory(tenant)
        .await
        .unwrap()
        .calendar
        .working_day_length();
    assert_eq!(len, chrono::Duration::minutes(8 * 60));
    assert_eq!(app.audit_count("calendar.settings").await, 1);
}

async fn due_times_count_working_days_on_the_tenant_calendar(app: &TestApp) {
    // The next two weeks become holidays: one working day from now is after them.
    let admin = app.admin().await;
    let today = chrono::Utc::now().date_naive();
    let csv: String = (-1..=14)
        .map(|d| format!("{},holiday,停工\n", today + chrono::Duration::days(d)))
        .collect();
    app.post(&admin, "/api/v1/calendar/import", json!({"text": csv}))
        .await
        .expect(200);
    let f = flow_setup(app, |b| {
        b["definition"]["tree"]["nodes"][0]["time_limit"] =
            json!({"amount": 1, "unit": "working_days"});
    })
    .await;
    let inst = app
        .post(
            &f.staff,
            "/api/v1/flow/instances",
            json!({"template_id": f.template, "form": {"amount": 100}}),
        )
        .await
        .expect(200);
    let due: chrono::DateTime<chrono::Utc> = inst["tasks"][0]["due_at"]
        .as_str()
        .expect("the task has a due time")
        .parse()
        .unwrap();
    let first_working = today + chrono::Duration::days(15);
    assert!(
        due.date_naive() >= first_working,
        "due {due} falls inside the holidays (first working day {first_working})"
    );
    assert!(
        due.date_naive() <= first_working + chrono::Duration::days(4),
        "{due}"
    );
}

both_databases!(
    due_times_count_working_days_on_the_tenant_calendar,
    members_read_the_bundled_schedule,
    administrators_set_and_remove_days_and_flows_follow,
    import_takes_every_day_or_none_and_exports_back,
    working_hours_are_checked_and_kept,
);
