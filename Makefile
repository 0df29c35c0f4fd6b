# fargatekit: make demo (offline demo, no AWS account) and make test (everything).
SHELL := /bin/bash
GO ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.7.0
PKGS := ./...

.PHONY: build test test-short lint bench demo tools fuzz clean-servers layers provider

build:
	$(GO) build $(PKGS)
	cd provider && $(GO) build ./...
	cd provider/langcheck && $(GO) vet ./...

## tools: build the real test servers (kube-apiserver, etcd) once per machine.
tools:
	bash integration/kube/build.sh

## test: every test with the race detector, including the real API server.
## vet runs with -race too, so that both build the dependencies the same way
## (pulumi-aws compiles once, not twice, on a fresh machine). The test binaries
## share one API server that with.sh starts and stops: none is left running.
test: tools layers
	$(GO) vet -race $(PKGS)
	bash integration/kube/with.sh $(GO) test -race -count=1 -timeout 25m $(PKGS)
	$(MAKE) provider

## provider: the Pulumi package for every language (the nested module
## provider/: its own go.mod, so the library never requires
## pulumi-go-provider or pulumi/pkg/v3). Its tests run the components
## through the plugin under mocks, check the schema golden, generate the
## SDKs, type-check the TypeScript SDK and example with tsc (npm fetches the
## compiler once; the test skips without npm). provider/langcheck, a module
## of its own (pulumi-yaml, pulumi-java and the C# generator need an older
## pkg/v3 than pulumi-go-provider), type-checks the YAML example with
## pulumi-yaml and generates the .NET and Java SDKs. No API server needed.
## check-schema.sh then builds the pulumi CLI (once per machine, about 3
## minutes) and checks that `pulumi package get-schema` of the release-built
## plugin is the schema golden.
provider:
	cd provider && $(GO) vet -race ./...
	cd provider && $(GO) test -race -count=1 -timeout 20m ./...
	cd provider/langcheck && $(GO) vet -race ./... && $(GO) test -race -count=1 ./...
	bash provider/scripts/check-schema.sh

## layers: the SDK layer (sdk/...), its tests included, and the CLI
## (cmd/fargatekit, cmd/fargatekit-admin) link no Pulumi package
## (cmd/fargatekit-plan is the one command that does); the CLI and the SDK
## packages but sdk/lbc/helm link no Helm nor text/template (text/template
## keeps every exported method of every linked type alive); the token plugin
## (cmd/fargatekit, sdk/ekstoken) links no net/http, TLS, AWS SDK (but its
## standalone ARN parser) nor Kubernetes package, so that kubectl's every call starts it as fast as a
## Go hello world.
layers:
	@bad=$$($(GO) list -deps -test ./sdk/... | grep '^github.com/pulumi/' || true); \
	if [ -n "$$bad" ]; then echo "layers: sdk/... links Pulumi packages:"; echo "$$bad"; exit 1; fi; \
	echo "layers: sdk/... (tests included) links no github.com/pulumi/ package"
	@bad=$$($(GO) list -deps ./cmd/fargatekit ./cmd/fargatekit-admin | grep '^github.com/pulumi/' || true); \
	if [ -n "$$bad" ]; then echo "layers: the CLI links Pulumi packages:"; echo "$$bad"; exit 1; fi; \
	echo "layers: cmd/fargatekit and cmd/fargatekit-admin link no github.com/pulumi/ package"
	@bad=$$($(GO) list -deps ./cmd/fargatekit ./cmd/fargatekit-admin ./sdk/lbc ./sdk/eksfargate ./sdk/irsa ./sdk/authmap ./sdk/kubeauth | grep -E '^(helm\.sh/|text/template$$)' | sort -u || true); \
	if [ -n "$$bad" ]; then echo "layers: the CLI or an sdk package outside sdk/lbc/helm links Helm or text/template:"; echo "$$bad"; exit 1; fi; \
	echo "layers: the CLI and sdk/* (but sdk/lbc/helm) link no Helm and no text/template"
	@bad=$$($(GO) list -deps ./cmd/fargatekit ./sdk/ekstoken | grep -E '^(net/http|crypto/tls|github\.com/aws/|k8s\.io/)' | grep -vx 'github.com/aws/aws-sdk-go-v2/aws/arn' | sort -u || true); \
	if [ -n "$$bad" ]; then echo "layers: the token plugin (cmd/fargatekit, sdk/ekstoken) links:"; echo "$$bad"; exit 1; fi; \
	echo "layers: cmd/fargatekit and sdk/ekstoken link no net/http, TLS, AWS SDK nor k8s.io package"

## test-short: unit and mock tests only, no servers.
test-short:
	$(GO) test -race -short -count=1 $(PKGS)
	cd provider && $(GO) test -race -short -count=1 ./...
	cd provider/langcheck && $(GO) test -race -short -count=1 ./...

lint:
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)

bench: tools
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

## fuzz: a short run of every fuzz target (FUZZTIME per target).
FUZZTIME ?= 10s
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

## demo: part 1, the offline plan (cmd/fargatekit-plan links Pulumi); part 2,
## the SDK against a local API server (the CLI links no Pulumi), which
## `fargatekit-admin demo` starts and stops again.
demo: tools
	$(GO) run ./cmd/fargatekit-plan --demo
	$(GO) run ./cmd/fargatekit-admin demo

clean-servers:
	bash integration/kube/down.sh
