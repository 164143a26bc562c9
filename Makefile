# Xietong — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
ADMIN_PASSWORD ?= Xietong@2026!
DATA_DIR ?= ./data

.PHONY: build run test web web-deps test-rust test-web e2e bench bench-engine bench-durable bench-http bench-lists bench-jobs bench-sse openapi clean

web-deps:
	cd web && npm ci --no-audit --no-fund

web: web-deps
	cd web && npm run build

## Builds the web UI and the release binary (UI embedded) at target/release/xietong.
build: web
	$(CARGO) build --release -p xietong-server --features embed-ui

## Builds everything and starts the server on the embedded SQLite with the demo company.
run: build
	XIETONG_ADMIN_PASSWORD='$(ADMIN_PASSWORD)' ./target/release/xietong serve --data-dir $(DATA_DIR) --demo

## Every test: Rust on SQLite and PostgreSQL, web unit tests, browser tests.
test:
	bash scripts/test.sh

openapi: web-deps
	$(CARGO) run -q -p xietong-server -- openapi > web/openapi.json
	cd web && npm run gen:api

## Every benchmark, each printing one JSON line; peers run in the same invocation
## (docs/benchmarks.md). PostgreSQL runs use the server of scripts/ensure-postgres.sh.
bench: bench-engine bench-durable bench-http bench-jobs bench-lists bench-sse

bench-engine:
	$(CARGO) run --release -p xietong-bench -- engine

## The workload through the flow service, durable, on SQLite then PostgreSQL.
bench-durable:
	$(CARGO) build --release -p xietong-bench
	./target/release/xietong-bench durable
	./target/release/xietong-bench durable --database-url "$$(bash scripts/ensure-postgres.sh)"

## The workload over HTTP against the release server binary.
bench-http:
	$(CARGO) build --release -p xietong-server -p xietong-bench
	./target/release/xietong-bench http

## The durable job queue: enqueue and claim-and-complete rates, SQLite then PostgreSQL.
bench-jobs:
	$(CARGO) build --release -p xietong-bench
	./target/release/xietong-bench jobs
	./target/release/xietong-bench jobs --database-url "$$(bash scripts/ensure-postgres.sh)"

## Live notifications: 10,000 idle SSE streams and delivery time, against the release server.
bench-sse:
	$(CARGO) build --release -p xietong-server -p xietong-bench
	./target/release/xietong-bench sse

## 待办/已办 first pages on 1,000,000 finished + 50,000 open instances, SQLite then PostgreSQL.
bench-lists:
	$(CARGO) build --release -p xietong-bench
	./target/release/xietong-bench lists
	./target/release/xietong-bench lists --database-url "$$(bash scripts/ensure-postgres.sh)"

clean:
	rm -rf target web/dist web/node_modules
