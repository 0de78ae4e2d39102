"""Fill locale/vi/LC_MESSAGES/django.po from the translation parts each area keeps.

`make messages` runs makemessages (English msgids from the code), then this script copies the
Vietnamese msgstr of every matching msgid found in locale/vi/LC_MESSAGES/parts/*.po, then msgfmt.
Parts are plain msgid/msgstr pairs; a later part wins on conflict. Prints msgids still untranslated.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale" / "vi" / "LC_MESSAGES"
ENTRY = re.compile(
    r'((?:^msgctxt .*\n(?:^".*"\n)*)?)^msgid ((?:".*"\n)(?:^".*"\n)*)^msgstr ((?:".*"\n)(?:^".*"\n)*)', re.M
)


def unquote(block: str) -> str:
    return "".join(ast.literal_eval(line) for line in block.strip().splitlines() if line.strip())


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"\n'


def read_parts() -> dict[str, str]:
    table: dict[str, str] = {}
    for part in sorted((LOCALE / "parts").glob("*.po")):
        text = part.read_text(encoding="utf-8")
        for m in ENTRY.finditer(text):
            msgid, msgstr = unquote(m.group(2)), unquote(m.group(3))
            if msgid and msgstr:
                table[msgid] = msgstr
    return table


def main() -> int:
    po = LOCALE / "django.po"
    text = po.read_text(encoding="utf-8")
    table = read_parts()
    missing: list[str] = []

    def fill(m: re.Match[str]) -> str:
        ctx, msgid_block, msgstr_block = m.group(1), m.group(2), m.group(3)
        msgid = unquote(msgid_block)
        if not msgid:
            return m.group(0)
        current = unquote(msgstr_block)
        new = table.get(msgid, current)
        if not new:
            missing.append(msgid)
        return f"{ctx}msgid {msgid_block}msgstr {quote(new) if new else msgstr_block}"

    text = ENTRY.sub(fill, text)
    # Nothing is fuzzy once a human translation from the parts is in place: drop the flag wherever it
    # stands among the flags ("#, fuzzy, python-format" too; msgfmt skips fuzzy entries) and the
    # previous-msgid guesses that come with it.
    text = re.sub(r"^#, fuzzy\n", "", text, flags=re.M)
    text = re.sub(r"^#, fuzzy, ", "#, ", text, flags=re.M)
    text = re.sub(r"^#\| .*\n", "", text, flags=re.M)
    text = text.replace(
        '"Content-Type: text/plain; charset=CHARSET\\n"', '"Content-Type: text/plain; charset=UTF-8\\n"'
    )
    po.write_text(text, encoding="utf-8")
    for msgid in missing:
        print("untranslated:", msgid, file=sys.stderr)
    print(f"{len(table)} translations in parts; {len(missing)} msgids untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
