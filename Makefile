# Two commands: `make run` (set up and serve the app on the embedded default) and
# `make test` (set up and run every test). Both are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000
SCALE ?= national

.PHONY: run test setup venv messages node system-packages lint bench dataset loadtest backup restore clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

messages: venv
	@command -v msgfmt >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -q && apt-get install -y -q gettext; } \
		|| { echo "msgfmt missing: apt-get install gettext"; exit 1; }
	cd $(CURDIR) && $(PY) manage.py compilemessages --ignore=.venv -v0

# `make run` serves as production does (DEBUG off: the Vietnamese error pages, static files
# compressed and cache-busted by WhiteNoise), on the embedded SQLite with Celery eager, over
# plain HTTP. The secret key is made once per checkout. Serving other machines of the office
# network: make run HOST=0.0.0.0:8000 ALLOWED_HOSTS=192.168.1.10
ALLOWED_HOSTS ?= 127.0.0.1,localhost
RUN_ENV = DEBUG=0 HTTPS=0 ALLOWED_HOSTS=$(ALLOWED_HOSTS) SECRET_KEY="$$(cat .secret_key)"

.secret_key: | $(BIN)/activate
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

setup: venv messages .secret_key
	$(RUN_ENV) $(PY) manage.py migrate --noinput -v0
	$(RUN_ENV) $(PY) manage.py load_demo
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v0

run: setup
	$(RUN_ENV) $(PY) manage.py runserver $(HOST)

# The browser journeys need Debian's Chromium (and npm for axe-core); the PDFs of the Excel
# tables and of the Word documents need LibreOffice Calc and Writer with the Liberation fonts:
# install only whichever is missing, when allowed to (as root). Only what is missing: a machine
# whose npm came with Node.js itself cannot also take Debian's npm package.
system-packages:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-calc-nogui"; \
	[ -e /usr/lib/libreoffice/program/libswlo.so ] || missing="$$missing libreoffice-writer-nogui"; \
	fc-list 2>/dev/null | grep "Liberation Serif" >/dev/null || missing="$$missing fonts-liberation"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q $$missing; \
		else echo "Missing system packages: apt-get install$$missing"; exit 1; fi; \
	fi

# axe-core, which the browser journeys inject to check each page's accessibility: the version
# pinned in package-lock.json, into node_modules/ (not committed).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node: node_modules/.package-lock.json

# Two test processes (pytest-xdist), one per core; each has its own test database and Redis database.
TEST_JOBS ?= 2
test: system-packages venv messages node
	$(BIN)/pytest -n $(TEST_JOBS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The benchmark needs PostgreSQL and Redis: DATABASE_URL and REDIS_URL (defaults: this machine's).
bench: venv
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ntm_bench} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/10} \
	SCALE=$(SCALE) $(PY) bench/run.py

# The benchmark's synthetic dataset alone, on DATABASE_URL (idempotent): make dataset SCALE=district
dataset: venv
	$(PY) bench/generate_dataset.py --scale $(SCALE)

# Load test (README, "Load test"): 50 officials saving for 3 minutes against gunicorn on its
# own PostgreSQL database; every acknowledged write is checked afterwards. USERS=5 TIME=10 for a smoke run.
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ntm_load
loadtest: venv
	DATABASE_URL=$(LOAD_DATABASE_URL) REDIS_URL= $(PY) bench/load/run.py --users $${USERS:-50} --time $${TIME:-180}

# Backup and restore (README, "Backup and restore"): the database and the uploaded files.
#   make backup [BACKUP=~/ntm-backups/<time>]    make restore BACKUP=<folder>
backup: venv
	$(PY) manage.py backup $${BACKUP:-$$HOME/ntm-backups/$$(date +%Y%m%d-%H%M%S)}

restore: venv
	@test -n "$(BACKUP)" || { echo "Name the backup folder: make restore BACKUP=<folder>"; exit 2; }
	$(PY) manage.py restore $(BACKUP)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles node_modules
