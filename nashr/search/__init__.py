"""Search that finds Persian words however they were typed, in the database already there.

How it fits together:

* ``normalize`` reduces text to terms, the same way for what is indexed and for what a
  reader types: Persian letters, marks, digits and ZWNJ spellings to one form, English
  words to Snowball stems. (hazm's normalizer was considered: hazm 0.10, the last release
  for Python 3.11, requires numpy 1.24.3, scikit-learn, gensim, nltk and fasttext, and
  the stand-alone hazm-normalizer package requires nltk; the rules needed here are a
  few dozen lines, each tested in ``tests/test_normalize.py``.)
* ``query`` parses a reader's search into clauses of terms (words, "phrases", -exclusions);
  the backends build their engine query from those terms only.
* ``models.SearchEntry`` holds a published publication's terms; ``services`` keeps it in
  step from inside every publication service's transaction and rebuilds it all
  (``nashr search reindex``).
* ``backends``: SQLite FTS5 (external-content table kept in step by triggers, ranked by
  bm25) and PostgreSQL (a narrow table of tsvectors and filter columns kept in step
  by triggers, with GIN indexes, 'simple' configuration since the terms are already
  normalized and stemmed, ranked by ts_rank_cd), chosen by the database vendor. Both
  stop after the newest 1,001 matches: up to 1,000 are ranked by relevance; beyond
  that, title matches (found over the whole index) come first, then the newest others,
  so a common term costs little more than a rare one (see
  ``backends.base.Backend.search``).
* ``selectors.search`` gives a page of results with titles and snippets marked from the
  publication's own text; ``views`` and the ``search`` command show them.

``bench/search.py`` measures the index build and query latency on 100,000 publications.
"""
