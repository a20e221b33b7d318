// Click a column header of a table.sortable to sort by it; click again to reverse.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th[data-type]").forEach(function (th, index) {
      th.tabIndex = 0;
      function sort() {
        var numeric = th.dataset.type === "num";
        var asc = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var col = th.cellIndex;
        rows.sort(function (a, b) {
          var x = a.cells[col], y = b.cells[col];
          var vx = numeric ? parseFloat(x.dataset.value) : x.textContent.trim();
          var vy = numeric ? parseFloat(y.dataset.value) : y.textContent.trim();
          var r = numeric ? vx - vy : vx.localeCompare(vy, document.documentElement.lang);
          return asc ? r : -r;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  });
});
