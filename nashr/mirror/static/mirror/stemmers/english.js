/* The Snowball English stemmer (Snowball 3.1.1's english.sbl), as the Python package
   snowballstemmer that the site's search uses runs it: a line-for-line port of its
   generated code, so a word typed in the mirror's search is stemmed exactly as the site
   stemmed the words of the publications (the tests compare both over many words).
   Registered as NashrStemmers.english, the name Snowball gives it. */
"use strict";

(function (global) {
  const gV = "aeiouy";
  const gVWXY = "Yaeiouwxy";
  const gValidLI = "cdeghkmnrt";
  const gAEO = "aeo";

  const a0 = [["arsen", -1], ["commun", -1], ["emerg", -1], ["gener", -1], ["inter", -1],
    ["later", -1], ["organ", -1], ["past", -1], ["univers", -1]];
  const a1 = [["'", 1], ["'s'", 1], ["'s", 1]];
  const a2 = [["ied", 2], ["s", 3], ["ies", 2], ["sses", 1], ["ss", -1], ["us", -1]];
  const a3 = [["succ", 1], ["proc", 1], ["exc", 1]];
  const a4 = [["even", 2], ["cann", 2], ["inn", 2], ["earr", 2], ["herr", 2], ["out", 2], ["y", 1]];
  const a5 = [["", -1], ["ed", 2], ["eed", 1], ["ing", 3], ["edly", 2], ["eedly", 1], ["ingly", 2]];
  const a6 = [["", 3], ["bb", 2], ["dd", 2], ["ff", 2], ["gg", 2], ["bl", 1], ["mm", 2], ["nn", 2],
    ["pp", 2], ["rr", 2], ["at", 1], ["tt", 2], ["iz", 1]];
  const a7 = [["anci", 3], ["enci", 2], ["ogi", 14], ["li", 16], ["bli", 12], ["abli", 4],
    ["alli", 8], ["fulli", 9], ["lessli", 15], ["ousli", 10], ["entli", 5], ["aliti", 8],
    ["biliti", 12], ["iviti", 11], ["tional", 1], ["ational", 7], ["alism", 8], ["ation", 7],
    ["ization", 6], ["izer", 6], ["ator", 7], ["iveness", 11], ["fulness", 9], ["ousness", 10],
    ["ogist", 13]];
  const a8 = [["icate", 4], ["ative", 6], ["alize", 3], ["iciti", 4], ["ical", 4], ["tional", 1],
    ["ational", 2], ["ful", 5], ["ness", 5]];
  const a9 = [["ic", 1], ["ance", 1], ["ence", 1], ["able", 1], ["ible", 1], ["ate", 1], ["ive", 1],
    ["ize", 1], ["iti", 1], ["al", 1], ["ism", 1], ["ion", 2], ["er", 1], ["ous", 1], ["ant", 1],
    ["ent", 1], ["ment", 1], ["ement", 1]];
  const a10 = [["e", 1], ["l", 2]];
  const a11 = [["andes", -1], ["atlas", -1], ["bias", -1], ["cosmos", -1], ["early", 6],
    ["gently", 4], ["howe", -1], ["idly", 3], ["news", -1], ["only", 7], ["singly", 8],
    ["skies", 2], ["skis", 1], ["sky", -1], ["ugly", 5]];
  const as11 = ["ski", "sky", "idl", "gentl", "ugli", "earli", "onli", "singl"];

  function stem(word) {
    let current = word;
    let cursor = 0;
    let limit = current.length;
    let limitBackward = 0;
    let bra = 0;
    let ket = limit;
    let yFound = false;
    let p1 = 0;
    let p2 = 0;

    const inGrouping = (s) => {
      if (cursor >= limit || !s.includes(current[cursor])) return false;
      cursor += 1;
      return true;
    };
    const goInGrouping = (s) => {
      while (cursor < limit) {
        if (!s.includes(current[cursor])) return true;
        cursor += 1;
      }
      return false;
    };
    const goOutGrouping = (s) => {
      while (cursor < limit) {
        if (s.includes(current[cursor])) return true;
        cursor += 1;
      }
      return false;
    };
    const inGroupingB = (s) => {
      if (cursor <= limitBackward || !s.includes(current[cursor - 1])) return false;
      cursor -= 1;
      return true;
    };
    const outGroupingB = (s) => {
      if (cursor <= limitBackward || s.includes(current[cursor - 1])) return false;
      cursor -= 1;
      return true;
    };
    const goOutGroupingB = (s) => {
      while (cursor > limitBackward) {
        if (s.includes(current[cursor - 1])) return true;
        cursor -= 1;
      }
      return false;
    };
    const eqSB = (s) => {
      if (cursor - s.length < limitBackward || current.slice(cursor - s.length, cursor) !== s) return false;
      cursor -= s.length;
      return true;
    };
    // The longest entry that matches, as Snowball's among does (no entry has a routine).
    const findAmong = (v) => {
      let best = null;
      for (const [s, result] of v) {
        if (cursor + s.length <= limit && current.startsWith(s, cursor) && (!best || s.length > best[0].length)) best = [s, result];
      }
      if (!best) return 0;
      cursor += best[0].length;
      return best[1];
    };
    const findAmongB = (v) => {
      let best = null;
      for (const [s, result] of v) {
        if (cursor - s.length >= limitBackward && current.slice(cursor - s.length, cursor) === s && (!best || s.length > best[0].length)) best = [s, result];
      }
      if (!best) return 0;
      cursor -= best[0].length;
      return best[1];
    };
    const sliceFrom = (s) => {
      const adjustment = s.length - (ket - bra);
      current = current.slice(0, bra) + s + current.slice(ket);
      limit += adjustment;
      if (cursor >= ket) cursor += adjustment;
      else if (cursor > bra) cursor = bra;
      ket = bra + s.length;
    };
    const sliceDel = () => sliceFrom("");
    const charAt = (i) => current[i];

    function prelude() {
      yFound = false;
      const v1 = cursor;
      lab0: {
        bra = cursor;
        if (cursor === limit || charAt(cursor) !== "'") break lab0;
        cursor += 1;
        ket = cursor;
        sliceDel();
      }
      cursor = v1;
      const v2 = cursor;
      lab0: {
        bra = cursor;
        if (cursor === limit || charAt(cursor) !== "y") break lab0;
        cursor += 1;
        ket = cursor;
        sliceFrom("Y");
        yFound = true;
      }
      cursor = v2;
      const v3 = cursor;
      while (true) {
        const v4 = cursor;
        let found = false;
        lab1: {
          while (true) {
            const v5 = cursor;
            lab2: {
              if (!inGrouping(gV)) break lab2;
              bra = cursor;
              if (cursor === limit || charAt(cursor) !== "y") break lab2;
              cursor += 1;
              ket = cursor;
              cursor = v5;
              found = true;
            }
            if (found) break;
            cursor = v5;
            if (cursor >= limit) break lab1;
            cursor += 1;
          }
          sliceFrom("Y");
          yFound = true;
          continue;
        }
        cursor = v4;
        break;
      }
      cursor = v3;
    }

    function markRegions() {
      p1 = limit;
      p2 = limit;
      const v1 = cursor;
      lab0: {
        while (true) {
          const v2 = cursor;
          if (findAmong(a0) !== 0) break;
          cursor = v2;
          if (!goOutGrouping(gV)) break lab0;
          cursor += 1;
          if (!goInGrouping(gV)) break lab0;
          cursor += 1;
          break;
        }
        p1 = cursor;
        if (!goOutGrouping(gV)) break lab0;
        cursor += 1;
        if (!goInGrouping(gV)) break lab0;
        cursor += 1;
        p2 = cursor;
      }
      cursor = v1;
    }

    function shortv() {
      const v1 = limit - cursor;
      lab0: {
        if (!outGroupingB(gVWXY)) break lab0;
        if (!inGroupingB(gV)) break lab0;
        if (!outGroupingB(gV)) break lab0;
        return true;
      }
      cursor = limit - v1;
      lab1: {
        if (!outGroupingB(gV)) break lab1;
        if (!inGroupingB(gV)) break lab1;
        if (cursor > limitBackward) break lab1;
        return true;
      }
      cursor = limit - v1;
      return eqSB("past");
    }

    const R1 = () => p1 <= cursor;
    const R2 = () => p2 <= cursor;

    function step1a() {
      const v1 = limit - cursor;
      ket = cursor;
      if (findAmongB(a1) === 0) {
        cursor = limit - v1;
      } else {
        bra = cursor;
        sliceDel();
      }
      ket = cursor;
      const amongVar = findAmongB(a2);
      if (amongVar === 0) return false;
      bra = cursor;
      if (amongVar === 1) {
        sliceFrom("ss");
      } else if (amongVar === 2) {
        const v2 = limit - cursor;
        if (cursor - 2 >= limitBackward) {
          cursor -= 2;
          sliceFrom("i");
        } else {
          cursor = limit - v2;
          sliceFrom("ie");
        }
      } else if (amongVar === 3) {
        if (cursor <= limitBackward) return false;
        cursor -= 1;
        if (!goOutGroupingB(gV)) return false;
        cursor -= 1;
        sliceDel();
      }
      return true;
    }

    function step1b() {
      ket = cursor;
      let amongVar = findAmongB(a5);
      bra = cursor;
      const v1 = limit - cursor;
      lab0: {
        if (amongVar === 1) {
          const v2 = limit - cursor;
          lab1: {
            if (!R1()) break lab1;
            const v3 = limit - cursor;
            lab2: {
              if (findAmongB(a3) === 0) break lab2;
              if (cursor > limitBackward) break lab2;
              break lab1;
            }
            cursor = limit - v3;
            sliceFrom("ee");
          }
          cursor = limit - v2;
        } else if (amongVar === 2) {
          break lab0;
        } else if (amongVar === 3) {
          amongVar = findAmongB(a4);
          if (amongVar === 0) break lab0;
          if (amongVar === 1) {
            const v4 = limit - cursor;
            if (!outGroupingB(gV)) break lab0;
            if (cursor > limitBackward) break lab0;
            cursor = limit - v4;
            bra = cursor;
            sliceFrom("ie");
          } else if (cursor > limitBackward) {
            break lab0;
          }
        }
        return true;
      }
      cursor = limit - v1;
      const v5 = limit - cursor;
      if (!goOutGroupingB(gV)) return false;
      cursor -= 1;
      cursor = limit - v5;
      sliceDel();
      ket = cursor;
      bra = cursor;
      const v6 = limit - cursor;
      amongVar = findAmongB(a6);
      if (amongVar === 1) {
        sliceFrom("e");
        return false;
      } else if (amongVar === 2) {
        const v7 = limit - cursor;
        lab3: {
          if (!inGroupingB(gAEO)) break lab3;
          if (cursor > limitBackward) break lab3;
          return false;
        }
        cursor = limit - v7;
      } else {
        if (cursor !== p1) return false;
        const v8 = limit - cursor;
        if (!shortv()) return false;
        cursor = limit - v8;
        sliceFrom("e");
        return false;
      }
      cursor = limit - v6;
      ket = cursor;
      if (cursor <= limitBackward) return false;
      cursor -= 1;
      bra = cursor;
      sliceDel();
      return true;
    }

    function step1c() {
      ket = cursor;
      if (cursor > limitBackward && charAt(cursor - 1) === "y") {
        cursor -= 1;
      } else if (cursor > limitBackward && charAt(cursor - 1) === "Y") {
        cursor -= 1;
      } else {
        return false;
      }
      bra = cursor;
      if (!outGroupingB(gV)) return false;
      if (cursor <= limitBackward) return false;
      sliceFrom("i");
      return true;
    }

    const step2Replacements = [null, "tion", "ence", "ance", "able", "ent", "ize", "ate", "al",
      "ful", "ous", "ive", "ble", "og", null, "less"];

    function step2() {
      ket = cursor;
      const amongVar = findAmongB(a7);
      if (amongVar === 0) return false;
      bra = cursor;
      if (!R1()) return false;
      if (amongVar === 14) {
        if (cursor <= limitBackward || charAt(cursor - 1) !== "l") return false;
        cursor -= 1;
        sliceFrom("og");
      } else if (amongVar === 16) {
        if (!inGroupingB(gValidLI)) return false;
        sliceDel();
      } else {
        sliceFrom(step2Replacements[amongVar]);
      }
      return true;
    }

    function step3() {
      ket = cursor;
      const amongVar = findAmongB(a8);
      if (amongVar === 0) return false;
      bra = cursor;
      if (!R1()) return false;
      if (amongVar === 1) sliceFrom("tion");
      else if (amongVar === 2) sliceFrom("ate");
      else if (amongVar === 3) sliceFrom("al");
      else if (amongVar === 4) sliceFrom("ic");
      else if (amongVar === 5) sliceDel();
      else {
        if (!R2()) return false;
        sliceDel();
      }
      return true;
    }

    function step4() {
      ket = cursor;
      const amongVar = findAmongB(a9);
      if (amongVar === 0) return false;
      bra = cursor;
      if (!R2()) return false;
      if (amongVar === 1) {
        sliceDel();
      } else {
        if (cursor > limitBackward && (charAt(cursor - 1) === "s" || charAt(cursor - 1) === "t")) {
          cursor -= 1;
        } else {
          return false;
        }
        sliceDel();
      }
      return true;
    }

    function step5() {
      ket = cursor;
      const amongVar = findAmongB(a10);
      if (amongVar === 0) return false;
      bra = cursor;
      if (amongVar === 1) {
        if (!R2()) {
          if (!R1()) return false;
          const v1 = limit - cursor;
          if (shortv()) return false;
          cursor = limit - v1;
        }
        sliceDel();
      } else {
        if (!R2()) return false;
        if (cursor <= limitBackward || charAt(cursor - 1) !== "l") return false;
        cursor -= 1;
        sliceDel();
      }
      return true;
    }

    function exception1() {
      bra = cursor;
      const amongVar = findAmong(a11);
      if (amongVar === 0) return false;
      ket = cursor;
      if (cursor < limit) return false;
      if (amongVar > 0) sliceFrom(as11[amongVar - 1]);
      return true;
    }

    function postlude() {
      if (!yFound) return false;
      while (true) {
        const v1 = cursor;
        let found = false;
        lab0: {
          while (true) {
            const v2 = cursor;
            bra = cursor;
            if (!(cursor === limit || charAt(cursor) !== "Y")) {
              cursor += 1;
              ket = cursor;
              cursor = v2;
              found = true;
              break;
            }
            cursor = v2;
            if (cursor >= limit) break lab0;
            cursor += 1;
          }
          sliceFrom("y");
          continue;
        }
        cursor = v1;
        break;
      }
      return true;
    }

    const v1 = cursor;
    if (exception1()) return current;
    cursor = v1;
    if (cursor + 3 > limit) return current;
    cursor = v1;
    prelude();
    markRegions();
    limitBackward = cursor;
    cursor = limit;
    const steps = [step1a, step1b, step1c, step2, step3, step4, step5];
    for (const step of steps) {
      const saved = limit - cursor;
      step();
      cursor = limit - saved;
    }
    cursor = limitBackward;
    const v9 = cursor;
    postlude();
    cursor = v9;
    return current;
  }

  global.NashrStemmers = global.NashrStemmers || {};
  global.NashrStemmers.english = { stem };
})(typeof window !== "undefined" ? window : globalThis);
