# One command to run the system with demo data, one to test it.
# Both build .venv from the pinned requirements with the machine's python3.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Development mode unless the caller says otherwise.
export DJANGO_DEBUG ?= 1

.PHONY: install deps run-deps check-deps run test bench load lint messages lock clean

install: $(STAMP)

$(STAMP): requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# What the tests need from the system besides python3: Debian's Chromium for the
# browser journeys, poppler-utils' pdftotext and pdfsig for reading the PDFs and checking
# their signatures, SoftHSM2 for the PKCS#11 token holding the signing keys.
MISSING_PACKAGES = $(strip $(if $(shell command -v $(or $(CHROMIUM),chromium)),,chromium) \
	$(if $(shell command -v pdfsig),,poppler-utils) \
	$(if $(shell command -v softhsm2-util),,softhsm2))
SUDO = $(if $(filter 0,$(shell id -u)),,sudo)

# What `make run` needs from the system: SoftHSM2, the token the demo's signing keys
# live in. Installed when missing (as root, or through sudo), as `deps` does.
RUN_PACKAGES = $(if $(shell command -v softhsm2-util),,softhsm2)

run-deps:
	$(if $(RUN_PACKAGES),$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq \
		--no-install-recommends $(RUN_PACKAGES),@true)

# Installs the missing ones, as CI does.
deps:
	$(if $(MISSING_PACKAGES),$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq \
		--no-install-recommends $(MISSING_PACKAGES),@true)

# One line saying what to install, before a test run that would fail without it.
check-deps:
	@$(if $(MISSING_PACKAGES),echo "make test cần các gói Debian: $(MISSING_PACKAGES) — chạy \
		'make deps' hoặc 'apt-get install $(MISSING_PACKAGES)'." >&2; exit 1,true)

# The site, and beside it the worker that imports large files in the background
# (django-tasks' db_worker), stopped when the server stops. The worker does not
# reload on code changes: stop and start `make run` again after editing a task.
# The development site signs with a SoftHSM2 token in var/softhsm (made once), PIN from
# QMS_PKCS11_PIN; in production the administrator names the agency's HSM (README).
export QMS_PKCS11_PIN ?= demo-pin
export SOFTHSM2_CONF ?= $(CURDIR)/var/softhsm/softhsm2.conf

run: install run-deps
	$(BIN)/python -c "from qms.keys import init_softhsm_token as i; \
		i('$(dir $(SOFTHSM2_CONF))', label='qms', pin='$(QMS_PKCS11_PIN)')"
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py seed_demo
	@echo "Mở http://$(HOST):$(PORT)/ và đăng nhập bằng một tài khoản ở trên."
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# One pytest worker per core (pytest-xdist), each with its own test database and live
# server; `make test WORKERS=0` runs the suite in one process. Tests are handed out one
# by one (`--dist load`): a module-scoped fixture such as `demo` may be built once per
# worker. (`--dist loadgroup` would keep a module together, but xdist 3.8 cannot tag
# pytest 9's node ids, so its groups are silently ignored.)
WORKERS ?= auto
test: check-deps lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(WORKERS)

# The benchmark (bench/run.py): N dossiers, SQLite unless DATABASE_URL says otherwise;
# ONLY="import kpi" measures those steps alone (their names: bench/measure.py STEPS).
N ?= 1000000
bench: install
	$(BIN)/python bench/run.py --n $(N) $(foreach step,$(ONLY),--only $(step))

# Load test (bench/load.py): gunicorn on 127.0.0.1 with the demo data, 50 users, 60 s.
load: install
	$(BIN)/python bench/load.py

# Needs GNU gettext (Debian package gettext); the compiled .mo files are committed.
messages: install
	$(BIN)/python manage.py makemessages --locale vi --ignore '$(VENV)/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --locale vi --ignore '$(VENV)/*'

# Re-pin the dependencies from pyproject.toml (needs pip-tools).
lock:
	pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --no-header \
		--annotation-style=line -o requirements.txt pyproject.toml
	pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --no-header \
		--annotation-style=line --extra dev -o requirements-dev.txt pyproject.toml

clean:
	rm -rf $(VENV) staticfiles tests/e2e/artifacts
