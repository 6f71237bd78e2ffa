// The reviewer's report: filters, search, keyboard navigation, and diffs rendered when a file
// is opened (a page of a thousand files stays quick because closed files hold no diff).
"use strict";

(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const files = Array.from(document.querySelectorAll("details.file"));
  const search = document.getElementById("search");
  const ruleFilter = document.getElementById("rule-filter");
  const statusButtons = Array.from(document.querySelectorAll("button.status"));
  const shownCount = document.getElementById("shown-count");
  let current = -1; // index into files of the file the keys move from
  let currentHunk = null;
  const searchText = new Array(files.length);

  // -- Python syntax highlighting -------------------------------------------------------------
  const KEYWORDS = new Set(("False None True and as assert async await break class continue " +
    "def del elif else except finally for from global if import in is lambda nonlocal not or " +
    "pass raise return try while with yield match case").split(" "));
  const BUILTINS = new Set(("print len range int float str list dict set tuple zip enumerate " +
    "isinstance super open min max sum abs map filter sorted any all iter next object type " +
    "bool bytes repr round getattr setattr hasattr").split(" "));
  const TOKEN = new RegExp([
    "(#.*$)",                                              // 1 comment
    "((?:[rRbBuUfF]{1,2})?(?:\"\"\"|'''))",                // 2 triple quote opening
    "((?:[rRbBuUfF]{1,2})?(?:\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'))", // 3 string
    "(\\b(?:0[xob][0-9a-fA-F_]+|\\d[\\d_]*\\.?\\d*(?:[eE][+-]?\\d+)?j?)\\b)", // 4 number
    "(@[\\w.]+)",                                          // 5 decorator
    "([A-Za-z_]\\w*)",                                     // 6 name
  ].join("|"), "gm");

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  // A message's `code` spans, shown as code.
  function messageHtml(text) {
    return escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");
  }

  function span(cls, text) {
    return '<span class="' + cls + '">' + escapeHtml(text) + "</span>";
  }

  // Highlight one line; `state.quote` carries an open triple-quoted string to the next line.
  function highlight(text, state) {
    let out = "";
    let position = 0;
    if (state.quote) {
      const end = text.indexOf(state.quote);
      if (end < 0) return span("tok-str", text);
      out += span("tok-str", text.slice(0, end + 3));
      position = end + 3;
      state.quote = null;
    }
    let previous = "";
    TOKEN.lastIndex = position;
    let match;
    while ((match = TOKEN.exec(text)) !== null) {
      out += escapeHtml(text.slice(position, match.index));
      position = TOKEN.lastIndex;
      if (match[1]) {
        out += span("tok-com", match[1]);
      } else if (match[2]) {
        const quote = match[2].slice(-3);
        const end = text.indexOf(quote, position);
        if (end < 0) {
          out += span("tok-str", text.slice(match.index));
          state.quote = quote;
          return out;
        }
        out += span("tok-str", text.slice(match.index, end + 3));
        position = end + 3;
        TOKEN.lastIndex = position;
      } else if (match[3]) {
        out += span("tok-str", match[3]);
      } else if (match[4]) {
        out += span("tok-num", match[4]);
      } else if (match[5]) {
        out += span("tok-dec", match[5]);
      } else {
        const word = match[6];
        let cls = null;
        if (KEYWORDS.has(word)) cls = "tok-kw";
        else if (previous === "def" || previous === "class") cls = "tok-def";
        else if (BUILTINS.has(word)) cls = "tok-bi";
        out += cls ? span(cls, word) : escapeHtml(word);
        previous = word;
        continue;
      }
      previous = "";
    }
    return out + escapeHtml(text.slice(position));
  }

  // -- rendering a file -------------------------------------------------------------------------
  function ruleLinks(codes) {
    return codes.map(function (code) {
      if (code === "imports") {
        return '<span class="rule-label imports" title="import edits the fixes asked for">' +
          "imports</span>";
      }
      return '<a class="rule-label" href="#rule-' + code + '">' + code + "</a>";
    }).join(" ");
  }

  function findingHtml(finding, fileIndex) {
    const excerpt = finding.excerpt.map(function (pair) {
      return '<div class="code-line"><span class="num">' + pair[0] + "</span>" +
        '<span class="src">' + highlight(pair[1], {quote: null}) + "</span></div>";
    }).join("");
    const fix = finding.fix ? '<div class="fix">' + escapeHtml(finding.fix) +
      (finding.kind === "unsafe" ? " (unsafe: applied with --unsafe-fixes)" : "") + "</div>" : "";
    return '<div class="finding kind-' + finding.kind + '" id="f' + fileIndex + "-l" +
      finding.line + '">' + '<div class="finding-head"><span class="where">line ' + finding.line +
      ":" + finding.column + "</span> " + ruleLinks([finding.code]) + ' <span class="kind">' +
      escapeHtml(finding.name) + ", " +
      finding.kind + '</span> <span class="message">' + messageHtml(finding.message) + "</span>" +
      "</div>" + (excerpt ? '<div class="excerpt">' + excerpt + "</div>" : "") + fix + "</div>";
  }

  function hunkHtml(hunk, fileIndex, hunkIndex, findingsAt) {
    let oldLine = hunk.old;
    let newLine = hunk.new;
    const oldState = {quote: null};
    const newState = {quote: null};
    let rows = "";
    hunk.lines.forEach(function (pair) {
      const kind = pair[0];
      const text = pair[1];
      let left = "";
      let right = "";
      let html;
      if (kind === "-") {
        left = oldLine++;
        html = highlight(text, oldState);
      } else if (kind === "+") {
        right = newLine++;
        html = highlight(text, newState);
      } else {
        left = oldLine++;
        right = newLine++;
        html = highlight(text, newState);
        highlight(text, oldState);
      }
      const cls = kind === "-" ? "del" : kind === "+" ? "add" : "ctx";
      rows += '<tr class="' + cls + '"><td class="num">' + left + '</td><td class="num">' +
        right + '</td><td class="sign">' + (kind === " " ? "" : kind) + '</td><td class="src">' +
        html + "</td></tr>";
      if (kind !== "-" && findingsAt[right]) {
        findingsAt[right].forEach(function (finding) {
          rows += '<tr class="note"><td colspan="4"><a href="#f' + fileIndex + "-l" +
            finding.line + '">' + finding.code + "</a> " + messageHtml(finding.message) +
            "</td></tr>";
        });
      }
    });
    return '<div class="hunk" id="f' + fileIndex + "-h" + hunkIndex + '">' +
      '<div class="hunk-head">@@ -' + hunk.old + " +" + hunk.new + " @@ " +
      ruleLinks(hunk.rules) + "</div><table class=\"diff\">" + rows + "</table></div>";
  }

  function renderFile(index) {
    const element = files[index];
    const body = element.querySelector(".body");
    if (body.dataset.rendered) return;
    const file = data.files[index];
    let html = "";
    if (file.error) html += '<div class="error">' + escapeHtml(file.error) + "</div>";
    let hunkIndex = 0;
    file.sections.forEach(function (section) {
      const findingsAt = {};
      section.findings.forEach(function (finding) {
        (findingsAt[finding.line] = findingsAt[finding.line] || []).push(finding);
      });
      html += '<div class="section">';
      if (section.title) html += '<h4 class="cell">' + escapeHtml(section.title) + "</h4>";
      section.hunks.forEach(function (hunk) {
        html += hunkHtml(hunk, index, hunkIndex++, findingsAt);
      });
      if (section.findings.length) {
        html += '<div class="findings"><h5>Left for a person</h5>' +
          section.findings.map(function (f) { return findingHtml(f, index); }).join("") +
          "</div>";
      }
      html += "</div>";
    });
    body.innerHTML = html;
    body.dataset.rendered = "1";
  }

  files.forEach(function (element, index) {
    element.addEventListener("toggle", function () {
      if (element.open) renderFile(index);
    });
  });

  // -- filters and search -----------------------------------------------------------------------
  function textOf(index) {
    if (searchText[index] === undefined) {
      const file = data.files[index];
      const parts = [file.path, file.error || ""];
      file.sections.forEach(function (section) {
        section.hunks.forEach(function (hunk) {
          hunk.lines.forEach(function (pair) { parts.push(pair[1]); });
        });
        section.findings.forEach(function (finding) { parts.push(finding.message); });
      });
      searchText[index] = parts.join("\n").toLowerCase();
    }
    return searchText[index];
  }

  function applyFilters() {
    const query = search.value.trim().toLowerCase();
    const rule = ruleFilter.value;
    const active = statusButtons.filter(function (b) { return b.getAttribute("aria-pressed") === "true"; })
      .map(function (b) { return b.dataset.status; });
    let shown = 0;
    files.forEach(function (element, index) {
      const file = data.files[index];
      const visible = (!rule || file.rules.indexOf(rule) >= 0) &&
        (!active.length || active.some(function (s) { return file.statuses.indexOf(s) >= 0; })) &&
        (!query || textOf(index).indexOf(query) >= 0);
      element.hidden = !visible;
      if (visible) shown++;
    });
    shownCount.textContent = shown + " of " + files.length + " files shown";
  }

  search.addEventListener("input", applyFilters);
  ruleFilter.addEventListener("change", applyFilters);
  statusButtons.forEach(function (button) {
    button.addEventListener("click", function () {
      const pressed = button.getAttribute("aria-pressed") === "true";
      button.setAttribute("aria-pressed", pressed ? "false" : "true");
      applyFilters();
    });
  });

  // -- keyboard: j/k between files, n/p between hunks, o opens, / searches ---------------------
  function visibleFiles() {
    return files.filter(function (element) { return !element.hidden; });
  }

  function focusFile(element) {
    files.forEach(function (other) { other.classList.remove("current"); });
    element.classList.add("current");
    current = files.indexOf(element);
    element.open = true;
    renderFile(current);
    element.scrollIntoView({block: "start"});
  }

  function moveFile(step) {
    const visible = visibleFiles();
    if (!visible.length) return;
    const at = visible.indexOf(files[current]);
    const next = at < 0 ? (step > 0 ? 0 : visible.length - 1) :
      Math.min(Math.max(at + step, 0), visible.length - 1);
    currentHunk = null;
    focusFile(visible[next]);
  }

  function moveHunk(step) {
    const visible = visibleFiles();
    const hunks = [];
    visible.forEach(function (element) {
      renderFile(files.indexOf(element));
      element.querySelectorAll(".hunk").forEach(function (hunk) { hunks.push(hunk); });
    });
    if (!hunks.length) return;
    let at = hunks.indexOf(currentHunk);
    if (at < 0 && current >= 0) {
      // From the current file: its first hunk going down, the previous file's last going up.
      const first = hunks.findIndex(function (h) { return files[current].contains(h); });
      at = first < 0 ? -1 : (step > 0 ? first - 1 : first);
    }
    const next = Math.min(Math.max(at + step, 0), hunks.length - 1);
    document.querySelectorAll(".hunk.current").forEach(function (h) { h.classList.remove("current"); });
    currentHunk = hunks[next];
    currentHunk.classList.add("current");
    const file = currentHunk.closest("details.file");
    files.forEach(function (other) { other.classList.remove("current"); });
    file.classList.add("current");
    current = files.indexOf(file);
    file.open = true;
    currentHunk.scrollIntoView({block: "center"});
  }

  document.addEventListener("keydown", function (event) {
    if (event.target === search || event.target === ruleFilter) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const actions = {
      j: function () { moveFile(1); },
      k: function () { moveFile(-1); },
      n: function () { moveHunk(1); },
      p: function () { moveHunk(-1); },
      o: function () { if (current >= 0) files[current].open = !files[current].open; },
      "/": function () { search.focus(); },
    };
    if (actions[event.key]) {
      event.preventDefault();
      actions[event.key]();
    }
  });

  // -- rule links open the rule's page --------------------------------------------------------
  function openRule() {
    const target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      target.scrollIntoView({block: "start"});
    }
  }
  window.addEventListener("hashchange", openRule);
  openRule();

  // Printing shows every file that the filters show, opened.
  window.addEventListener("beforeprint", function () {
    visibleFiles().forEach(function (element) {
      renderFile(files.indexOf(element));
      element.open = true;
    });
  });

  applyFilters();
})();
