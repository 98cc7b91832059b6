"""Reports: the public transparency page and the case report for investigators and courts.

Pure renderers (figures, graph, layout, HTML) and thin I/O (reading the store, printing with Chromium).
"""

from mirrorhunt.report.case import CaseFile, MirrorFile, case_report_html
from mirrorhunt.report.collect import collect_case, collect_figures
from mirrorhunt.report.figures import Tally, TransparencyFigures, transparency_figures
from mirrorhunt.report.graph import InfraGraph, infrastructure_graph
from mirrorhunt.report.output import write_case_report, write_transparency_page
from mirrorhunt.report.pdf import ReportError, print_pdf
from mirrorhunt.report.transparency import transparency_html

__all__ = [
    "CaseFile",
    "InfraGraph",
    "MirrorFile",
    "ReportError",
    "Tally",
    "TransparencyFigures",
    "case_report_html",
    "collect_case",
    "collect_figures",
    "infrastructure_graph",
    "print_pdf",
    "transparency_figures",
    "transparency_html",
    "write_case_report",
    "write_transparency_page",
]
