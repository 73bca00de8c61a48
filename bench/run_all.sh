#!/bin/bash
# Every bench script with the sizes of docs/performance.md (run by `make bench` on a throwaway
# PostgreSQL cluster). Each prints its figures and the ratio to its same-run baseline.
set -euo pipefail
cd "$(dirname "$0")"
PY=../.venv/bin/python
$PY search.py
$PY report.py
$PY imports.py --rows 100000
$PY load.py --facilities 30000 --consultations 100000 --seconds 60
