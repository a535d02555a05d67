// doelenboom report: show one page at a time (the #hash names it) and save the duiding forms as CSV.
// Works from file:// without a network; without JavaScript every page is shown one after another.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("report-config").textContent);
  var body = document.body;
  body.classList.remove("no-js");
  body.classList.add("js");

  // ---- navigation ------------------------------------------------------------------------
  var pages = Array.prototype.slice.call(document.querySelectorAll("main > section.page"));
  var links = Array.prototype.slice.call(document.querySelectorAll("nav a"));

  // The hash names a page, or an element on one (a signal the area table links to): then that
  // page is shown and the element is returned, to be scrolled to.
  function show() {
    var wanted = decodeURIComponent(window.location.hash.replace(/^#/, ""));
    var current = null;
    var target = null;
    pages.forEach(function (page) {
      if (page.id === wanted) { current = page; }
    });
    if (current === null && wanted) {
      target = document.getElementById(wanted);
      current = target === null ? null : target.closest("main > section.page");
      if (current === null) { target = null; }
    }
    if (current === null) { current = pages[0]; }
    pages.forEach(function (page) { page.classList.toggle("current", page === current); });
    links.forEach(function (link) {
      if (link.getAttribute("href") === "#" + current.id) {
        link.setAttribute("aria-current", "page");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    document.title = document.title.split(" \u2014 ")[0] + (current === pages[0] ? "" : " \u2014 " + current.querySelector("h2").textContent);
    current.querySelectorAll("textarea").forEach(autosize);
    return target;
  }
  function showAndScroll() {
    var target = show();
    if (target === null) { window.scrollTo(0, 0); } else { target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", showAndScroll);

  // ---- the duiding forms ---------------------------------------------------------------------
  function autosize(area) {
    area.style.height = "auto";
    area.style.height = (area.scrollHeight + 2) + "px";
  }

  function actionRow(form) {
    var template = ["who", "what", "when"].map(function (name) {
      var label = form.querySelector("thead th:nth-child(" + (["who", "what", "when"].indexOf(name) + 1) + ")").textContent;
      var input = document.createElement("input");
      input.type = "text";
      input.name = name;
      input.setAttribute("aria-label", label);
      var cell = document.createElement("td");
      cell.appendChild(input);
      return cell;
    });
    var row = document.createElement("tr");
    row.className = "action";
    template.forEach(function (cell) { row.appendChild(cell); });
    var remove = document.createElement("button");
    remove.type = "button";
    remove.setAttribute("data-action", "remove");
    remove.textContent = config.removeAction;
    var last = document.createElement("td");
    last.appendChild(remove);
    row.appendChild(last);
    return row;
  }

  function csvField(value) {
    var text = value === null || value === undefined ? "" : String(value);
    return "\"" + text.replace(/"/g, "\"\"") + "\"";
  }

  // Every row of every form, after the saved rows this report does not show (other periods).
  function collect() {
    var rows = config.keep.slice();
    document.querySelectorAll("form.duiding").forEach(function (form) {
      var unit = form.getAttribute("data-unit");
      var period = form.getAttribute("data-period");
      form.querySelectorAll("textarea").forEach(function (area) {
        if (area.value.trim() !== "") {
          rows.push({unit: unit, period: period, question: area.name, answer: area.value, who: "", what: "", when: ""});
        }
      });
      form.querySelectorAll("tr.action").forEach(function (tr) {
        var get = function (name) { return tr.querySelector("input[name='" + name + "']").value; };
        if ((get("who") + get("what") + get("when")).trim() !== "") {
          rows.push({unit: unit, period: period, question: "actie", answer: "", who: get("who"), what: get("what"), when: get("when")});
        }
      });
    });
    return rows;
  }

  function toCsv(rows) {
    var lines = [config.columns.join(",")];
    rows.forEach(function (row) {
      lines.push(config.columns.map(function (c) { return csvField(row[c]); }).join(","));
    });
    return lines.join("\n") + "\n";
  }

  function save(form) {
    var blob = new Blob([toCsv(collect())], {type: "text/csv;charset=utf-8"});
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = "duiding.csv";
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    form.querySelector(".status").textContent = config.saved;
  }

  document.querySelectorAll("form.duiding").forEach(function (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("input", function (event) {
      if (event.target.tagName === "TEXTAREA") { autosize(event.target); }
    });
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (button === null) { return; }
      var action = button.getAttribute("data-action");
      if (action === "add") {
        var row = actionRow(form);
        form.querySelector("table.actions tbody").appendChild(row);
        row.querySelector("input").focus();
      } else if (action === "remove") {
        button.closest("tr").remove();
      } else if (action === "save") {
        save(form);
      }
    });
  });

  // For tests and for people who want the text: window.doelenboomDuidingCsv() gives the CSV.
  window.doelenboomDuidingCsv = function () { return toCsv(collect()); };
  window.addEventListener("beforeprint", function () { document.querySelectorAll("textarea").forEach(autosize); });
  var opened = show();
  if (opened !== null) { opened.scrollIntoView(); }
})();
