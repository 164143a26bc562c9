//! The floor under every durable figure: how long one statement takes through SeaORM on the
//! sqlx SQLite driver (a worker thread per connection, a channel hop per statement), on a
//! current-thread and on a multi-thread tokio runtime. Run it plain and pinned to one CPU
//! (`taskset -c 0`) to see how much of it is the cost of waking the other CPU:
//! `cargo run --release -p xietong-bench --example db_round_trip`.

use sea_orm::{ConnectionTrait, Database, DbBackend, Statement, TransactionTrait};
use std::time::Instant;

fn main() {
    for mt in [false, true] {
        let rt = if mt {
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .unwrap()
        } else {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
        };
        rt.block_on(async {
            let _ = std::fs::remove_file("/tmp/xietong-db-round-trip.db");
            let db = Database::connect("sqlite:///tmp/xietong-db-round-trip.db?mode=rwc").await.unwrap();
            db.execute_unprepared("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)").await.unwrap();
            let n = 20000;
            let t0 = Instant::now();
            for _ in 0..n { db.query_one_raw(Statement::from_string(DbBackend::Sqlite, "SELECT 1")).await.unwrap(); }
            println!("mt={mt} select1: {:.1} us", t0.elapsed().as_secs_f64()*1e6/n as f64);
            let t0 = Instant::now();
            for i in 0..n { db.execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, "INSERT INTO t(id,v) VALUES (?,?)", [ (i as i64).into(), "x".into()])).await.unwrap(); }
            println!("mt={mt} autocommit insert: {:.1} us", t0.elapsed().as_secs_f64()*1e6/n as f64);
            let t0 = Instant::now();
            for i in 0..n { let tx = db.begin().await.unwrap(); for j in 0..5 { tx.execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, "INSERT INTO t(id,v) VALUES (?,?)", [ (1_000_000 + i as i64*10+j).into(), "x".into()])).await.unwrap(); } tx.commit().await.unwrap(); }
            println!("mt={mt} txn of 5 inserts: {:.1} us", t0.elapsed().as_secs_f64()*1e6/n as f64);
            let t0 = Instant::now();
            for i in 0..n { let tx = db.begin().await.unwrap(); let b = 10_000_000 + i as i64*10; tx.execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, "INSERT INTO t(id,v) VALUES (?,?); INSERT INTO t(id,v) VALUES (?,?); INSERT INTO t(id,v) VALUES (?,?); INSERT INTO t(id,v) VALUES (?,?); INSERT INTO t(id,v) VALUES (?,?)", [ b.into(), "x".into(), (b+1).into(), "x".into(),(b+2).into(), "x".into(),(b+3).into(), "x".into(),(b+4).into(), "x".into()])).await.unwrap(); tx.commit().await.unwrap(); }
            println!("mt={mt} txn of 1 batch of 5 inserts: {:.1} us", t0.elapsed().as_secs_f64()*1e6/n as f64);
        });
    }
}
