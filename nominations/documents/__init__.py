"""Documents the process produces (DOMAIN.md §5): decisions, tờ trình and list, council minutes, packages.

Builders take plain data (see `data`) and return bytes; `from_models` turns decisions into that data.
"""

from .builders import (
    build_decision_pdf,
    build_minutes_pdf,
    build_package,
    build_submission_list_pdf,
    build_submission_pdf,
    build_submission_xlsx,
    verify_package,
)
from .data import Awardee, DecisionDoc, Issuer, MinutesDoc, MinutesMember, MinutesTally, Signer, SubmissionDoc
from .formatting import format_date, format_date_long, format_money, format_money_dong, money_in_words

__all__ = [
    "Awardee",
    "DecisionDoc",
    "Issuer",
    "MinutesDoc",
    "MinutesMember",
    "MinutesTally",
    "Signer",
    "SubmissionDoc",
    "build_decision_pdf",
    "build_minutes_pdf",
    "build_package",
    "build_submission_list_pdf",
    "build_submission_pdf",
    "build_submission_xlsx",
    "format_date",
    "format_date_long",
    "format_money",
    "format_money_dong",
    "money_in_words",
    "verify_package",
]
