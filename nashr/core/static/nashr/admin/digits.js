// The numbers Django's admin scripts write into the page ("2 of 29 selected", the time
// zone note, the selector's counts) in the admin language's digits, given by the script
// element's data-digits. The server rewrites the digits of the page it sends
// (nashr.core.htmldigits); these are written later, in the browser.
(function () {
  "use strict";
  const script = document.currentScript;
  const digits = script && script.dataset.digits;
  if (!digits || digits.length !== 10) {
    return;
  }
  const WRITTEN_BY_SCRIPTS = ".action-counter, .timezonewarning, .selector-chosen-title, " +
    ".selector-available-title, .help-tooltip, .selector .help";

  function localize(text) {
    return text.replace(/[0-9]/g, (digit) => digits[Number(digit)]);
  }

  function rewrite(element) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const localized = localize(node.nodeValue);
      if (localized !== node.nodeValue) {
        node.nodeValue = localized;
      }
    }
  }

  function rewriteAll(root) {
    if (root.matches && root.matches(WRITTEN_BY_SCRIPTS)) {
      rewrite(root);
    }
    if (root.querySelectorAll) {
      root.querySelectorAll(WRITTEN_BY_SCRIPTS).forEach(rewrite);
    }
  }

  function start() {
    rewriteAll(document.body);
    new MutationObserver((changes) => {
      for (const change of changes) {
        const target = change.target.nodeType === Node.TEXT_NODE
          ? change.target.parentElement : change.target;
        const holder = target && target.closest ? target.closest(WRITTEN_BY_SCRIPTS) : null;
        if (holder) {
          rewrite(holder);
        }
        change.addedNodes.forEach((node) => {
          if (node.nodeType === Node.ELEMENT_NODE) {
            rewriteAll(node);
          }
        });
      }
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
