"""Operating wiredesk: scheduled deployments as data (``deployments``), the kept local Prefect server
(``prefect_server``), the health report's decisions (``status``) and the fault-injection seam used by the
reliability tests (``faults``). No SQL: what ``status`` reads comes from ``wiredesk.store``.
"""
