# Berth's front door. `make demo` and `make test` are all a newcomer needs.
SHELL := /bin/bash
export BERTH_VERSION ?= $(shell git describe --always --dirty --tags 2>/dev/null || echo dev)
SWIFT ?= swift
DEBUG_BIN := .build/debug
AGENT := .build/agent/berthd
APT_PACKAGES := libssh2-1-dev libcurl4-openssl-dev libyaml-dev openssh-server openssh-client etcd-server \
	etcd-client busybox-static iproute2 iptables iperf3 iputils-ping curl ca-certificates \
	zlib1g-dev libbz2-dev liblzma-dev docker-registry apache2-utils

.PHONY: deps build agent test unit integration demo bench lab-up lab-down clean

## deps: install the system packages Berth needs (quick when present)
deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@python3 -c 'import docker' 2>/dev/null || python3 -m pip install -q docker

## build: debug build of berth and berthd
build: deps
	$(SWIFT) build

## agent: release berthd with the Swift runtime linked in, stripped
agent: deps
	$(SWIFT) build -c release --static-swift-stdlib --product berthd
	@mkdir -p $(dir $(AGENT))
	cp .build/release/berthd $(AGENT).tmp && strip $(AGENT).tmp
	@# The agent must not link ICU (full Foundation): its data alone is ~30 MB.
	@if grep -q icudt $(AGENT).tmp; then rm -f $(AGENT).tmp; \
	  echo "agent links ICU: some agent-side file imports Foundation instead of FoundationEssentials" >&2; exit 1; fi
	mv -f $(AGENT).tmp $(AGENT)
	@ls -l $(AGENT) | awk '{print "agent: " $$9 " (" $$5 " bytes)"}'

## test: unit tests (no root) and integration tests against real sshd in lab hosts
test: build agent
	BERTH_INTEGRATION=1 BERTH_AGENT=$(abspath $(AGENT)) BERTH_BIN=$(abspath $(DEBUG_BIN))/berth \
	  $(SWIFT) test --no-parallel 2>&1 | tee .build/test.log; exit $${PIPESTATUS[0]}

unit: build
	$(SWIFT) test --skip BerthIntegrationTests

## demo: three lab hosts, created in parallel, listed, used with the stock docker CLI; removed at the end
demo: build agent
	BERTH_AGENT=$(abspath $(AGENT)) BERTH=$(abspath $(DEBUG_BIN))/berth bash Tests/scripts/demo.sh

## bench: measured against the peer tools, printed as ratios
bench: build agent
	BERTH_AGENT=$(abspath $(AGENT)) BERTH=$(abspath $(DEBUG_BIN))/berth bash Tests/scripts/bench.sh

## lab-up / lab-down: a 3-host lab (lab1..lab3) in the default store
lab-up: build agent
	BERTH_AGENT=$(abspath $(AGENT)) $(DEBUG_BIN)/berth create -d lab lab1 lab2 lab3
	$(DEBUG_BIN)/berth ls

lab-down: build
	$(DEBUG_BIN)/berth rm -f lab1 lab2 lab3 || true

clean:
	rm -rf .build
