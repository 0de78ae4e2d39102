"""Plain data the document builders take. No models here: callers (actions, the council engineer's
minutes, tests) fill these, so a builder can be tested and reused without a database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Signer blocks of Nghị định 30/2020 (Phụ lục I): the chair signs in his own name, a deputy "KT." for him.
SIGNER_BLOCKS = {
    "chair": ("CHỦ TỊCH",),
    "deputy": ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
}


@dataclass(frozen=True)
class Issuer:
    """Who issues the document: the header's left block and the place on the date line."""

    parent_name: str  # "ỦY BAN NHÂN DÂN"
    name: str  # "XÃ VĨNH THÔNG"
    full_name: str  # "Ủy ban nhân dân xã Vĩnh Thông"
    place_name: str  # "Vĩnh Thông"
    province: str = ""
    abbreviation: str = "UBND"


@dataclass(frozen=True)
class Awardee:
    name: str
    kind: str  # collective | individual | household
    position: str = ""  # position and unit, as written in the list
    award_name: str = ""
    amount: int = 0
    summary: str = ""
    golden_book_number: str = ""

    @property
    def kind_label(self) -> str:
        return {"collective": "Tập thể", "individual": "Cá nhân", "household": "Hộ gia đình"}.get(
            self.kind, ""
        )


@dataclass(frozen=True)
class Signer:
    title: str = "chair"  # chair | deputy
    name: str = ""

    @property
    def lines(self) -> tuple[str, ...]:
        return SIGNER_BLOCKS.get(self.title, SIGNER_BLOCKS["chair"])


@dataclass(frozen=True)
class DecisionDoc:
    """An award decision, or (kind="revocation") the decision that revokes one (Luật TĐKT art. 93)."""

    issuer: Issuer
    number: str  # "12/QĐ-UBND", or "     /QĐ-UBND" before the clerk numbers it
    issued_on: dt.date | None
    subject: str  # trích yếu, after "Về việc"
    legal_bases: list[str]
    proposal: str  # "Xét đề nghị của …"
    awardees: list[Awardee]
    signer: Signer
    recipients: list[str]
    executors: str  # Điều 3: who carries the decision out
    fund: str = "Quỹ thi đua, khen thưởng của xã"
    kind: str = "award"
    occasion_name: str = ""
    movement_name: str = ""
    revoked_number: str = ""
    revoked_on: dt.date | None = None
    reason: str = ""

    @property
    def total_amount(self) -> int:
        return sum(a.amount for a in self.awardees)


@dataclass(frozen=True)
class SubmissionDoc:
    """A tờ trình (Mẫu 01) to the province with its attached list."""

    issuer: Issuer
    number: str
    issued_on: dt.date | None
    subject: str
    addressee: str  # "Kính gửi: …"
    legal_bases: list[str]
    body: str
    awardees: list[Awardee]
    signer: Signer
    recipients: list[str]
    occasion_name: str = ""
    movement_name: str = ""
    enclosures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MinutesMember:
    name: str
    title: str = ""
    present: bool = True
    written_vote: bool = False  # absent but voted in writing (the minutes must say so)


@dataclass(frozen=True)
class MinutesTally:
    nominee: str
    unit: str
    award_name: str
    issued: int
    returned: int
    valid: int
    agreeing: int
    all_members: int
    outcome: str  # text for the minutes, e.g. "Đạt", "Không đạt", "Vượt số lượng"

    @property
    def percent_of_all(self) -> str:
        if self.all_members <= 0:
            return "0"
        value = self.agreeing * 100 / self.all_members
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


@dataclass(frozen=True)
class MinutesDoc:
    """Biên bản họp Hội đồng Thi đua – Khen thưởng (the council engineer fills this)."""

    issuer: Issuer
    council_name: str  # "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG"
    held_at: dt.datetime
    place: str
    chair_name: str
    secretary_name: str
    members: list[MinutesMember]
    tallies: list[MinutesTally]
    conclusion: str
    number: str = ""
    occasion_name: str = ""
    secret_ballot: bool = True
    ended_at: dt.datetime | None = None

    @property
    def present(self) -> list[MinutesMember]:
        return [m for m in self.members if m.present]

    @property
    def absent(self) -> list[MinutesMember]:
        return [m for m in self.members if not m.present]
