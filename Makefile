# Xietong — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
ADMIN_PASSWORD ?= Xietong@2026!
DATA_DIR ?= ./data

.PHONY: build run test web web-deps test-rust test-web e2e bench openapi clean

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

openapi:
	$(CARGO) run -q -p xietong-server -- openapi > web/openapi.json
	cd web && npm run gen:api

bench:
	$(CARGO) run --release -p xietong-bench -- engine

clean:
	rm -rf target web/dist web/node_modules
