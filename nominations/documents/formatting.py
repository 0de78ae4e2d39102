"""How documents write money and dates: dot thousands separators, "ngày … tháng … năm …", amounts in words.

Documents are Vietnamese legal texts, so these helpers produce Vietnamese whatever the UI language is.
"""

from __future__ import annotations

import datetime as dt

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
SCALES = ["", "nghìn", "triệu", "tỷ"]


def format_money(amount: int) -> str:
    """760000 -> "760.000" (dot thousands separators, as in every Vietnamese financial text)."""
    sign = "-" if amount < 0 else ""
    return sign + f"{abs(int(amount)):,}".replace(",", ".")


def format_money_dong(amount: int) -> str:
    return f"{format_money(amount)} đồng"


def format_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def format_date_long(day: dt.date | None) -> str:
    """The date line of an administrative document; blanks are left for a clerk when not yet dated."""
    if day is None:
        return "ngày      tháng      năm"
    # Days and months below 10 take a leading zero only for 1-2 (Nghị định 30/2020, Phụ lục I).
    dd = f"{day.day:02d}" if day.day < 3 else str(day.day)
    mm = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {dd} tháng {mm} năm {day.year}"


def _three_digits(number: int, *, full: bool) -> str:
    """Words for 0..999; `full` when a higher group precedes, so "không trăm" / "linh" are spelt out."""
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if hundreds or full:
                words.append("linh")
            words.append(DIGITS[units])
        return " ".join(words)
    words.append("mười" if tens == 1 else f"{DIGITS[tens]} mươi")
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return " ".join(words)


def number_in_words(number: int) -> str:
    """Vietnamese words for a non-negative integer, e.g. 760000 -> "bảy trăm sáu mươi nghìn"."""
    if number == 0:
        return DIGITS[0]
    if number < 0:
        return "âm " + number_in_words(-number)
    groups: list[int] = []
    while number:
        number, group = divmod(number, 1000)
        groups.append(group)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        is_leading = index == len(groups) - 1
        if group == 0:
            continue
        words.append(_three_digits(group, full=not is_leading))
        # Amounts on documents stay far below a thousand billion; larger scales are not named.
        if index < len(SCALES) and SCALES[index]:
            words.append(SCALES[index])
    return " ".join(w for w in words if w)


def money_in_words(amount: int) -> str:
    """ "Bảy trăm sáu mươi nghìn đồng" (capitalised, as written after "Bằng chữ:")."""
    text = number_in_words(int(amount)) + " đồng"
    return text[0].upper() + text[1:]


def person_name(user: object) -> str:
    """A user's name in Vietnamese order: family name (last_name) first, given name (first_name) last."""
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    full = f"{last} {first}".strip()
    return full or str(getattr(user, "username", ""))
