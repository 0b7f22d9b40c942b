# The course's commands. Each one creates .venv and installs the project first
# when needed, so a fresh clone needs nothing but Python 3.11+ and make.
#
#   make lab         launch JupyterLab on the course (PORT=8888 by default)
#   make test        run every test: pytest plus strict nbval over every notebook
#   make notebooks   re-execute the notebooks and save them with their outputs (NB=path for one)
#   make bench       measure boot time, latency, notebook and test-suite times into bench/results.json
#                    (BENCH_ARGS=--skip-test-suite leaves the test suite out)
#   make site        run the demo site standalone for a real browser (PORT=8000 by default)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: lab test notebooks bench site lint clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@# matplotlib builds its font cache on first import; done here, no lesson cell waits for it
	$(PY) -c "import matplotlib.font_manager"
	@touch $(STAMP)

lab: $(STAMP)
	$(PY) tools/lab.py --port $(or $(PORT),8888)

test: $(STAMP)
	$(PY) -m pytest --nbval

notebooks: $(STAMP)
	$(PY) tools/execute_notebooks.py $(NB)

bench: $(STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)

site: $(STAMP)
	$(PY) -m demo_site --port $(or $(PORT),8000)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
