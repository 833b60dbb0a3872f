# Registrar. `make run` starts it with demo data; `make test` installs what the tests need and runs them.
TAGS   := sqlite_fts5
GOFLAGS_TAGS := -tags $(TAGS)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export CGO_ENABLED := 1
MAILPIT_VERSION := v1.33.1
MAILPIT = $(shell go env GOPATH)/bin/mailpit
# `registrar version` prints this; a build without make says "dev".
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# Litestream replicates the database (deploy/litestream.yml); the tests run the real binary.
LITESTREAM_VERSION := v0.5.18
LITESTREAM := $(CURDIR)/tools/bin/litestream

.DEFAULT_GOAL := help
.PHONY: help run mail build test test-deps litestream lint bench fuzz clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

run: build ## Start Registrar on http://127.0.0.1:8080 with the demo data (creates ./data)
	@if [ -z "$$REGISTRAR_SMTP_URL" ] && bash -c 'exec 3<>/dev/tcp/127.0.0.1/1025' 2>/dev/null; then \
		export REGISTRAR_SMTP_URL=smtp://127.0.0.1:1025; \
		echo "Emails go to Mailpit: http://127.0.0.1:8025 (REGISTRAR_SMTP_URL=$$REGISTRAR_SMTP_URL)"; \
	elif [ -n "$$REGISTRAR_SMTP_URL" ]; then \
		echo "Emails go to the SMTP server in REGISTRAR_SMTP_URL"; \
	else \
		echo "Emails are written as .eml files to $${REGISTRAR_DATA:-data}/mail/ (run 'make mail' for an inbox)"; \
	fi; \
	echo "REGISTRAR_DEMO=1 ./bin/registrar serve"; \
	REGISTRAR_DEMO=1 exec ./bin/registrar serve

mail: ## Start Mailpit (installed with go install when missing): inbox http://127.0.0.1:8025, SMTP 127.0.0.1:1025
	@test -x $(MAILPIT) || { echo "Installing Mailpit $(MAILPIT_VERSION) into $(dir $(MAILPIT)) (about 90 s)"; \
		CGO_ENABLED=0 go install github.com/axllent/mailpit@$(MAILPIT_VERSION); }
	$(MAILPIT) --listen 127.0.0.1:8025 --smtp 127.0.0.1:1025 --disable-version-check

build: ## Build bin/registrar
	go build $(GOFLAGS_TAGS) -ldflags "-X main.version=$(VERSION)" -o bin/registrar ./cmd/registrar

test: test-deps litestream ## Install test dependencies (Chromium, poppler-utils, Caddy, Litestream) and run every test with the race detector
	go vet $(GOFLAGS_TAGS) ./...
	go test -race -timeout 30m $(GOFLAGS_TAGS) -count=1 ./...

test-deps: ## Install Debian's chromium (browser tests), poppler-utils (pdftotext reads the PDFs) and caddy (the HTTPS test) when missing
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }
	@command -v pdftotext >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq poppler-utils; }
	@command -v caddy >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq caddy; }

litestream: $(LITESTREAM) ## Install Litestream v0.5.18 into tools/bin when missing (a clean build took 11 min on this busy 2-core machine)

$(LITESTREAM):
	GOBIN=$(CURDIR)/tools/bin go install github.com/benbjohnson/litestream/cmd/litestream@$(LITESTREAM_VERSION)

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l .)" || { gofmt -l .; exit 1; }
	go vet $(GOFLAGS_TAGS) ./...

bench: build ## Go benchmarks of the page renderers, then wrk load tests of the pages and of submissions, then memory under large bodies
	go test $(GOFLAGS_TAGS) -run '^$$' -bench . -benchmem ./app/
	./scripts/load.sh
	./scripts/load_apply.sh
	./scripts/load_files.sh

# Fuzz targets, package:name. Their seed corpora (testdata/fuzz/<name>/) run with every go test.
FUZZTIME ?= 30s
FUZZ_TARGETS := ./app:FuzzApplicationForm ./app:FuzzPDFCheck ./app/school:FuzzParseCode \
	./app:FuzzMarkdown ./db:FuzzSearchQuery ./app:FuzzExportCells

fuzz: ## Run each fuzz target for FUZZTIME (30s); a failing input is saved under testdata/fuzz
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$name in $$pkg for $(FUZZTIME)"; \
		go test $(GOFLAGS_TAGS) -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

clean: ## Remove bin/ (data/ is kept: it holds your database)
	rm -rf bin
