/* Evidence briefing: sortable and filterable tables (the search page is search.js).
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

  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), makeSortable);
  Array.prototype.forEach.call(document.querySelectorAll("[data-controls]"), makeFilterable);
}());
