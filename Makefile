# The two commands: `make run` and `make test`. Everything else is set up on the way.
PY ?= python3
UV_VERSION := 0.13.9
UV := .cache/uv/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test lint format bench clean

run: $(VENV)/.synced
	$(VENV)/bin/cdsbot run

test: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.synced
	$(VENV)/bin/python -m bench

$(UV):
	$(PY) -m venv .cache/uv
	.cache/uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Locked install: uv.lock is committed; --frozen refuses to drift from it.
$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PY)
	touch $@

clean:
	rm -rf $(VENV) .cache
