# sohoa: two commands for a fresh Debian machine (see README.md).
#   make run    set up everything and start sohoa (hot folder, OCR workers, index)
#   make test   set up everything and run the whole test suite
#   make bench  run the OCR benchmark on ../shared/bench/dev against OCRmyPDF and raw Tesseract
#   make lint   ruff (rules and format) and mypy against the accepted list; `make test` runs it first
.PHONY: run test lint lint-only bench setup clean
export OMP_THREAD_LIMIT = 1

run:
	@scripts/setup.sh run
	.venv/bin/sohoa run --samples

# The tests' own SANE configuration (virtual test and pnm scanners, no network probing); only for
# the tests: `make run` keeps the machine's real scanners.
test: export SANE_CONFIG_DIR = $(CURDIR)/tests/sane
test:
	@scripts/setup.sh test
	@$(MAKE) --no-print-directory lint-only
	.venv/bin/python -m pytest $(PYTEST_ARGS)

lint:
	@scripts/setup.sh test
	@$(MAKE) --no-print-directory lint-only

lint-only:
	.venv/bin/ruff check --quiet .
	.venv/bin/ruff format --check --quiet .
	.venv/bin/python scripts/mypy_gate.py

bench:
	@scripts/setup.sh bench
	.venv/bin/python -m bench $(BENCH_ARGS)

setup:
	@scripts/setup.sh test

clean:
	rm -rf .venv .venv-bench .setup-stamps
