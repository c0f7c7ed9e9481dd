/**
 * The dashboard's only script: switching the timeline between weeks and
 * months, sorting tables by a column, and opening every collapsed table
 * before printing. The page reads and prints without it.
 */
export const DASHBOARD_JS = `
(function () {
  'use strict';
  document.querySelectorAll('.toggle button').forEach(function (button) {
    button.addEventListener('click', function () {
      var group = button.closest('.toggle');
      group.querySelectorAll('button').forEach(function (b) {
        var on = b === button;
        b.setAttribute('aria-pressed', String(on));
        document.getElementById(b.getAttribute('data-show')).hidden = !on;
      });
    });
  });
  document.querySelectorAll('th button[data-sort]').forEach(function (button) {
    button.addEventListener('click', function () {
      var th = button.closest('th');
      var table = button.closest('table');
      var body = table.tBodies[0];
      var col = Array.prototype.indexOf.call(th.parentNode.children, th);
      var numeric = th.classList.contains('n');
      var descending = th.getAttribute('aria-sort') !== 'descending';
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-value') || a.cells[col].textContent;
        var y = b.cells[col].getAttribute('data-value') || b.cells[col].textContent;
        var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        return descending ? -order : order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  });
})();
`;
