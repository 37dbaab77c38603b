# Two commands set everything up: `make run` (demo on SQLite, tasks in-process) and `make test`.
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := python3 -m uv
endif
PY := $(UV) run --frozen python
DEMO_PUPILS ?= 40000
PORT ?= 8000

.PHONY: install run demo test test-fast lint format bench bench-results-day migrations-check clean backup restore-check

install:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv
	$(UV) sync --frozen

# A half-loaded database is removed, so that the next `make run` starts again from scratch.
db.sqlite3: | install
	$(PY) manage.py migrate --noinput && $(PY) manage.py load_demo --pupils $(DEMO_PUPILS) \
		|| { rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm; exit 1; }

# A new database is migrated and filled with the demo; an existing one only gets new migrations.
run: install
	@if [ -f db.sqlite3 ]; then $(PY) manage.py migrate --noinput; \
	else $(MAKE) --no-print-directory db.sqlite3; fi
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

demo: install
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
	$(MAKE) db.sqlite3

test: install
	$(UV) run --frozen pytest $(PYTEST_ARGS)

lint: install
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check .
	$(UV) run --frozen lint-imports --no-logo
	$(UV) run --frozen djlint templates */templates --lint
	$(UV) run --frozen mypy

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

# PostgreSQL only: a pg_dump with its row-count manifest into BACKUP_DIR (./backups), then the
# proof that the latest one restores (scratch database, migrate --check, counts compared).
backup: install
	$(PY) manage.py backup_database

restore-check: install
	$(PY) manage.py restore_check

bench: install
	$(PY) -m bench

# Results-day load test: gunicorn with the production settings, 8/16/32 clients (≈ 5 min).
bench-results-day: install
	$(PY) -m bench results_day

clean:
	rm -rf .venv db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
