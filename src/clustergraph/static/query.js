// The query page: plain JavaScript, no external script. Results are written with textContent only.
"use strict";

(function () {
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  const examples = JSON.parse(document.getElementById("example-queries").textContent);
  const select = document.getElementById("examples");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const base = form.dataset.base;
  const canonical = form.dataset.canonical;

  select.addEventListener("change", function () {
    if (select.value in examples) {
      textarea.value = examples[select.value];
    }
  });

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    status.textContent = "Running…";
    results.replaceChildren();
    try {
      const response = await fetch(form.action, {
        method: "POST",
        headers: {
          "Content-Type": "application/sparql-query",
          "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: textarea.value,
      });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        status.textContent = "Error " + response.status;
        showText(await response.text());
      } else if (type.includes("sparql-results+json")) {
        showResults(await response.json());
      } else {
        status.textContent = "Done.";
        showText(await response.text());
      }
    } catch (error) {
      status.textContent = "The request failed: " + error;
    }
  });

  function showText(text) {
    const pre = document.createElement("pre");
    pre.textContent = text;
    results.append(pre);
  }

  function showResults(data) {
    if ("boolean" in data) {
      status.textContent = "Answer: " + data.boolean;
      return;
    }
    const variables = data.head.vars;
    const rows = data.results.bindings;
    status.textContent = rows.length + (rows.length === 1 ? " row" : " rows");
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const name of variables) {
      const th = document.createElement("th");
      th.textContent = name;
      head.append(th);
    }
    const body = table.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      for (const name of variables) {
        tr.insertCell().append(cell(row[name]));
      }
    }
    results.append(table);
  }

  function cell(term) {
    if (!term) {
      return document.createTextNode("");
    }
    if (term.type === "uri" && /^https?:\/\//.test(term.value)) {
      const link = document.createElement("a");
      link.href = term.value.startsWith(canonical) ? base + "/" + term.value.slice(canonical.length) : term.value;
      link.textContent = term.value;
      return link;
    }
    const suffix = term["xml:lang"] ? " @" + term["xml:lang"] : "";
    return document.createTextNode(term.value + suffix);
  }
})();
