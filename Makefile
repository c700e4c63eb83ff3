# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The tests run against the real services of this machine unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/talentliaison
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test install lint messages bench screenshots wheelhouse

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: lint
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) manage.py makemigrations --check --dry-run
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) -m pytest $(PYTEST_ARGS)

# Synthetic data at 100,000 talents in a database of its own (tl_bench, dropped afterwards); prints JSON.
bench: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) manage.py bench $(BENCH_ARGS)

messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

# Every page at desktop and phone width, from a throw-away demo database, into docs/screenshots/.
screenshots: install
	$(PY) e2e/screenshots.py

# Every wheel the site needs, for installing on a machine with no internet (docs/OPERATIONS.md).
wheelhouse: install
	$(PY) -m pip wheel --quiet --wheel-dir wheelhouse -r requirements.txt
	@ls wheelhouse | wc -l | xargs echo "wheels in wheelhouse/:"
