#!/bin/bash
# Every bench script with the sizes of docs/performance.md (run by `make bench` on a throwaway
# PostgreSQL cluster). Each prints its figures and the ratio to its same-run baseline.
set -euo pipefail
cd "$(dirname "$0")"
PY=../.venv/bin/python
$PY search.py --facilities 50000
$PY report.py --consultations 200000
$PY imports.py --rows 100000 --city-rows 10000
$PY load.py --facilities 50000 --consultations 200000 --seconds 60
