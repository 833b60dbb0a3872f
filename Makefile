# Registrar. `make run` starts it with demo data; `make test` installs what the tests need and runs them.
TAGS   := sqlite_fts5
GOFLAGS_TAGS := -tags $(TAGS)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export CGO_ENABLED := 1

.DEFAULT_GOAL := help
.PHONY: help run build test test-deps lint bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

run: build ## Start Registrar on http://127.0.0.1:8080 with the demo data (creates ./data)
	REGISTRAR_DEMO=1 ./bin/registrar serve

build: ## Build bin/registrar
	go build $(GOFLAGS_TAGS) -o bin/registrar ./cmd/registrar

test: test-deps ## Install test dependencies (Chromium) and run every test with the race detector
	go vet $(GOFLAGS_TAGS) ./...
	go test -race $(GOFLAGS_TAGS) -count=1 ./...

test-deps: ## Install Debian's chromium for the browser tests when it is missing
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l .)" || { gofmt -l .; exit 1; }
	go vet $(GOFLAGS_TAGS) ./...

bench: build ## Go benchmarks of the page renderers, then a wrk load test against a running server
	go test $(GOFLAGS_TAGS) -run '^$$' -bench . -benchmem ./app/
	./scripts/load.sh

clean: ## Remove bin/ (data/ is kept: it holds your database)
	rm -rf bin
