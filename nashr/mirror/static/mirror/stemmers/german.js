/* The Snowball German stemmer (Snowball 3.1.1's german.sbl), as the Python package
   snowballstemmer that the site's search uses runs it: a line-for-line port of its
   generated code, so a German word typed in the mirror's search is stemmed exactly as the
   site stemmed the words of German publications (the tests compare both over many
   words). Registered as NashrStemmers.german, the name Snowball gives it. */
"use strict";

(function (global) {
  const gV = "aeiouyäöü";
  const gEtEnding = "Udfgklmnrstzä";
  const gSEnding = "bdfghklmnrt";
  const gStEnding = "bdfghklmnt";

  const a0 = [["", 5], ["ae", 2], ["oe", 3], ["qu", -1], ["ue", 4], ["ß", 1]];
  const a1 = [["", 5], ["U", 2], ["Y", 1], ["ä", 3], ["ö", 4], ["ü", 2]];
  const a2 = [["e", 3], ["em", 1], ["en", 3], ["erinnen", 2], ["erin", 2], ["ln", 5], ["ern", 2],
    ["er", 2], ["s", 4], ["es", 3], ["lns", 5]];
  const a3 = [["tick", -1], ["plan", -1], ["geordn", -1], ["intern", -1], ["tr", -1]];
  const a4 = [["en", 1], ["er", 1], ["et", 3], ["st", 2], ["est", 1]];
  const a5 = [["ig", 1], ["lich", 1]];
  const a6 = [["end", 1], ["ig", 2], ["ung", 1], ["lich", 3], ["isch", 2], ["ik", 2], ["heit", 3],
    ["keit", 4]];
  const a7 = [["'", 1], ["'sch", 1], ["'s", 1]];

  function stem(word) {
    let current = word;
    let cursor = 0;
    let limit = current.length;
    let limitBackward = 0;
    let bra = 0;
    let ket = limit;
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
    const isAt = (ch) => !(cursor === limit || current[cursor] !== ch);
    const isBefore = (ch) => !(cursor <= limitBackward || current[cursor - 1] !== ch);
    const R1 = () => p1 <= cursor;
    const R2 = () => p2 <= cursor;

    // u and y between vowels marked (U, Y) at one place, if it is there.
    function markUY() {
      if (!inGrouping(gV)) return false;
      bra = cursor;
      const v4 = cursor;
      if (isAt("u")) {
        cursor += 1;
        ket = cursor;
        if (inGrouping(gV)) {
          sliceFrom("U");
          return true;
        }
      }
      cursor = v4;
      if (!isAt("y")) return false;
      cursor += 1;
      ket = cursor;
      if (!inGrouping(gV)) return false;
      sliceFrom("Y");
      return true;
    }

    function prelude() {
      const v1 = cursor;
      while (true) {
        const v2 = cursor;
        let marked = false;
        while (true) {
          const v3 = cursor;
          if (markUY()) {
            cursor = v3;
            marked = true;
            break;
          }
          cursor = v3;
          if (cursor >= limit) break;
          cursor += 1;
        }
        if (marked) continue;
        cursor = v2;
        break;
      }
      cursor = v1;
      while (true) {
        const v5 = cursor;
        bra = cursor;
        const amongVar = findAmong(a0);
        ket = cursor;
        if (amongVar === 1) sliceFrom("ss");
        else if (amongVar === 2) sliceFrom("ä");
        else if (amongVar === 3) sliceFrom("ö");
        else if (amongVar === 4) sliceFrom("ü");
        else if (amongVar === 5) {
          if (cursor >= limit) {
            cursor = v5;
            break;
          }
          cursor += 1;
        }
      }
    }

    function markRegions() {
      p1 = limit;
      p2 = limit;
      const v1 = cursor;
      if (cursor + 3 > limit) return;
      cursor += 3;
      const x = cursor;
      cursor = v1;
      if (!goOutGrouping(gV)) return;
      cursor += 1;
      if (!goInGrouping(gV)) return;
      cursor += 1;
      p1 = cursor;
      if (p1 < x) p1 = x;
      if (!goOutGrouping(gV)) return;
      cursor += 1;
      if (!goInGrouping(gV)) return;
      cursor += 1;
      p2 = cursor;
    }

    function postlude() {
      while (true) {
        const v1 = cursor;
        bra = cursor;
        const amongVar = findAmong(a1);
        ket = cursor;
        if (amongVar === 1) sliceFrom("y");
        else if (amongVar === 2) sliceFrom("u");
        else if (amongVar === 3) sliceFrom("a");
        else if (amongVar === 4) sliceFrom("o");
        else {
          if (cursor >= limit) {
            cursor = v1;
            break;
          }
          cursor += 1;
        }
      }
    }

    function standardSuffix() {
      const v1 = limit - cursor;
      lab0: {
        ket = cursor;
        const amongVar = findAmongB(a2);
        if (amongVar === 0) break lab0;
        bra = cursor;
        if (!R1()) break lab0;
        if (amongVar === 1) {
          if (eqSB("syst")) break lab0;
          sliceDel();
        } else if (amongVar === 2) {
          sliceDel();
        } else if (amongVar === 3) {
          sliceDel();
          const v2 = limit - cursor;
          lab1: {
            ket = cursor;
            if (!isBefore("s")) {
              cursor = limit - v2;
              break lab1;
            }
            cursor -= 1;
            bra = cursor;
            if (!eqSB("nis")) {
              cursor = limit - v2;
              break lab1;
            }
            sliceDel();
          }
        } else if (amongVar === 4) {
          if (!inGroupingB(gSEnding)) break lab0;
          sliceDel();
        } else {
          sliceFrom("l");
        }
      }
      cursor = limit - v1;
      const v3 = limit - cursor;
      lab0: {
        ket = cursor;
        const amongVar = findAmongB(a4);
        if (amongVar === 0) break lab0;
        bra = cursor;
        if (!R1()) break lab0;
        if (amongVar === 1) {
          sliceDel();
        } else if (amongVar === 2) {
          if (!inGroupingB(gStEnding)) break lab0;
          if (cursor - 3 < limitBackward) break lab0;
          cursor -= 3;
          sliceDel();
        } else {
          const v4 = limit - cursor;
          if (!inGroupingB(gEtEnding)) break lab0;
          cursor = limit - v4;
          const v5 = limit - cursor;
          if (findAmongB(a3) !== 0) break lab0;
          cursor = limit - v5;
          sliceDel();
        }
      }
      cursor = limit - v3;
      const v6 = limit - cursor;
      lab0: {
        ket = cursor;
        const amongVar = findAmongB(a6);
        if (amongVar === 0) break lab0;
        bra = cursor;
        if (!R2()) break lab0;
        if (amongVar === 1) {
          sliceDel();
          const v7 = limit - cursor;
          lab1: {
            ket = cursor;
            if (!eqSB("ig")) {
              cursor = limit - v7;
              break lab1;
            }
            bra = cursor;
            if (isBefore("e")) {
              cursor -= 1;
              cursor = limit - v7;
              break lab1;
            }
            if (!R2()) {
              cursor = limit - v7;
              break lab1;
            }
            sliceDel();
          }
        } else if (amongVar === 2) {
          if (isBefore("e")) {
            cursor -= 1;
            break lab0;
          }
          sliceDel();
        } else if (amongVar === 3) {
          sliceDel();
          const v8 = limit - cursor;
          lab1: {
            ket = cursor;
            if (!eqSB("er") && !eqSB("en")) {
              cursor = limit - v8;
              break lab1;
            }
            bra = cursor;
            if (!R1()) {
              cursor = limit - v8;
              break lab1;
            }
            sliceDel();
          }
        } else {
          sliceDel();
          const v9 = limit - cursor;
          lab1: {
            ket = cursor;
            if (findAmongB(a5) === 0) {
              cursor = limit - v9;
              break lab1;
            }
            bra = cursor;
            if (!R2()) {
              cursor = limit - v9;
              break lab1;
            }
            sliceDel();
          }
        }
      }
      cursor = limit - v6;
      const v10 = limit - cursor;
      lab0: {
        ket = cursor;
        if (findAmongB(a7) === 0) break lab0;
        bra = cursor;
        if (cursor <= limitBackward) break lab0;
        cursor -= 1;
        if (cursor <= limitBackward) break lab0;
        sliceDel();
      }
      cursor = limit - v10;
    }

    const v1 = cursor;
    prelude();
    cursor = v1;
    const v2 = cursor;
    markRegions();
    cursor = v2;
    limitBackward = cursor;
    cursor = limit;
    standardSuffix();
    cursor = limitBackward;
    const v3 = cursor;
    postlude();
    cursor = v3;
    return current;
  }

  global.NashrStemmers = global.NashrStemmers || {};
  global.NashrStemmers.german = { stem };
})(typeof window !== "undefined" ? window : globalThis);
