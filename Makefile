# Two commands: `make demo` (set up, build the sample archive, index it, serve it) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := data/sample-archive
INDEX := data/index
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install bench clean

# Packages go into the venv with uv (itself a wheel from PyPI, installed by the venv's pip):
# it downloads and unpacks in parallel, about twice as fast as pip on a machine that has never
# fetched them (docs/web.md). Should uv fail, pip does it; INSTALLER=pip skips uv (uv reads
# UV_DEFAULT_INDEX for a mirror, pip its pip.conf). The test tools (pytest, Playwright,
# schemathesis: about a third of the download) only for `make test`.
INSTALLER ?= uv
define venv_install
	if [ "$(INSTALLER)" = uv ] && $(BIN)/pip install --quiet uv \
	   && VIRTUAL_ENV=$(abspath $(VENV)) $(BIN)/uv pip install --quiet $(1); then :; \
	else $(BIN)/pip install --quiet --upgrade pip && $(BIN)/pip install --quiet $(1); fi
endef

$(BIN)/archive-search: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(call venv_install,-e .)
	touch $@

$(BIN)/pytest: $(BIN)/archive-search
	$(call venv_install,-e '.[test]')
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
