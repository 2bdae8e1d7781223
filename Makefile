# Two commands do all set-up on a fresh machine: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install browser strace clean bench-refresh bench

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

# The publish test kills a run at each rename with strace's fault injection; installed
# the same way.
strace:
	@command -v strace >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace >/dev/null; }

test: $(STAMP) browser strace
	$(PY) -m pytest

# A first and a second run over 1,000 unchanged documents (the nightly refresh).
bench-refresh: $(STAMP)
	$(PY) bench/refresh.py

# Speed and memory (bench/bench.py): start-up, throughput of SudachiPy alone and of capex
# extract -j 1 and -j 2 on the dense and news-like corpora of MB megabytes (SEED picks the
# text) or on the folder CORPUS, peak memory at the MEMORY sizes (MB), time per character of
# one document of each LONG size (KB); PARTS picks some of startup,throughput,memory,long.
# A benchmark: it prints, it does not pass or fail. A quick look:
#   make bench MB=2 MEMORY=2,5,10 LONG=20,200
MB ?= 20
SEED ?= 1
MEMORY ?= 10,30,100
LONG ?= 20,200,2000
PARTS ?= startup,throughput,memory,long
bench: $(STAMP)
	$(PY) bench/bench.py --mb $(MB) --seed $(SEED) --memory $(MEMORY) --long $(LONG) --parts $(PARTS) \
		$(if $(CORPUS),--corpus $(CORPUS))

clean:
	rm -rf $(VENV) out
