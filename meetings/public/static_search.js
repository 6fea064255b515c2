// The search page of the static copy (manage.py export_static writes this file into it).
// Served from a host, Pagefind searches. Opened from a folder (file://), browsers refuse the
// requests Pagefind makes, so the copy's own index of its language, a script file, is loaded
// instead and searched here: every word asked for must be in the page, accents and case aside.
(function () {
  "use strict";
  var box = document.getElementById("static-search");
  if (!box) return;
  var root = box.getAttribute("data-root");

  if (location.protocol !== "file:") {
    if (typeof PagefindUI === "undefined") return;
    var base = new URL(root, location.href).pathname;
    document.getElementById("static-search-note").hidden = true;
    new PagefindUI({
      element: "#static-search",
      baseUrl: base,
      bundlePath: base + "pagefind/",
      showSubResults: false,
      showImages: false,
    });
    return;
  }

  var form = document.getElementById("folder-search");
  var words = document.getElementById("folder-search-words");
  var status = document.getElementById("folder-search-status");
  var results = document.getElementById("folder-search-results");
  var pages = null;

  function plain(text) {
    return text.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase();
  }

  function search(asked) {
    var wanted = plain(asked).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    var found = [];
    if (wanted.length) {
      pages.forEach(function (page) {
        var title = plain(page[1]);
        var text = title + " " + plain(page[2]);
        var inTitle = 0;
        for (var i = 0; i < wanted.length; i++) {
          if (text.indexOf(wanted[i]) < 0) return;
          if (title.indexOf(wanted[i]) >= 0) inTitle += 1;
        }
        found.push({ page: page, rank: inTitle });
      });
    }
    // Pages naming the words in their title first; otherwise in the index's order.
    found.sort(function (a, b) { return b.rank - a.rank; });
    return found;
  }

  function show(found) {
    results.textContent = "";
    found.slice(0, 100).forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + hit.page[0];
      link.textContent = hit.page[1];
      item.appendChild(link);
      var excerpt = document.createElement("p");
      excerpt.textContent = hit.page[2].slice(0, 200) + (hit.page[2].length > 200 ? "…" : "");
      item.appendChild(excerpt);
      results.appendChild(item);
    });
    var template = found.length ? status.getAttribute("data-found") : status.getAttribute("data-none");
    status.textContent = template.replace("{count}", found.length.toLocaleString(document.documentElement.lang));
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (pages) show(search(words.value));
  });

  var index = document.createElement("script");
  index.src = root + box.getAttribute("data-index");
  index.onload = function () {
    pages = window.staticCopyPages || [];
    document.getElementById("static-search-note").hidden = true;
    form.hidden = false;
    var asked = new URLSearchParams(location.search).get("q");
    if (asked) {
      words.value = asked;
      show(search(asked));
    }
  };
  document.body.appendChild(index);
})();
