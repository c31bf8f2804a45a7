// obconf report.html filters: verdict check boxes and a catalog id prefix, over the data
// attributes of the scenarios and of the coverage matrix rows. Reads ?verdict=failed,error&id=X
// (or the same after #) when the page opens. It changes only `hidden` and `textContent`: no
// markup is ever built from the report's text.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) {
    return;
  }
  var all = function (selector) {
    return Array.prototype.slice.call(document.querySelectorAll(selector));
  };
  var scenarios = all("details.scenario");
  var groups = all("section.feature");
  var rows = all("tr.id-row");
  var boxes = all("#filters input[name=verdict]");
  var idInput = document.getElementById("filter-id");
  var shown = document.getElementById("shown");

  function query() {
    var found = {};
    [window.location.search, window.location.hash].forEach(function (part) {
      part.replace(/^[?#]/, "").split("&").forEach(function (pair) {
        var at = pair.indexOf("=");
        if (at > 0) {
          try {
            found[decodeURIComponent(pair.slice(0, at))] =
              decodeURIComponent(pair.slice(at + 1).replace(/\+/g, " "));
          } catch (e) {
            // A malformed parameter is ignored.
          }
        }
      });
    });
    return found;
  }

  function carries(element, prefix) {
    if (!prefix) {
      return true;
    }
    return (element.getAttribute("data-ids") || "").split(" ").some(function (id) {
      return id !== "" && id.toUpperCase().indexOf(prefix) === 0;
    });
  }

  function apply() {
    var wanted = {};
    boxes.forEach(function (box) {
      wanted[box.value] = box.checked;
    });
    var prefix = idInput.value.trim().toUpperCase();
    var count = 0;
    scenarios.forEach(function (s) {
      var show = wanted[s.getAttribute("data-verdict")] === true && carries(s, prefix);
      s.hidden = !show;
      if (show) {
        count += 1;
      }
    });
    groups.forEach(function (g) {
      g.hidden = g.querySelector("details.scenario:not([hidden])") === null;
    });
    rows.forEach(function (r) {
      r.hidden = !carries(r, prefix);
    });
    shown.textContent = count + " of " + scenarios.length + " scenarios shown";
    form.setAttribute("data-applied", "yes");
  }

  var asked = query();
  if (typeof asked.verdict === "string") {
    var list = asked.verdict.split(",");
    boxes.forEach(function (box) {
      box.checked = list.indexOf(box.value) >= 0;
    });
  }
  if (typeof asked.id === "string") {
    idInput.value = asked.id;
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    apply();
  });
  apply();
})();
