# Reliability figures (docs/reliability.md): the expensive tests that the default `python -m pytest`
# (and CI) leave out. Needs the test extra; the atheris part also the fuzz extra
# (pip install -c constraints.txt -e ".[test,fuzz]"), and is skipped without it.
.PHONY: test reliability fuzz

test:
	python -m pytest -q

reliability:
	PREFECT_SERVER_ANALYTICS_ENABLED=false WIREDESK_RELIABILITY_REPORT=hostile-report.json \
	  python -m pytest -q -m "slow or not slow" tests/reliability/test_hostile_servers.py tests/reliability/fuzz/test_atheris.py
	PREFECT_SERVER_ANALYTICS_ENABLED=false WIREDESK_RELIABILITY_REPORT=crash-report.jsonl \
	  python -m pytest -q -m slow tests/reliability --ignore=tests/reliability/fuzz \
	    --ignore=tests/reliability/test_hostile_servers.py
	$(MAKE) fuzz

fuzz:
	WIREDESK_FUZZ_PROFILE=slow python -m pytest -q tests/reliability/fuzz/test_fuzz_stages.py --hypothesis-show-statistics
