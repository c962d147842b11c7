# Two commands set everything up on a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.installed
OUT    := build
DECLARATIONS ?= declarations

.DEFAULT_GOAL := build
.PHONY: build check test diff trend docs-pictures new-year review lint-declarations fmt schema preview bench golden reference lint clean help examples constraints

help:  ## list the targets
	@awk -F':.*## ' '/^[a-z-]+:.*## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# Installs exactly the versions constraints.txt names, so that two runs months apart (CI's
# among them) test the same thing.
$(READY): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "错误：需要 Python 3.11 或更新的版本，$(PYTHON) 是 $$($(PYTHON) --version 2>&1)；" \
	       "装一个新的 Python，再用 make build PYTHON=python3.11（或其路径）"; exit 2; }
	@if [ -x $(BIN)/python ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
	  echo "错误：$(VENV) 是用旧版 Python 建的；删除它（rm -rf $(VENV)）后再 make build"; exit 2; fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $@

# Always run: the build itself compares contents (each declaration's bytes and everything else
# its outputs depend on, by digest), never modification times, and renders only what changed;
# with nothing changed it reads and writes next to nothing. File names never pass through make,
# so a space, colon or "#" in one cannot break a rule (`check` then reports the name, E232).
build: $(READY)  ## validate and build every declaration into build/<year>/
	$(BIN)/python -m generator build $(DECLARATIONS) --out $(OUT)

.PHONY: pdf
pdf: $(READY)  ## build as make build does, and each form's PDF beside its DOCX (needs LibreOffice)
	$(BIN)/python -m generator build $(DECLARATIONS) --out $(OUT) --pdf

examples: $(READY)  ## build the invented examples (departments with project forms) → build/examples/
	$(BIN)/python -m generator build examples --out $(OUT)/examples

check: $(READY)  ## validate every declaration, write nothing
	$(BIN)/python -m generator check $(DECLARATIONS)

test: $(READY)  ## run the test suite
	$(BIN)/python -m pytest -q

diff: $(READY)  ## what changed between two years: make diff FROM=2022 TO=2023
	@test -n "$(FROM)" -a -n "$(TO)" || { echo "usage: make diff FROM=2022 TO=2023"; exit 2; }
	$(BIN)/python -m generator diff $(DECLARATIONS)/$(FROM) $(DECLARATIONS)/$(TO) -o $(OUT)/diff/$(FROM)-$(TO).md

trend: $(READY)  ## one column per year for every figure and target → build/trend/
	$(BIN)/python -m generator trend $(DECLARATIONS) --out $(OUT)/trend

# The README's picture of a trend chart: the invented department of examples/ that has three
# years, its trend.xlsx printed by LibreOffice, the sheet 图表 (the last page) cut to its chart.
PICTURES := $(OUT)/docs-pictures
docs-pictures: $(READY)  ## remake docs/trend.png (a chart of trend.xlsx over examples/) and docs/form-page.png (a printed form); needs soffice, pdftoppm
	rm -rf $(PICTURES)
	$(BIN)/python -m generator build $(firstword $(wildcard examples/2024/*.yaml)) --out $(PICTURES)/forms --pdf
	pdftoppm -png -r 60 -f 1 -l 1 -singlefile $$(ls $(PICTURES)/forms/2024/*.pdf | head -1) docs/form-page
	$(BIN)/python -m generator trend $(wildcard examples/*/示例市生态环境局.yaml) --out $(PICTURES)
	soffice -env:UserInstallation=file://$(abspath $(PICTURES))/profile --headless \
	  --convert-to pdf --outdir $(PICTURES) $(PICTURES)/trend.xlsx >/dev/null
	pages=$$(pdfinfo $(PICTURES)/trend.pdf | awk '/^Pages:/ {print $$2}') && \
	  pdftoppm -png -r 110 -f $$pages -l $$pages -x 70 -y 150 -W 1075 -H 450 -singlefile \
	  $(PICTURES)/trend.pdf docs/trend

new-year: $(READY)  ## start a year from the last: make new-year FROM=2023 TO=2024
	@test -n "$(FROM)" -a -n "$(TO)" || { echo "usage: make new-year FROM=2023 TO=2024"; exit 2; }
	$(BIN)/python -m generator new-year $(FROM) $(TO) --root $(DECLARATIONS)

review: $(READY)  ## review warnings (lint) for every declaration (add STRICT=1 to fail on them)
	$(BIN)/python -m generator lint $(DECLARATIONS) $(if $(STRICT),--strict)

# The old name of review, kept for one release; make lint is the code's linter, not this.
lint-declarations:
	@echo "注意：make lint-declarations 已改名为 make review，请改用 make review（make lint 检查的是程序代码，不是申报）；旧名称将在下一版本停用" >&2
	@$(MAKE) --no-print-directory review

fmt: $(READY)  ## rewrite declarations in the canonical style, comments kept
	$(BIN)/python -m generator fmt $(DECLARATIONS)

schema: $(READY)  ## regenerate schema/declaration.schema.json (for editors) and docs/kinds.md
	$(BIN)/python -m generator schema -o schema/declaration.schema.json
	$(BIN)/python -m generator kinds -o docs/kinds.md

preview: build  ## HTML pages of the change reports → build/diff/ (build writes the others)
	$(BIN)/python -m generator preview --out $(OUT)

bench: $(READY)  ## benchmark on a synthetic corpus (CORPUS=200 departments with their projects) against plain baselines, and a LARGE=10000-declaration build
	$(BIN)/python -m generator bench --corpus $(or $(CORPUS),200) --large $(or $(LARGE),10000)

golden: $(READY)  ## regenerate tests/golden/ from the seed after a deliberate output change
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py

reference: $(READY)  ## remake generator/templates/reference.docx (the trimmed package every DOCX starts from) from python-docx's default
	$(BIN)/python -c "import pathlib, generator.render.reference as r; pathlib.Path('generator/templates/reference.docx').write_bytes(r.reference_docx())"

lint: $(READY)  ## for developers: ruff (lint, format) and mypy --strict over the Python code (declarations: make review)
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/mypy

constraints:  ## re-pin constraints.txt to the newest releases pyproject.toml allows (then make test)
	rm -rf .venv-pin
	$(PYTHON) -m venv .venv-pin
	.venv-pin/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	{ echo "# Every package make installs, pinned: regenerate with make constraints."; \
	  .venv-pin/bin/python -m pip freeze --exclude-editable; } > constraints.txt
	rm -rf .venv-pin

clean:  ## remove build/ (keeps .venv)
	rm -rf $(OUT)
