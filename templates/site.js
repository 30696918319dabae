/* Evidence briefing: sortable and filterable tables, and the in-page search.
   Pages read fully without this script; it only adds controls. Text from
   documents is only ever set with textContent, never parsed as HTML. */
(function () {
  "use strict";

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
  }

  function cellKey(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) { return numeric ? -Infinity : ""; }
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    if (numeric) {
      var n = parseFloat(raw);
      return isNaN(n) ? -Infinity : n;
    }
    return raw.trim().toLowerCase();
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var numeric = th.getAttribute("data-type") === "number";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).map(function (row, i) {
          return { row: row, key: cellKey(row, index, numeric), i: i };
        });
        rows.sort(function (a, b) {
          var order = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
          if (!ascending) { order = -order; }
          return order || a.i - b.i;
        });
        rows.forEach(function (item) { body.appendChild(item.row); });
      });
    });
  }

  function makeFilterable(controls) {
    var table = document.getElementById(controls.getAttribute("data-controls"));
    if (!table) { return; }
    var input = controls.querySelector("input[data-filter]");
    var selects = controls.querySelectorAll("select[data-filter-attr]");
    var count = controls.querySelector("[data-count]");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
    function apply() {
      var wanted = input ? words(input.value) : [];
      var shown = 0;
      rows.forEach(function (row, i) {
        var ok = wanted.every(function (w) { return texts[i].indexOf(w) !== -1; });
        Array.prototype.forEach.call(selects, function (select) {
          var value = select.value;
          if (!ok || !value) { return; }
          var have = " " + (row.getAttribute("data-" + select.getAttribute("data-filter-attr")) || "") + " ";
          ok = have.indexOf(" " + value + " ") !== -1;
        });
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      if (count) { count.textContent = "Showing " + shown + " of " + rows.length + " rows"; }
    }
    if (input) { input.addEventListener("input", apply); }
    Array.prototype.forEach.call(selects, function (select) { select.addEventListener("change", apply); });
    controls.hidden = false;
    apply();
  }

  var LIMIT = 200;
  var LABELS = /* each finding kind's label: written in by evidence build */ {};

  function setupSearch(box, data) {
    var input = document.getElementById("q");
    var kind = document.getElementById("kind");
    var theme = document.getElementById("theme");
    var list = document.getElementById("results");
    var count = document.getElementById("search-count");
    var f = {};
    data.fields.forEach(function (name, i) { f[name] = i; });
    var haystacks = data.rows.map(function (row) {
      return [row[f.text], row[f.detail], row[f.body], row[f.title]].join(" ").toLowerCase();
    });
    function add(parent, tag, text, className) {
      var el = document.createElement(tag);
      el.textContent = text;
      if (className) { el.className = className; }
      parent.appendChild(el);
      return el;
    }
    function render() {
      var wanted = words(input.value);
      var hits = [];
      data.rows.forEach(function (row, i) {
        if (kind.value && row[f.kind] !== kind.value) { return; }
        if (theme.value && row[f.themes].indexOf(theme.value) === -1) { return; }
        if (!wanted.every(function (w) { return haystacks[i].indexOf(w) !== -1; })) { return; }
        hits.push(row);
      });
      while (list.firstChild) { list.removeChild(list.firstChild); }
      if (!wanted.length && !kind.value && !theme.value) {
        count.textContent = data.rows.length + " findings. Type words or choose a kind or theme.";
        return;
      }
      hits.slice(0, LIMIT).forEach(function (row) {
        var li = document.createElement("li");
        add(li, "span", LABELS[row[f.kind]] || row[f.kind], "tag t-" + row[f.kind]);
        add(li, "q", row[f.text]);
        if (row[f.detail]) { add(li, "span", " " + row[f.detail] + " ", "note"); }
        var link = document.createElement("a");
        var href = String(row[f.href]);
        link.href = /^docs\/[^:]*$/.test(href) ? href : "#";
        link.className = "src";
        link.textContent = row[f.body] + ", " + row[f.title] + (row[f.page] ? ", p. " + row[f.page] : "");
        li.appendChild(document.createTextNode(" "));
        li.appendChild(link);
        list.appendChild(li);
      });
      count.textContent = hits.length === 0 ? "No findings match." :
        hits.length > LIMIT ? "Showing the first " + LIMIT + " of " + hits.length + " findings." :
        hits.length + " finding" + (hits.length === 1 ? "" : "s") + " match.";
    }
    function choose(select, value) {
      Array.prototype.forEach.call(select.options, function (option) {
        if (option.value === value) { select.value = value; }
      });
    }
    // A search is shared as its address: search.html?q=words&kind=figure&theme=workforce
    var shared = new URLSearchParams(window.location.search);
    input.value = shared.get("q") || "";
    choose(kind, shared.get("kind") || "");
    choose(theme, shared.get("theme") || "");
    function remember() {
      var wanted = new URLSearchParams();
      if (input.value.trim()) { wanted.set("q", input.value.trim()); }
      if (kind.value) { wanted.set("kind", kind.value); }
      if (theme.value) { wanted.set("theme", theme.value); }
      var query = wanted.toString();
      try {
        window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
      } catch (e) {
        // some browsers refuse to change the address of a file:// page; the search still runs
      }
    }
    function changed() { render(); remember(); }
    input.addEventListener("input", changed);
    kind.addEventListener("change", changed);
    theme.addEventListener("change", changed);
    box.hidden = false;
    render();
  }

  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), makeSortable);
  Array.prototype.forEach.call(document.querySelectorAll("[data-controls]"), makeFilterable);
  var box = document.getElementById("search");
  if (box && window.EVIDENCE_SEARCH) { setupSearch(box, window.EVIDENCE_SEARCH); }
}());
