"""The held-in spelling cases: the ways of typing Persian that every search must treat alike.

One list for every test that holds a search to them: the site's search on both databases
(search/tests/test_spellings.py), the character fold in Python, in SQL and in the
mirror's JavaScript (core/tests/test_spelling.py, mirror/tests/test_normalize_js.py),
the mirror's search in a browser, and the admin's search boxes.
"""

from __future__ import annotations

from typing import Any

ZWNJ = "\u200c"

# Typed on an Arabic keyboard or without the half-space, as the admin's searches must find
# them: (as stored, as typed).
KEYBOARD_SPELLINGS = [
    ("کارگران", "كارگران"),  # Arabic kaf
    ("زندانی", "زنداني"),  # Arabic yeh
    (f"گفت{ZWNJ}وگو", "گفتوگو"),  # without the half-space
]

# (as the publication writes it, as a reader types it): each pair both ways round.
SPELLINGS = [
    ("زندانیان", "زندانيان"),  # Arabic yeh
    ("کشور", "كشور"),  # Arabic kaf
    ("مصطفی", "مصطفى"),  # alef maksura
    ("می‌روم", "میروم"),  # ZWNJ / joined
    ("می‌روم", "می روم"),  # ZWNJ / spaced
    ("میروم", "می روم"),  # joined / spaced
    ("نمی‌خواهیم", "نمي خواهيم"),  # spaced, with Arabic yeh
    ("کتاب‌ها", "کتابها"),  # suffix with ZWNJ / joined
    ("کتاب‌ها", "کتاب ها"),  # suffix with ZWNJ / spaced
    ("آزادیِ", "آزادی"),  # kasra
    ("مُحَمَّد", "محمد"),  # harakat
    ("رحمٰن", "رحمن"),  # superscript alef
    ("زنــــدانی", "زندانی"),  # tatweel
    ("۱۴۰۲", "1402"),  # Persian / Latin digits
    ("١٤٠٢", "۱۴۰۲"),  # Arabic-Indic / Persian digits
    ("1402", "١٤٠٢"),  # Latin / Arabic-Indic digits
    ("مسأله", "مساله"),  # alef with hamza above
    ("إسلامی", "اسلامی"),  # alef with hamza below
    ("آزادی", "ازادی"),  # alef with madda
    ("خانۀ", "خانه‌ی"),  # heh with yeh / ezafe with ZWNJ
    ("خانۀ", "خانه"),  # heh with yeh / bare heh
    ("خانه ی", "خانهٔ"),  # spaced ezafe / combining hamza
    ("مدرسة", "مدرسه"),  # teh marbuta
    ("پائیز", "پاییز"),  # yeh with hamza
    *KEYBOARD_SPELLINGS,
    # Sorani Kurdish, typed on Arabic or Persian keyboards.
    ("کوردستان", "كوردستان"),  # Arabic kaf
    ("نێوان", "نيوان"),  # ê / Arabic yeh
    ("نێوان", "نیوان"),  # ê / Persian yeh
    ("ئەوە", "ئهوه"),  # ae / heh
    ("ھەولێر", "هەولێر"),  # heh doachashmee / heh
    ("کۆمەڵگا", "کومەڵگا"),  # oe / waw
    ("دەوڵەتەکان", "دەوڵەت‌ەکان"),  # joined / with a half-space
    # Arabic, with and without its marks and letter variants.
    ("مُسْلِمُونَ", "مسلمون"),  # harakat
    ("العربيــة", "العربية"),  # tatweel
    ("الإسلامية", "الاسلاميه"),  # alef with hamza, teh marbuta
    ("أحمد", "احمد"),  # alef with hamza above
    ("مستشفى", "مستشفي"),  # alef maksura / yeh
    # Latin-script languages whose readers drop diacritics or write them otherwise.
    ("Gefängnis", "Gefangnis"),  # German umlaut
    ("Xwepêşandan", "xwepesandan"),  # Kurmanji circumflex and cedilla
    ("Azərbaycan", "azerbaycan"),  # Azerbaijani schwa typed as e
    ("Bakı", "baki"),  # dotless i
]

# One character at a time: (as typed, as `fold` writes it).
CHARACTER_SPELLINGS = [
    ("زندانيان", "زندانیان"),  # Arabic yeh
    ("مصطفى", "مصطفی"),  # alef maksura
    ("كشور", "کشور"),  # Arabic kaf
    ("ڪشور", "کشور"),  # swash kaf
    ("مدرسة", "مدرسه"),  # teh marbuta
    ("خانۀ", "خانه"),  # heh with yeh above
    ("خانهٔ", "خانه"),  # heh and a combining hamza
    ("أحمد", "احمد"),  # alef with hamza above
    ("إسلام", "اسلام"),  # alef with hamza below
    ("ٱلله", "الله"),  # alef wasla
    ("آزادی", "ازادی"),  # alef with madda
    ("مسؤول", "مسوول"),  # waw with hamza
    ("پائیز", "پاییز"),  # yeh with hamza
    ("زِنْدانیٌ", "زندانی"),  # harakat
    ("رحمٰن", "رحمن"),  # superscript alef
    ("زنـــدانی", "زندانی"),  # tatweel
    ("۱۴۰۲", "1402"),  # Persian digits
    ("١٤٠٢", "1402"),  # Arabic-Indic digits
    ("ﻻ", "لا"),  # presentation form
    ("Café", "cafe"),  # case and Latin accents
    ("prisoner's", "prisoners"),  # apostrophe inside a word
    ("\u200fزندانی\u200e", "زندانی"),  # bidi marks
    ("می\u200bروم", f"می{ZWNJ}روم"),  # zero-width space typed for ZWNJ
]


def spelling_texts() -> list[str]:
    """Every text of the cases above, once each, in order."""
    pairs = [*SPELLINGS, *CHARACTER_SPELLINGS]
    return list(dict.fromkeys(text for pair in pairs for text in pair))


def admin_search(client: Any, changelist: str, typed: str) -> list[Any]:
    """The rows the admin's list at `changelist` shows when `typed` is searched."""
    response = client.get(changelist, {"q": typed})
    assert response.status_code == 200, response
    return list(response.context["cl"].result_list)
