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
	# Byte-compile the package as a wheel install would: an editable install under
	# PYTHONDONTWRITEBYTECODE would otherwise compile it from source on every start.
	$(PY) -m compileall -q drafting
	touch $(STAMP)

# One folder per kind, each with its batch manifest. A case without a preservation:
# section is reported as not applicable to that kind.
demo: $(STAMP)
	$(VENV)/bin/drafting batch engagement examples/cases --out out/engagement --force
	$(VENV)/bin/drafting batch advisory examples/cases --out out/advisory --force
	$(VENV)/bin/drafting batch preservation examples/cases --out out/preservation --force
	@echo
	@echo "The documents are in $(CURDIR)/out/ (engagement/, advisory/, preservation/)."

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) benchmarks/bench.py

templates: $(STAMP)
	$(PY) tools/build_templates.py

clean:
	rm -rf out bench-out tests/_actual .pytest_cache
