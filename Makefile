# Two commands: `make demo` (set up, build the sample archive, index it, serve it) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := data/sample-archive
INDEX := data/index
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install bench clean

# The venv's own pip (23.2+ with Python 3.11) installs the package; the test tools (pytest,
# Playwright, schemathesis: about a third of the download) only for `make test`.
$(BIN)/archive-search: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e .
	touch $@

$(BIN)/pytest: $(BIN)/archive-search
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/archive-search

$(SAMPLE)/customers.csv: | install
	scripts/system-packages.sh demo
	$(BIN)/archive-search sample $(SAMPLE)

demo: install $(SAMPLE)/customers.csv
	$(BIN)/archive-search index $(SAMPLE) --index $(INDEX)
	$(BIN)/archive-search search 明远 --index $(INDEX) --limit 3
	@echo
	ARCHIVE_SEARCH_DEMO=1 ARCHIVE_SEARCH_INDEX=$(INDEX) $(BIN)/archive-search user demo
	@echo
	@echo "示例档案已建好索引。请用浏览器打开 http://$(HOST):$(PORT)/ ，用上面的演示账户登录（登录后按上面的提示试试），按 Ctrl+C 停止服务。"
	ARCHIVE_SEARCH_DEMO=1 $(BIN)/archive-search serve --index $(INDEX) --root $(SAMPLE) --host $(HOST) --port $(PORT)

test: $(BIN)/pytest
	scripts/system-packages.sh test
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/bench_search.py

clean:
	rm -rf $(VENV) $(INDEX) $(SAMPLE) data/archive-search.db*
