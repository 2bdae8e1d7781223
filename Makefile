# Two commands do all set-up on a fresh machine: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install browser clean bench-refresh bench

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dask]'
	touch $(STAMP)

install: $(STAMP)

# Extract the bundled sample corpus into out/ and print the summary.
run: $(STAMP)
	$(VENV)/bin/capex extract data/samples -o out --summary

# The report is tested in Debian's headless chromium (with a Japanese font, so the
# screenshot shows the text); installed once, where apt-get can run (CI runs as root).
browser:
	@command -v chromium >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-ipafont-gothic >/dev/null; }

test: $(STAMP) browser
	$(PY) -m pytest

# A first and a second run over 1,000 unchanged documents (the nightly refresh).
bench-refresh: $(STAMP)
	$(PY) bench/refresh.py

# Speed and memory: SudachiPy alone, capex extract -j 1 and -j 2 on a corpus of MB megabytes
# built from data/samples (SEED picks the variations). A benchmark: it prints, it does not pass or fail.
MB ?= 50
SEED ?= 1
bench: $(STAMP)
	$(PY) bench/bench.py --mb $(MB) --seed $(SEED)

clean:
	rm -rf $(VENV) out
