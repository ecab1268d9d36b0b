# sohoa: two commands for a fresh Debian machine (see README.md).
#   make run    set up everything and start sohoa (hot folder, OCR workers, index)
#   make test   set up everything and run the whole test suite
#   make bench  run the OCR benchmark on ../shared/bench/dev against OCRmyPDF and raw Tesseract
.PHONY: run test bench setup clean
export OMP_THREAD_LIMIT = 1

run:
	@scripts/setup.sh run
	.venv/bin/sohoa run --samples

# The tests' own SANE configuration (virtual test and pnm scanners, no network probing); only for
# the tests: `make run` keeps the machine's real scanners.
test: export SANE_CONFIG_DIR = $(CURDIR)/tests/sane
test:
	@scripts/setup.sh test
	.venv/bin/python -m pytest $(PYTEST_ARGS)

bench:
	@scripts/setup.sh bench
	.venv/bin/python -m bench $(BENCH_ARGS)

setup:
	@scripts/setup.sh test

clean:
	rm -rf .venv .venv-bench .setup-stamps
