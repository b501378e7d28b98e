# Reliability figures (docs/reliability.md): the expensive tests that the default `python -m pytest`
# (and CI) leave out. Needs the test extra; the atheris part also the fuzz extra
# (pip install -c constraints.txt -e ".[test,fuzz]"), and is skipped without it.
.PHONY: test reliability fuzz

test:
	python -m pytest -q

reliability:
	PREFECT_SERVER_ANALYTICS_ENABLED=false WIREDESK_RELIABILITY_REPORT=hostile-report.json \
	  python -m pytest -q -m "slow or not slow" tests/feeds/test_hostile_servers.py tests/fuzz/test_atheris.py
	$(MAKE) fuzz

fuzz:
	WIREDESK_FUZZ_PROFILE=slow python -m pytest -q tests/fuzz/test_fuzz_stages.py --hypothesis-show-statistics
