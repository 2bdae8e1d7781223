# Two commands do all set-up on a fresh machine: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Extract the bundled sample corpus into out/ and print the summary.
run: $(STAMP)
	$(VENV)/bin/capex extract data/samples -o out --summary

test: $(STAMP)
	$(PY) -m pytest

clean:
	rm -rf $(VENV) out
