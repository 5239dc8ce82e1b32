/* The mirror's search page: the reader's words normalized as the site does
   (normalize.js), looked up in the static index of the chosen language (see
   nashr/mirror/search_index.py), loaded part by part as <script> files so that it runs
   from file:// too. Nothing is asked of any other host. */
"use strict";

(function () {
  const PAGE_SIZE = 20;
  const loaded = new Map(); // script address -> Promise
  const data = { shards: {}, shard: {}, docs: {} };

  window.NashrSearch = {
    load(kind, key, value) {
      data[kind][key] = value;
    },
  };

  function script(src) {
    if (!loaded.has(src)) {
      loaded.set(src, new Promise((resolve, reject) => {
        const element = document.createElement("script");
        element.src = src;
        element.onload = resolve;
        element.onerror = () => reject(new Error(src));
        document.head.appendChild(element);
      }));
    }
    return loaded.get(src);
  }

  const shardName = (prefix) => Array.from(prefix).map((ch) => ch.codePointAt(0).toString(16)).join("-") || "_";

  function gaps(text) {
    const numbers = [];
    let previous = -1;
    if (!text) return numbers;
    for (const part of text.split(",")) {
      previous += parseInt(part, 36);
      numbers.push(previous);
    }
    return numbers;
  }

  async function postings(base, language, term) {
    await script(`${base}shards.js`);
    const prefixes = data.shards[language].prefixes;
    let best = null;
    for (const prefix of prefixes) {
      if (term.startsWith(prefix) && (best === null || prefix.length > best.length)) best = prefix;
    }
    if (best === null) return null;
    await script(`${base}s/${shardName(best)}.js`);
    const entry = data.shard[`${language}/${best}`][term];
    return entry ? { all: new Set(gaps(entry[0])), title: new Set(gaps(entry[1])) } : null;
  }

  async function clauseDocs(base, language, clause) {
    let docs = null;
    let title = null;
    for (const term of clause) {
      const found = await postings(base, language, term);
      if (!found) return { all: new Set(), title: new Set() };
      docs = docs === null ? found.all : new Set([...docs].filter((n) => found.all.has(n)));
      title = title === null ? found.title : new Set([...title].filter((n) => found.title.has(n)));
    }
    return { all: docs || new Set(), title: title || new Set() };
  }

  async function search(base, language, query) {
    const included = [];
    for (const clause of query.include) included.push(await clauseDocs(base, language, clause));
    let matches = [...included[0].all].filter((n) => included.every((c) => c.all.has(n)));
    for (const clause of query.exclude) {
      const left = await clauseDocs(base, language, clause);
      matches = matches.filter((n) => !left.all.has(n));
    }
    // As the site ranks: words in the title first, then the newest (lower numbers).
    const score = (n) => included.filter((c) => c.title.has(n)).length;
    matches.sort((a, b) => score(b) - score(a) || a - b);
    return matches;
  }

  async function documents(base, language, numbers) {
    const perFile = 25;
    const files = [...new Set(numbers.map((n) => Math.floor(n / perFile)))];
    await Promise.all(files.map((file) => script(`${base}d/${file}.js`)));
    return numbers.map((n) => data.docs[`${language}/${Math.floor(n / perFile)}`][n % perFile]);
  }

  // The page's digits (data-digits: "0123456789", "۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩"), as configured.
  function digits(text) {
    const form = document.getElementById("mirror-search");
    const written = (form && form.dataset.digits) || "0123456789";
    return String(text).replace(/[0-9]/g, (d) => written[d]);
  }

  async function run(form) {
    const status = document.getElementById("search-status");
    const list = document.getElementById("search-results");
    const text = form.elements.q.value;
    const language = form.elements.lang.value || form.dataset.language;
    const root = form.dataset.root;
    const base = `${root}${language}/search/`;
    list.replaceChildren();
    const choice = form.querySelector(`input[name="lang"][value="${language}"]`);
    let query;
    try {
      // Read as the index's language was stemmed (data-stemmer, "" for none).
      query = window.NashrNormalize.parseQuery(text, (choice && choice.dataset.stemmer) || "");
    } catch (error) {
      status.textContent = status.dataset.failed;
      return;
    }
    if (query.empty || !query.include.length) {
      status.textContent = status.dataset.empty;
      return;
    }
    status.textContent = status.dataset.loading;
    let numbers;
    try {
      numbers = await search(base, language, query);
      const shown = await documents(base, language, numbers.slice(0, PAGE_SIZE));
      for (const [title, url, date, kind] of shown) {
        const item = document.createElement("li");
        item.lang = language;
        item.dir = (choice && choice.dataset.dir) || "auto";
        const heading = document.createElement("h2");
        const link = document.createElement("a");
        link.href = root + url;
        link.textContent = title;
        heading.appendChild(link);
        const meta = document.createElement("p");
        meta.className = "meta";
        meta.textContent = `${kind} · ${date}`;
        item.append(heading, meta);
        list.appendChild(item);
      }
    } catch (error) {
      status.textContent = status.dataset.failed;
      return;
    }
    status.textContent = numbers.length
      ? status.dataset.found.replace("%(count)s", digits(numbers.length))
      : status.dataset.none;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("mirror-search");
    if (!form) return;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const params = new URLSearchParams({ q: form.elements.q.value, lang: form.elements.lang.value });
      try {
        history.replaceState(null, "", `?${params}`);
      } catch (error) {
        // Some browsers refuse it on file:// addresses; the search runs all the same.
      }
      run(form);
    });
    const params = new URLSearchParams(location.search);
    if (params.get("q")) {
      form.elements.q.value = params.get("q");
      const language = params.get("lang");
      if (language && form.querySelector(`input[name=lang][value="${CSS.escape(language)}"]`)) {
        form.querySelector(`input[name=lang][value="${CSS.escape(language)}"]`).checked = true;
      }
      run(form);
    }
  });
})();
