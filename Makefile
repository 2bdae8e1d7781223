# Two commands do all set-up on a fresh machine: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install browser clean bench-refresh

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

clean:
	rm -rf $(VENV) out
