/* The site's search normalization (nashr/search/normalize.py and query.py), ported rule
   for rule so that words typed in the mirror's search become the terms the index holds.
   Read the Python module's docstring for the why of each rule; the tests run both over
   the same spellings in Chromium and compare. */
"use strict";

(function (global) {
  const ZWNJ = "\u200c";
  const MAX_TERM_LENGTH = 64;
  const MAX_QUERY_LENGTH = 1000;
  const MAX_CLAUSES = 12;
  const MAX_PHRASE_TERMS = 12;

  const TABLE = new Map([
    ["ي", "ی"], ["ى", "ی"], ["ے", "ی"], ["ې", "ی"], ["ك", "ک"], ["ڪ", "ک"],
    ["ة", "ه"], ["ہ", "ه"], ["ە", "ه"], ["ٱ", "ا"], ["\u200b", ZWNJ],
  ]);
  Array.from("۰۱۲۳۴۵۶۷۸۹").forEach((d, i) => TABLE.set(d, String(i)));
  Array.from("٠١٢٣٤٥٦٧٨٩").forEach((d, i) => TABLE.set(d, String(i)));
  for (const ch of "\u0640\u00ad\u200d\ufeff\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069'’") {
    TABLE.set(ch, "");
  }

  const MARKS =
    "\\u0300-\\u036f\\u0483-\\u0489\\u0591-\\u05c7\\u0610-\\u061a\\u061c\\u064b-\\u065f\\u0670" +
    "\\u06d6-\\u06ed\\u08d3-\\u08ff\\u1ab0-\\u1aff\\u1dc0-\\u1dff\\u20d0-\\u20ff\\ufe20-\\ufe2f" +
    "\\u00ad\\u200b-\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ufeff";
  // Python's \w on text: letters, digits and numbers of every script, and "_".
  const W = "\\p{L}\\p{N}_";
  const SPAN = new RegExp(`[${W}${MARKS}]+(?:['’][${W}${MARKS}]+)*`, "gu");
  const WORD = new RegExp(`[\\p{L}\\p{N}]+(?:${ZWNJ}+[\\p{L}\\p{N}]+)*`, "gu");
  const NONSPACING = /\p{Mn}/gu;

  const PREFIXES = new Set(["می", "نمی"]);
  const SUFFIXES = new Set(["ها", "های", "هایی", "هایم", "هایت", "هایش", "هایمان", "هایتان", "هایشان", "تر", "ترین"]);
  const EZAFE = "ی";
  const PLAIN = 0, PREFIX = 1, SUFFIX = 2, EZAFE_ROLE = 3;

  function casefold(text) {
    return text.toLowerCase().replace(/ß/g, "ss").replace(/ς/g, "σ");
  }

  function fold(text) {
    const stripped = text.normalize("NFKD").replace(NONSPACING, "");
    let out = "";
    for (const ch of stripped) {
      out += TABLE.has(ch) ? TABLE.get(ch) : ch;
    }
    return casefold(out).normalize("NFC");
  }

  const isPersian = (part) => part.length > 0 && part[0] >= "\u0600" && part[0] <= "\u06ff";
  const isSpace = (text) => text.length > 0 && /^\s+$/u.test(text);

  function spanWords(span) {
    const found = [];
    for (const match of fold(span).matchAll(WORD)) {
      let parts = match[0].split(ZWNJ).filter((part) => part);
      const single = parts.length === 1 ? parts[0] : null;
      if (single !== null && /^[a-z]+$/.test(single)) {
        parts = [global.NashrStemmer.stem(single)];
      }
      let role = PLAIN;
      if (PREFIXES.has(single)) role = PREFIX;
      else if (SUFFIXES.has(single)) role = SUFFIX;
      else if (single === EZAFE) role = EZAFE_ROLE;
      found.push([parts, role, isPersian(parts[0])]);
    }
    return found;
  }

  function keptParts(parts) {
    if (parts.length > 1 && parts[parts.length - 1] === EZAFE && parts[parts.length - 2].endsWith("ه")) {
      return parts.slice(0, -1);
    }
    return parts;
  }

  const termOf = (word) => (word.parts.length === 1 ? word.parts[0] : keptParts(word.parts).join(""));

  function words(text) {
    const out = [];
    let pending = null;
    let joinsNext = false;
    for (const span of text.matchAll(SPAN)) {
      const start = span.index;
      const end = start + span[0].length;
      let spaced = pending !== null && isSpace(text.slice(pending.end, start));
      for (const [parts, role, persian] of spanWords(span[0])) {
        if (spaced && pending !== null) {
          spaced = false;
          const last = pending.parts[pending.parts.length - 1];
          if (joinsNext && persian) {
            pending.parts.push(...parts);
            pending.end = end;
            joinsNext = false;
            continue;
          }
          if ((role === SUFFIX || (role === EZAFE_ROLE && last.endsWith("ه"))) && isPersian(last)) {
            pending.parts.push(parts[0]);
            pending.end = end;
            continue;
          }
        }
        if (pending !== null) out.push(pending);
        pending = { start, end, parts: [...parts] };
        joinsNext = role === PREFIX;
        spaced = false;
      }
    }
    if (pending !== null) out.push(pending);
    return out;
  }

  function terms(text) {
    return words(text).map(termOf).filter((term) => Array.from(term).length <= MAX_TERM_LENGTH);
  }

  const QUOTES = /[«»“”„‟″＂]/g;
  const ITEM = /(-*)(?:"([^"]*)("?)|([^\s"]+))/gu;

  /* The reader's search as clauses: {include: [[term...]...], exclude: [...]}. A clause of
     several terms is a phrase; nothing is thrown, whatever the text. */
  function parseQuery(text) {
    if (!text || !text.trim()) return { include: [], exclude: [], empty: true };
    const include = [];
    const exclude = [];
    const seen = new Set();
    const add = (found, negated, separate) => {
      const clauses = separate ? found.map((term) => [term]) : [found];
      for (let clause of clauses) {
        if (!clause.length) continue;
        clause = clause.slice(0, MAX_PHRASE_TERMS);
        const key = (negated ? "-" : "+") + clause.join(" ");
        if (seen.has(key)) continue;
        if (include.length + exclude.length >= MAX_CLAUSES) continue;
        seen.add(key);
        (negated ? exclude : include).push(clause);
      }
    };
    const source = Array.from(text).slice(0, MAX_QUERY_LENGTH).join("").replace(/\x00/g, " ");
    const run = [];
    const flush = () => {
      if (run.length) {
        add(terms(run.join(" ")), false, true);
        run.length = 0;
      }
    };
    for (const item of source.replace(QUOTES, '"').matchAll(ITEM)) {
      const negated = item[1].length > 0;
      if (item[2] !== undefined) {
        flush();
        add(terms(item[2]), negated, false);
      } else if (negated) {
        flush();
        add(terms(item[4]), true, false);
      } else {
        run.push(item[4]);
      }
    }
    flush();
    return { include, exclude, empty: false };
  }

  global.NashrNormalize = { fold, terms, parseQuery };
})(typeof window !== "undefined" ? window : globalThis);
