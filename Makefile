# Set-up is two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench templates clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/drafting batch engagement examples/engagement --out out --force --date 2026-11-28
	$(VENV)/bin/drafting batch preservation examples/preservation --out out --force --date 2026-11-28
	$(VENV)/bin/drafting batch advisory examples/advisory --out out --force --date 2026-11-28
	@echo
	@echo "The documents are in $(CURDIR)/out/"

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) benchmarks/bench.py

templates: $(STAMP)
	$(PY) tools/build_templates.py

clean:
	rm -rf out bench-out tests/_actual .pytest_cache
