"""Evaluation: how close the results of a workspace come to the planted truth of a feed.

report = evaluate(feed_dir, workspace)   # also writes W/evaluation.json
print_report(report)                     # a Rich table on the terminal
"""

from tianluo.evaluate.models import EvaluationReport, Status
from tianluo.evaluate.report import print_report, render_report, write_report_json
from tianluo.evaluate.runner import REPORT_FILE, NoTruthError, evaluate

__all__ = [
    "REPORT_FILE",
    "EvaluationReport",
    "NoTruthError",
    "Status",
    "evaluate",
    "print_report",
    "render_report",
    "write_report_json",
]
