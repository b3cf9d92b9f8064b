# Set-up is two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench templates docs clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	# Byte-compile the package as a wheel install would: an editable install under
	# PYTHONDONTWRITEBYTECODE would otherwise compile it from source on every start.
	$(PY) -m compileall -q drafting
	touch $(STAMP)

# One folder per kind, each with its batch manifest. A case without a preservation:
# section is reported as not applicable to that kind.
demo: $(STAMP)
	$(VENV)/bin/drafting batch engagement examples/cases --out out/engagement --force
	# --draft: an advisory whose rule data is not yet all read in the statute renders as a
	# marked draft (DRAFT in every header, each gap marked); one that is renders client-ready.
	$(VENV)/bin/drafting batch advisory examples/cases --out out/advisory --force --draft
	$(VENV)/bin/drafting batch preservation examples/cases --out out/preservation --force
	# The spreadsheet path: a client list as case files, letters straight from the sheet,
	# and the preservation deadlines as a calendar.
	$(VENV)/bin/drafting import examples/clients.csv --out out/imported --force
	$(VENV)/bin/drafting batch advisory examples/clients.csv --out out/from-sheet --force --draft
	$(VENV)/bin/drafting calendar examples/cases examples/clients.csv --out out/deadlines.ics --force
	@echo
	@echo "The documents are in $(CURDIR)/out/ (engagement/, advisory/, preservation/, from-sheet/);"
	@echo "the case files imported from examples/clients.csv in out/imported/, the deadlines in out/deadlines.ics."

test: $(STAMP)
	$(PY) -m ruff check drafting tests tools benchmarks
	$(PY) -m pytest -q -n 2  # two workers: the machines have 2 cores (pytest-xdist)

bench: $(STAMP)
	$(PY) benchmarks/bench.py

templates: $(STAMP)
	$(PY) tools/build_templates.py

# docs/JURISDICTIONS.md from the rule data, docs/CONTEXT.md from the kinds' context
# models (a test fails when either is stale)
docs: $(STAMP)
	$(PY) tools/build_jurisdictions.py
	$(PY) tools/build_context.py

clean:
	rm -rf out bench-out tests/_actual .pytest_cache
