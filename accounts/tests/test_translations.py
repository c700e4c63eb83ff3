"""The Simplified Chinese catalogue is complete and its compiled copy is current."""

import gettext
import re

from conftest import ROOT

PO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
MO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.mo"


def _entries():
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        msgid = "".join(re.findall(r'"(.*)"', (re.search(r"^msgid ((?:\".*\"\n?)+)", block, re.M) or [""])[0]))
        msgstr = "".join(re.findall(r'"(.*)"', (re.search(r"^msgstr ((?:\".*\"\n?)+)", block, re.M) or [""])[0]))
        if msgid:
            yield msgid, msgstr, "fuzzy" in block


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
