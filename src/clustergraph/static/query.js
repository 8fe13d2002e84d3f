// The query page: YASQE (editor) and YASR (results) from the vendored YASGUI build, wired to this
// site only. Nothing is fetched from elsewhere: prefixes, classes and properties are offered from the
// page's own data, not from prefix.cc or LOV; nothing is kept in localStorage between visits.
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("query-config").textContent);
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  const select = document.getElementById("examples");
  const parameterBox = document.getElementById("example-parameters");
  const entailment = document.getElementById("entailment");
  const share = document.getElementById("share");
  const status = document.getElementById("status");
  const Yasqe = Yasgui.Yasqe;
  const Yasr = Yasgui.Yasr;
  const examples = new Map(config.examples.map((example) => [example.name, example]));
  const TRUNCATED = "X-Clustergraph-Truncated";
  const LABELS_AT_ONCE = 500;

  // --- completion from the page's own data --------------------------------------------------------
  const prefixLines = Object.entries(config.prefixes).map(([p, ns]) => p + ": <" + ns + ">").sort();
  Yasqe.registerAutocompleter({ ...Yasqe.Autocompleters.prefixes, name: "site-prefixes", persistenceId: null, get: () => Promise.resolve(prefixLines) }, false);
  Yasqe.registerAutocompleter(termCompleter(Yasqe.Autocompleters.property, "site-properties", config.properties), false);
  Yasqe.registerAutocompleter(termCompleter(Yasqe.Autocompleters.class, "site-classes", config.classes), false);

  function termCompleter(base, name, iris) {
    return {
      ...base,
      name: name,
      persistenceId: null,
      get: (yasqe, token) => {
        const wanted = token && token.autocompletionString ? token.autocompletionString : "";
        return Promise.resolve(iris.filter((iri) => iri.startsWith(wanted)));
      },
    };
  }

  // --- the editor ------------------------------------------------------------------------------------
  const params = new URLSearchParams(window.location.search);
  if (params.get("entailment") === "none") {
    entailment.checked = false;
  }
  const holder = document.createElement("div");
  holder.id = "editor";
  textarea.after(holder);
  textarea.hidden = true;
  const yasqe = new Yasqe(holder, {
    value: "",
    persistenceId: null,
    autocompleters: ["site-prefixes", "variables", "site-properties", "site-classes"],
    showQueryButton: true,
    resizeable: true,
    editorHeight: "18rem",
    createShareableLink: null,
    requestConfig: {
      endpoint: config.endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9",
      acceptHeaderGraph: "text/turtle,*/*;q=0.9",
      args: () => [{ name: "entailment", value: entailment.checked ? "owl-rl" : "none" }],
      adjustQueryBeforeRequest: (editor) => withPrefixes(editor.getValue()),
    },
  });
  predeclarePrefixes(yasqe);
  yasqe.setValue(params.get("query") || textarea.value);
  const input = yasqe.getInputField();
  input.id = "query-input";
  document.querySelector("label.editor-label").htmlFor = "query-input";

  // The project's prefixes need no PREFIX lines (withPrefixes adds those a query uses to what is sent,
  // harmless where /sparql predeclares them too): the editor's checker must not flag them.
  function predeclarePrefixes(editor) {
    const mode = editor.getMode();
    const startState = mode.startState;
    mode.startState = function (...args) {
      const state = startState.apply(this, args);
      Object.assign(state.prefixes, config.prefixes);
      return state;
    };
  }

  // --- results ---------------------------------------------------------------------------------------
  const yasr = new Yasr(document.getElementById("results"), {
    persistenceId: null,
    prefixes: config.prefixes,
    pluginOrder: ["table", "response"],
    defaultPlugin: "table",
  });
  new MutationObserver(localLinks).observe(yasr.rootEl, { childList: true, subtree: true });

  yasqe.on("query", () => {
    status.textContent = "Running…";
    updateShareLink();
  });
  yasqe.on("queryResponse", (editor, response, duration) => {
    const seconds = (duration / 1000).toFixed(2) + " s";
    if (response instanceof Error) {
      status.textContent = "Error after " + seconds + ".";
      yasr.setResponse(readable(response), duration);
      return;
    }
    yasr.setResponse(response, duration);
    fetchLabels(response).catch(() => {});
    const truncated = response.headers && response.headers.get(TRUNCATED) === "true";
    status.textContent = summary(yasr) + " in " + seconds + "." +
      (truncated ? " The answer was cut at the service's result limit: add LIMIT/OFFSET or narrow the query." : "");
  });

  function summary(results) {
    const data = results.results;
    if (!data) {
      return "Done";
    }
    if (data.getBoolean && data.getBoolean() !== undefined && data.getType() === "boolean") {
      return "Answer: " + data.getBoolean();
    }
    const rows = data.getBindings ? data.getBindings() : null;
    return rows ? rows.length + (rows.length === 1 ? " row" : " rows") : "Done";
  }

  function readable(error) {
    try {
      const body = JSON.parse(error.message);
      return new Error(body.message || error.message);
    } catch (ignored) {
      return error;
    }
  }

  // Links to this site's resources go to their pages here, and show their labels once known (the
  // prefixed name stays as the link's title). Only changes are written, so the observer settles.
  const labels = new Map();

  function localLinks() {
    for (const link of yasr.rootEl.querySelectorAll("a[href^='" + config.canonical + "']")) {
      link.dataset.iri = link.getAttribute("href");
      link.href = config.base + "/" + link.dataset.iri.slice(config.canonical.length);
      link.removeAttribute("target");
    }
    for (const link of yasr.rootEl.querySelectorAll("a[data-iri]")) {
      const label = labels.get(link.dataset.iri);
      if (label && link.textContent !== label) {
        link.title = link.textContent;
        link.textContent = label;
      }
    }
  }

  async function fetchLabels(response) {
    let data;
    try {
      data = JSON.parse(response.content);
    } catch (notJson) {
      return;
    }
    const iris = new Set();
    for (const row of (data.results && data.results.bindings) || []) {
      for (const term of Object.values(row)) {
        if (term.type === "uri" && term.value.startsWith(config.canonical) && /^[^<>"{}|^`\\\s]*$/.test(term.value) && !labels.has(term.value)) {
          iris.add(term.value);
        }
      }
    }
    if (!iris.size) {
      return;
    }
    const values = [...iris].slice(0, LABELS_AT_ONCE).map((iri) => "<" + iri + ">").join(" ");
    const query = config.labelQuery + "VALUES ?iri { " + values + " }\n";
    const answer = await fetch(config.endpoint, {
      method: "POST",
      headers: { Accept: "application/sparql-results+json" },
      body: new URLSearchParams({ query: query }),
    });
    if (!answer.ok) {
      return;
    }
    for (const row of (await answer.json()).results.bindings) {
      const label = (row.label_en || row.label_ru || {}).value;
      if (label) {
        labels.set(row.iri.value, label);
      }
    }
    localLinks();
  }

  // --- project prefixes: added to what is sent, for those the query uses but does not declare -------
  function withPrefixes(query) {
    const declared = new Set([...query.matchAll(/PREFIX\s+([A-Za-z][\w.-]*)?:/gi)].map((m) => m[1] || ""));
    const used = Object.keys(config.prefixes).filter(
      (p) => !declared.has(p) && new RegExp("(^|[\\s(){},;/^|!=<>*+-])" + p.replace(/[.-]/g, "\\$&") + ":").test(stripStrings(query))
    );
    return used.map((p) => "PREFIX " + p + ": <" + config.prefixes[p] + ">\n").join("") + query;
  }

  function stripStrings(query) {
    return query.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>\s"{}|^`\\]*>|#[^\n]*/g, " ");
  }

  // --- links, downloads, Run ------------------------------------------------------------------------
  function shareUrl() {
    const url = new URL(config.base + "/query");
    url.searchParams.set("query", yasqe.getValue());
    if (!entailment.checked) {
      url.searchParams.set("entailment", "none");
    }
    return url.toString();
  }

  function updateShareLink() {
    share.href = shareUrl();
  }

  yasqe.on("change", updateShareLink);
  entailment.addEventListener("change", updateShareLink);
  share.addEventListener("click", () => window.history.replaceState(null, "", shareUrl()));

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    yasqe.query().catch(() => {});
  });

  async function download(accept, extension) {
    const body = new URLSearchParams({ query: withPrefixes(yasqe.getValue()), entailment: entailment.checked ? "owl-rl" : "none" });
    status.textContent = "Downloading…";
    const response = await fetch(config.endpoint, { method: "POST", headers: { Accept: accept }, body: body });
    const blob = await response.blob();
    if (!response.ok) {
      status.textContent = "Error: " + readable(new Error(await blob.text())).message;
      return;
    }
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "query-results." + extension;
    link.click();
    URL.revokeObjectURL(link.href);
    status.textContent = "Downloaded query-results." + extension + ".";
  }

  document.getElementById("download-csv").addEventListener("click", () => download("text/csv", "csv"));
  document.getElementById("download-json").addEventListener("click", () => download("application/sparql-results+json", "json"));

  // --- named queries as examples, with their parameters ---------------------------------------------
  select.addEventListener("change", () => {
    parameterBox.replaceChildren();
    const example = examples.get(select.value);
    if (!example) {
      return;
    }
    const fields = example.parameters.map((parameter) => parameterField(example, parameter));
    const use = document.createElement("button");
    use.type = "button";
    use.textContent = fields.length ? "Use these values" : "Use this query";
    use.addEventListener("click", () => {
      yasqe.setValue(bound(example, fields));
      updateShareLink();
    });
    const page = document.createElement("a");
    page.href = config.base + "/api/queries/" + example.name;
    page.textContent = "as a table page";
    parameterBox.append(...fields.map((field) => field.row), use, " or open it ", page);
    if (!fields.length) {
      yasqe.setValue(example.text);
    }
  });

  function parameterField(example, parameter) {
    const row = document.createElement("p");
    const label = document.createElement("label");
    const field = document.createElement("input");
    field.id = "parameter-" + parameter.name;
    field.name = parameter.name;
    field.value = parameter.example || "";
    field.required = parameter.required;
    label.htmlFor = field.id;
    label.textContent = parameter.name + (parameter.required ? " (required)" : " (optional: leave empty for all)") + ": ";
    const help = document.createElement("small");
    help.textContent = " " + parameter.description + (parameter.kind ? " — a " + parameter.kind + (parameter.scoped ? " as {source}/{slug}, such as " : " slug such as ") + parameter.example : "");
    row.append(label, field, help);
    return { row: row, field: field, parameter: parameter };
  }

  // A named query's variables are bound server-side as RDF terms; here, in the editor, the values
  // become a VALUES block at the top of the WHERE clause, which the reader can see and change.
  function bound(example, fields) {
    const values = fields
      .filter((f) => f.field.value.trim() !== "")
      .map((f) => "VALUES ?" + f.parameter.name + " { " + term(f.parameter, f.field.value.trim()) + " }");
    if (!values.length) {
      return example.text;
    }
    return example.text.replace(/WHERE\s*\{/i, (match) => match + "\n  " + values.join("\n  "));
  }

  function term(parameter, raw) {
    if (parameter.type === "iri") {
      const own = parameter.scoped && /^[a-z0-9]+(-[a-z0-9]+)*\/[a-z0-9]+(-[a-z0-9]+)*$/.test(raw);
      if (parameter.kind && own) {  // a source's own resource: {source}/{slug} (namespaces.kind_iri)
        const [source, slug] = raw.split("/");
        return "<" + config.canonical + "id/source/" + source + "/" + parameter.kind + "/" + slug + ">";
      }
      if (parameter.kind && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(raw)) {
        return "<" + config.canonical + "id/" + parameter.kind + "/" + raw + ">";
      }
      return "<" + raw.replace(/[<>"{}|^`\\\s]/g, "") + ">";
    }
    if (parameter.type === "integer" && /^[+-]?\d+$/.test(raw)) {
      return raw;
    }
    return JSON.stringify(raw) ;
  }

  updateShareLink();
  if (params.get("query")) {
    yasqe.query().catch(() => {});
  }
})();
