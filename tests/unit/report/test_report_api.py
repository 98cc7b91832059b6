"""The reports' public surface."""

import mirrorhunt.report


def test_the_public_api_is_small_and_everything_in_it_exists() -> None:
    assert sorted(mirrorhunt.report.__all__) == [
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
    assert all(hasattr(mirrorhunt.report, name) for name in mirrorhunt.report.__all__)
