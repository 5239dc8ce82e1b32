"""The mirror's search script folds and cuts words as Python does, from Python's tables."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from nashr.core.spelling import fold
from nashr.mirror.normalize_js import BEGIN, END, SCRIPT, normalize_js_write, script_with_tables
from nashr.search.normalize import terms
from nashr.testing.spellings import spelling_texts

# Runs the scripts named on its command line, as the mirror's search page does, then the
# fold and the terms of each text read as JSON from its input.
_RUN = """
const fs = require("fs");
const vm = require("vm");
const context = vm.createContext({});
for (const path of process.argv.slice(1)) vm.runInContext(fs.readFileSync(path, "utf8"), context);
const texts = JSON.parse(fs.readFileSync(0, "utf8"));
const normalize = context.NashrNormalize;
const terms = (t) => normalize.terms(t, "english");
process.stdout.write(JSON.stringify(texts.map((t) => [normalize.fold(t), terms(t)])));
"""

# Beyond the held-in cases: sentences whose words join, split and stem.
_SENTENCES = [
    "می روم به خانه ی دوستم و کتاب ها را می‌آورم",
    "نمی خواهیم؛ «آزادیِ» زندانیان‌های سیاسی ترین",
    "Prisoner's releases, café ÉTÉ straße 1402 ۱۴۰۲",
    "ﻻ ﻙ پائیز رحمٰن زنــــدانی\u200bها",
]


def test_committed_script_holds_pythons_tables() -> None:
    """normalize.js's generated part is what `nashr normalize_js` writes from Python today."""
    script = SCRIPT.read_text(encoding="utf-8")
    assert script_with_tables(script) == script


def test_stale_tables_are_written_anew(tmp_path: Path) -> None:
    """A script whose tables were edited by hand gets Python's back, the rest kept."""
    stale = tmp_path / "normalize.js"
    script = SCRIPT.read_text(encoding="utf-8")
    start, end = script.index(BEGIN) + len(BEGIN), script.index(END)
    stale.write_text(script[:start] + '  const TABLE = new Map([["ك", "ک"]]);\n' + script[end:])
    assert normalize_js_write(stale) is True
    assert stale.read_text(encoding="utf-8") == script
    assert normalize_js_write(stale) is False


def test_javascript_folds_and_cuts_as_python() -> None:
    """Under Node, normalize.js gives Python's fold and terms for every held-in spelling."""
    node = shutil.which("node")
    assert node is not None, "Node.js is not installed: make test installs it"
    texts = [*spelling_texts(), *_SENTENCES]
    scripts = [str(SCRIPT.with_name("stemmers") / "english.js"), str(SCRIPT)]
    done = subprocess.run(
        [node, "-e", _RUN, *scripts],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    in_javascript = json.loads(done.stdout)
    differing = [
        (text, found, [fold(text), terms(text, stemmer="english")])
        for text, found in zip(texts, in_javascript, strict=True)
        if found != [fold(text), terms(text, stemmer="english")]
    ]
    assert differing == []
