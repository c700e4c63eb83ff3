"""The Simplified Chinese catalogue is complete and its compiled copy is current."""

import gettext
import re

from conftest import ROOT

PO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
MO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.mo"


def _field(block, keyword):
    match = re.search(rf"^{keyword} ((?:\".*\"\n?)+)", block, re.M)
    return "".join(re.findall(r'"(.*)"', match.group(1))) if match else ""


def _entries():
    """Yield (key as stored in the .mo, msgstr, fuzzy) for every entry but the header."""
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        msgid, context = _field(block, "msgid"), _field(block, "msgctxt")
        if msgid:
            yield (f"{context}\x04{msgid}" if context else msgid), _field(block, "msgstr"), "fuzzy" in block


def test_every_entry_is_translated():
    untranslated = [msgid for msgid, msgstr, fuzzy in _entries() if not msgstr or fuzzy]
    assert untranslated == [], "run `make messages` and fill these in django.po"


def test_compiled_catalogue_is_current():
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [
        msgid
        for msgid, msgstr, _ in _entries()
        if "\\" not in msgid and compiled.gettext(msgid) != msgstr.replace('\\"', '"')
    ]
    assert stale == [], "run `make messages` to compile django.mo"
