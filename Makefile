# The two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# bench/scale.py measures growth at these catalogue sizes (100 takes several minutes).
BENCH_SCALES ?= 1,10,100
# Debian packages: CJK fonts and a Kai face for the PDF, HarfBuzz subsetting (fast CJK PDFs),
# chromium for browser tests (axe-core from npm), redis for the shared cache, wrk for load, poppler for PDF checks.
DEB_PACKAGES := fonts-noto-cjk fonts-arphic-ukai libharfbuzz-subset0 chromium redis-server wrk poppler-utils nodejs


# The background worker (open-data files, PDFs) beside the web server, stopped when the server stops.
WITH_WORKER = $(PY) manage.py db_worker --no-reload -v 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM;

# The report's 仿宋 body and heavy-Song title (GB/T 9704): FandolFang and FandolSong-Bold, taken out of
# Debian's texlive-lang-chinese (49 MB download) without installing TeX (265 MB with its dependencies).
FANDOL_DIR := /usr/local/share/fonts/fandol
FANDOL_FILES := FandolFang-Regular.otf FandolSong-Bold.otf
FANDOL_SRC := ./usr/share/texlive/texmf-dist/fonts/opentype/public/fandol

.PHONY: setup system-packages fonts venv migrate node-packages run test bench serve worker clean

setup: system-packages fonts venv migrate

fonts: system-packages
	@if ! fc-list | grep -q FandolFang || ! fc-list | grep -q "FandolSong:style=Bold"; then \
	  if [ "$$(id -u)" != "0" ]; then echo "缺少报告字体，请以 root 执行: make fonts"; exit 1; fi; \
	  echo "正在安装报告字体: $(FANDOL_FILES)"; \
	  tmp=$$(mktemp -d) && chmod 777 $$tmp && \
	  (cd $$tmp && { apt-get download -q texlive-lang-chinese || { apt-get update -q && apt-get download -q texlive-lang-chinese; }; }) && \
	  mkdir -p $(FANDOL_DIR) && \
	  dpkg-deb --fsys-tarfile $$tmp/texlive-lang-chinese_*.deb \
	    | tar -x -C $(FANDOL_DIR) --strip-components=9 $(addprefix $(FANDOL_SRC)/,$(FANDOL_FILES)) && \
	  fc-cache -f $(FANDOL_DIR); rc=$$?; rm -rf $$tmp; exit $$rc; \
	fi

# axe-core for the accessibility browser tests, pinned by tests/browser/package-lock.json (offline after this).
tests/browser/node_modules/.package-lock.json: tests/browser/package.json tests/browser/package-lock.json
	@command -v npm >/dev/null || { [ "$$(id -u)" = "0" ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm; } \
	  || { echo "缺少 npm，请执行: sudo apt-get install -y npm"; exit 1; }
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
node-packages: tests/browser/node_modules/.package-lock.json

system-packages:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "正在安装系统软件包:$$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	  else \
	    echo "缺少系统软件包，请执行: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

$(VENV)/bin/python:
	python3 -m venv $(VENV)

$(VENV)/.requirements-stamp: requirements.txt | $(VENV)/bin/python
	$(PIP) install -q --disable-pip-version-check -r requirements.txt
	touch $@

venv: $(VENV)/.requirements-stamp

migrate: venv
	$(PY) manage.py migrate --noinput -v 0

run: setup
	$(PY) manage.py seed_demo
	$(PY) manage.py demo_banner --url http://$(HOST):$(PORT)/
	@if [ "$${PORTAL_REQUIRE_2FA:-0}" = "0" ]; then echo "注意：本地演示已关闭管理后台的动态口令（PORTAL_REQUIRE_2FA=0）；生产设置（DJANGO_DEBUG=0）默认要求动态口令。"; fi
	export PORTAL_REQUIRE_2FA=$${PORTAL_REQUIRE_2FA:-0}; $(WITH_WORKER) $(PY) manage.py runserver $(HOST):$(PORT)

test: setup node-packages
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	@for script in bench/import.py bench/portal.py bench/report.py bench/jobs.py; do echo "== $$script =="; $(PY) $$script || exit 1; done
	@echo "== bench/scale.py (scales $(BENCH_SCALES)) =="; $(PY) bench/scale.py --scales $(BENCH_SCALES)
	@echo "== bench/load.sh =="; bash bench/load.sh

serve: setup
	DJANGO_DEBUG=$${DJANGO_DEBUG:-0} $(PY) manage.py collectstatic --noinput -v 0
	export DJANGO_DEBUG=$${DJANGO_DEBUG:-0}; $(WITH_WORKER) HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/gunicorn -c portal/gunicorn.conf.py portal.wsgi

# The worker alone (a second machine, or a systemd unit of its own).
worker: setup
	$(PY) manage.py db_worker --no-reload -v 1

clean:
	rm -rf $(VENV) staticfiles db.sqlite3* tests/browser/node_modules bench/node_modules
