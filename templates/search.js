/* Evidence briefing: the search page, answering `evidence search` queries in the browser.
   The query language and the BM25 ranking are evidence/search.py's and evidence/index.py's,
   step for step, over the index the build writes (evidence/render/search_data.py).
   Data comes as script files that call EvidenceSearch.add, loaded as a query needs them,
   so the page works opened from file:// as well as from a web server. */
(function () {
  "use strict";

  var pieces = {};
  var waiting = {};
  var script = document.currentScript;
  var base = script ? script.src.replace(/[^\/]*$/, "") + "search/" : "assets/search/";

  function add(name, data) {
    pieces[name] = data;
    (waiting[name] || []).forEach(function (done) { done[0](data); });
    delete waiting[name];
  }

  function load(name) {
    if (Object.prototype.hasOwnProperty.call(pieces, name)) { return Promise.resolve(pieces[name]); }
    return new Promise(function (resolve, reject) {
      if (waiting[name]) { waiting[name].push([resolve, reject]); return; }
      waiting[name] = [[resolve, reject]];
      var el = document.createElement("script");
      el.src = base + name + ".js";
      el.onerror = function () {
        (waiting[name] || []).forEach(function (done) { done[1](new Error("cannot load the search data " + name)); });
        delete waiting[name];
      };
      document.head.appendChild(el);
    });
  }

  function QueryError(message) { this.message = message; }
  function Fallback(why) { this.why = why; }

  // --- words, as evidence.index sees them ------------------------------------------------
  var W = "[\\p{L}\\p{N}_]";
  var WORD = new RegExp("(" + W + "+(?:(?:\\.|['\u2019](?![sS](?!" + W + ")))" + W + "+)*)(?:['\u2019][sS](?!" + W + "))?", "gu");

  function tokens(text) {
    var out = [];
    var m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text)) !== null) {
      out.push([m.index, m.index + m[1].length, m[1].toLowerCase()]);
    }
    return out;
  }
  function words(text) { return tokens(text).map(function (t) { return t[2]; }); }

  var meta = null;
  var stop = {};

  function isStop(w) { return Object.prototype.hasOwnProperty.call(stop, w); }
  /* the words that are not stop words: a word query needs a stem exactly when it has one */
  function contentWords(text) { return words(text).filter(function (w) { return !isStop(w); }); }
  function filterValue(text) { return words(text).join(" "); }

  // --- synonyms (the groups evidence.search.Synonyms merged, shipped as they are) ----------
  function synonymGroup(key) {
    var where = meta.synonyms.where;
    var joined = key.join(" ");
    var idx = Object.prototype.hasOwnProperty.call(where, joined) ? where[joined] : null;
    if (idx === null && key.length === 1 && key[0].slice(-1) === "s" && key[0].length > 2) {
      var single = key[0].slice(0, -1);
      idx = Object.prototype.hasOwnProperty.call(where, single) ? where[single] : null;
    }
    return idx === null ? null : meta.synonyms.groups[idx];
  }

  // --- lexing -------------------------------------------------------------------------------
  var OPERATORS = { AND: 1, OR: 1, NOT: 1 };
  var FIELDS = ["kind", "mentions", "ref", "source", "theme", "type", "year"];
  var FIELD_RE = /^([A-Za-z_]+):([\s\S]*)$/;
  var FUZZY_RE = /^([\s\S]+?)~([12])?$/;
  var YEAR_RE = /^(\d{4})(?:\.\.(\d{4}))?$/;
  var EDGE = ",.;!?";
  var MAX_NESTING = 50;
  var MAX_FUZZY_TERMS = 16;

  function isSpace(ch) { return /\s/.test(ch); }
  function strip(text, chars) {
    var a = 0;
    var b = text.length;
    while (a < b && chars.indexOf(text[a]) !== -1) { a++; }
    while (b > a && chars.indexOf(text[b - 1]) !== -1) { b--; }
    return text.slice(a, b);
  }
  function rstrip(text, chars) {
    var b = text.length;
    while (b > 0 && chars.indexOf(text[b - 1]) !== -1) { b--; }
    return text.slice(0, b);
  }
  function tok(kind, text, name) { return { kind: kind, text: text, name: name || "" }; }

  function lex(query) {
    var q = query.replace(/\u201c/g, '"').replace(/\u201d/g, '"');
    var toks = [];
    var i = 0;
    var n = q.length;
    var close;
    while (i < n) {
      var ch = q[i];
      if (isSpace(ch)) { i++; } else if (ch === "(" || ch === ")") {
        toks.push(tok(ch, ch)); i++;
      } else if (ch === '"') {
        close = q.indexOf('"', i + 1);
        if (close < 0) { throw new QueryError('unbalanced quotes in query: close the phrase with " or remove the stray "'); }
        toks.push(tok("phrase", q.slice(i + 1, close))); i = close + 1;
      } else {
        var j = i;
        while (j < n && !isSpace(q[j]) && '()"'.indexOf(q[j]) === -1) { j++; }
        var run = q.slice(i, j);
        var m = FIELD_RE.exec(run);
        if (m) {
          var name = m[1].toLowerCase();
          if (FIELDS.indexOf(name) === -1) {
            throw new QueryError('unknown field "' + m[1] + ':" in query: use one of ' + FIELDS.join(", ") +
              ", or put the words in quotes to search for them as text");
          }
          if (!m[2] && j < n && q[j] === '"') {
            close = q.indexOf('"', j + 1);
            if (close < 0) { throw new QueryError('unbalanced quotes in query: close the phrase with " or remove the stray "'); }
            toks.push(tok("field", q.slice(j + 1, close), name)); i = close + 1;
            continue;
          }
          toks.push(tok("field", m[2], name));
        } else if (OPERATORS[run] === 1) {
          toks.push(tok("op", run));
        } else {
          toks.push(tok("word", run));
        }
        i = j;
      }
    }
    var depth = 0;
    toks.forEach(function (t) {
      if (t.kind === "(") {
        depth++;
        if (depth > MAX_NESTING) { throw new QueryError("query too deeply nested (more than " + MAX_NESTING + " levels of parentheses): shorten it"); }
      } else if (t.kind === ")") {
        depth--;
        if (depth < 0) { throw new QueryError('unbalanced parentheses in query: remove the extra ")" or add the missing "("'); }
      }
    });
    if (depth > 0) { throw new QueryError('unbalanced parentheses in query: add the missing ")"'); }
    if (toks.length && toks.every(function (t) { return t.kind === "op"; })) {
      throw new QueryError("the query is only an operator (" + toks.map(function (t) { return t.text; }).join(" ") + "): add words for it to join");
    }
    return toks;
  }

  // --- parsing: or := and (OR and)*; and := unary+; unary := NOT unary | atom -----------------
  function isPlain(text) {
    return !/[*~]$/.test(rstrip(text, EDGE)) && !FUZZY_RE.test(strip(text, EDGE));
  }
  function isFuzzyMatch(text) { return FUZZY_RE.test(text); }

  function Parser(toks) {
    this.toks = toks;
    this.pos = 0;
    this.plan = { words: [], exact: [], phrases: [], prefixes: [], fuzzy: [] };
    this.negated = 0;
    this.fuzzyTerms = 0;
  }
  Parser.prototype.peek = function () { return this.pos < this.toks.length ? this.toks[this.pos] : null; };
  Parser.prototype.parse = function () {
    var node = this.or();
    if (this.pos !== this.toks.length) { throw new Fallback('an unexpected "' + this.toks[this.pos].text + '"'); }
    return node;
  };
  Parser.prototype.or = function () {
    var parts = [this.and()];
    var t;
    while ((t = this.peek()) !== null && t.kind === "op" && t.text === "OR") {
      this.pos++;
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0] : { op: "any", parts: parts };
  };
  Parser.prototype.and = function () {
    var items = [];
    var t;
    while ((t = this.peek()) !== null) {
      if (t.kind === ")" || (t.kind === "op" && t.text === "OR")) { break; }
      if (t.kind === "op" && t.text === "AND") {
        if (!items.length) { throw new Fallback('a dangling "AND"'); }
        this.pos++;
        var next = this.peek();
        if (next === null || next.kind === ")" || (next.kind === "op" && next.text !== "NOT")) { throw new Fallback('a dangling "AND"'); }
        continue;
      }
      if (t.kind === "word" && isPlain(t.text)) {
        this.pos++;
        items.push({ raw: t });
      } else {
        items.push(this.unary());
      }
    }
    if (!items.length) {
      t = this.peek();
      if (t !== null && t.kind === "op") { throw new Fallback('a dangling "' + t.text + '"'); }
      if (this.pos && this.toks[this.pos - 1].kind === "op") { throw new Fallback('a dangling "' + this.toks[this.pos - 1].text + '"'); }
      throw new Fallback("empty parentheses");
    }
    var parts = this.expandWords(items);
    return parts.length === 1 ? parts[0] : { op: "all", parts: parts };
  };
  Parser.prototype.unary = function () {
    var t = this.peek();
    var next;
    if (t.kind === "op" && t.text === "NOT") {
      var count = 0;
      while ((next = this.peek()) !== null && next.kind === "op" && next.text === "NOT") { this.pos++; count++; }
      if (next === null || next.kind === ")" || next.kind === "op") { throw new Fallback('a dangling "NOT"'); }
      this.negated += count;
      var inner = this.unary();
      this.negated -= count;
      if (count % 2 === 0) { return inner; }
      return inner.op === "not" ? inner.part : { op: "not", part: inner };
    }
    this.pos++;
    if (t.kind === "(") {
      var node = this.or();
      var closing = this.peek();
      if (closing === null || closing.kind !== ")") { throw new Fallback('an unexpected "' + (closing ? closing.text : "") + '"'); }
      this.pos++;
      return node;
    }
    if (t.kind === "phrase") { return this.phrase(t.text); }
    if (t.kind === "field") {
      var value = t.text.trim();
      if (!value) { throw new Fallback('"' + t.name + ':" with no value'); }
      return filterNode(t.name, value);
    }
    if (t.kind === "word" && isPlain(t.text)) { return this.wordsWithSynonyms([t.text])[0]; }
    if (t.kind === "word") { return this.special(t.text); }
    throw new Fallback('an unexpected "' + t.text + '"');
  };
  Parser.prototype.phrase = function (text) {
    var ws = words(text);
    if (!ws.length) { throw new Fallback("an empty phrase"); }
    var group = synonymGroup(ws);
    this.notePhrase(ws);
    var base = { op: "phrase", words: ws };
    if (group === null) { return base; }
    return { op: "any", parts: [base].concat(this.alternatives(group, ws)) };
  };
  Parser.prototype.special = function (text) {
    var word = strip(text, EDGE);
    if (word.slice(-1) === "*") {
      var stem = rstrip(word, "*");
      var ws = words(stem);
      if (stem.length < 2 || stem.indexOf("*") !== -1 || !ws.length || ws.length !== 1 || ws[0] !== stem.toLowerCase()) {
        throw new Fallback('a wildcard "' + text + '" (write at least two letters before *)');
      }
      if (!this.negated) { this.plan.prefixes.push(stem.toLowerCase()); }
      return { op: "prefix", text: stem.toLowerCase() };
    }
    var m = FUZZY_RE.exec(word);
    if (m) {
      var w = words(m[1]);
      if (w.length === 1 && w[0] === m[1].toLowerCase()) {
        var b = m[1].toLowerCase();
        var node = { op: "fuzzy", text: b, dist: m[2] ? parseInt(m[2], 10) : (b.length <= 4 ? 1 : 2) };
        this.fuzzyTerms++;
        if (this.fuzzyTerms > MAX_FUZZY_TERMS) {
          throw new QueryError("too many fuzzy~ terms in query (at most " + MAX_FUZZY_TERMS + "): remove the ~ from some words");
        }
        if (!this.negated) { this.plan.fuzzy.push(node); }
        return node;
      }
    }
    throw new Fallback('an unreadable term "' + text + '"');
  };
  Parser.prototype.alternatives = function (group, typed) {
    var out = [];
    var self = this;
    group.forEach(function (variant) {
      if (variant.join(" ") === typed.join(" ")) { return; }
      if (variant.length === 1) {
        self.noteWord(variant[0]);
        out.push({ op: "word", text: variant[0] });
      } else {
        self.notePhrase(variant);
        out.push({ op: "phrase", words: variant });
      }
    });
    return out;
  };
  Parser.prototype.expandWords = function (items) {
    var out = [];
    var i = 0;
    while (i < items.length) {
      if (!items[i].raw) { out.push(items[i]); i++; continue; }
      var end = i;
      while (end < items.length && items[end].raw) { end++; }
      var run = items.slice(i, end).map(function (it) { return strip(it.raw.text, EDGE) || it.raw.text; });
      out = out.concat(this.wordsWithSynonyms(run));
      i = end;
    }
    return out;
  };
  Parser.prototype.wordsWithSynonyms = function (run) {
    var normed = run.map(words);
    var out = [];
    var i = 0;
    var self = this;
    while (i < run.length) {
      var matched = false;
      for (var size = Math.min(meta.synonyms.longest, run.length - i); size > 0; size--) {
        var key = [];
        normed.slice(i, i + size).forEach(function (part) { key = key.concat(part); });
        if (!key.length) { continue; }
        var group = synonymGroup(key);
        if (group === null) { continue; }
        var typed = run.slice(i, i + size).map(function (w) { return self.plainWord(w); });
        var base = typed.length === 1 ? typed[0] : { op: "all", parts: typed };
        out.push({ op: "any", parts: [base].concat(this.alternatives(group, key)) });
        i += size;
        matched = true;
        break;
      }
      if (!matched) { out.push(this.plainWord(run[i])); i++; }
    }
    var content = out.filter(function (n) { return !(n.op === "word" && !contentWords(n.text).length); });
    return content.length ? content : out;
  };
  Parser.prototype.plainWord = function (text) {
    this.noteWord(text);
    return { op: "word", text: text };
  };
  Parser.prototype.noteWord = function (text) {
    if (this.negated) { return; }
    var content = contentWords(text);
    if (content.length === 1) { this.plan.words.push(content[0]); return; }
    var ws = words(text);
    if (ws.length === 1) { this.plan.exact.push(ws[0]); } else if (ws.length) { this.plan.phrases.push(ws); }
  };
  Parser.prototype.notePhrase = function (ws) {
    if (this.negated) { return; }
    if (ws.length === 1) { this.plan.exact.push(ws[0]); } else { this.plan.phrases.push(ws); }
  };

  function plainWords(toks) {
    var texts = [];
    toks.forEach(function (t) {
      if (t.kind === "(" || t.kind === ")") { return; }
      texts = texts.concat(t.text.split(/\s+/).filter(Boolean));
    });
    var cleaned = [];
    texts.forEach(function (text) {
      text = strip(text, EDGE + "*~");
      if (isPlain(text)) { cleaned.push(text); } else { cleaned = cleaned.concat(words(text)); }
    });
    cleaned = cleaned.filter(function (t) { return words(t).length; });
    if (!cleaned.length) { throw new QueryError('nothing to search for: give at least one word, "phrase" or field:value'); }
    var parser = new Parser(cleaned.map(function (t) { return tok("word", t); }));
    return { node: parser.parse(), plan: parser.plan, plain: cleaned };
  }

  function filterNode(name, value) {
    var text = String(value).split(/\s+/).filter(Boolean).join(" ");
    var low = text.toLowerCase();
    if (name === "kind") {
      // its name or plural, or a name with extra s's ("figuress"), as search.filter_node reads it
      var kinds = meta.kinds;
      var has = function (w) { return Object.prototype.hasOwnProperty.call(kinds, w); };
      var kind = has(low.trim()) ? kinds[low.trim()] : has(rstrip(low, "s").trim()) ? kinds[rstrip(low, "s").trim()] : null;
      if (kind === null) { throw new QueryError('unknown kind "' + text + '": use one of ' + meta.kindNames.join(", ")); }
      return { op: "filter", field: "kinds", values: [kind] };
    }
    if (name === "year") {
      var m = YEAR_RE.exec(low);
      if (!m) { throw new QueryError('bad year "' + text + '": write year:2023 or a range, year:2022..2023'); }
      var first = parseInt(m[1], 10);
      var last = parseInt(m[2] || m[1], 10);
      if (last < first) { throw new QueryError('bad year range "' + text + '": put the earlier year first, e.g. ' + last + ".." + first); }
      if (last - first > 200) { throw new QueryError('year range "' + text + '" is too wide: give at most 200 years'); }
      var years = [];
      for (var y = first; y <= last; y++) { years.push(String(y)); }
      return { op: "filter", field: "year", values: years };
    }
    if (name === "source" || name === "mentions") {
      var key = filterValue(text);
      var values = [key];
      var group = synonymGroup(key.split(" ").filter(Boolean));
      if (group !== null) { group.forEach(function (v) { if (values.indexOf(v.join(" ")) === -1) { values.push(v.join(" ")); } }); }
      values.sort();
      return { op: "filter", field: name === "source" ? "source" : "orgs", values: values };
    }
    if (name === "type") { return { op: "filter", field: "doc_type", values: [filterValue(text)] }; }
    if (name === "ref") { return { op: "filter", field: "ref", values: [filterValue(text)] }; }
    return { op: "filter", field: "themes", values: [low] };
  }

  /* source:nuffield finds "The Nuffield Trust": a value naming no body takes every body holding its words in a run */
  function bodiesByPartOfName(node) {
    if (node.op === "filter" && node.field === "source") {
      var known = meta.sources;
      if (node.values.some(function (v) { return known.indexOf(v) !== -1; })) { return node; }
      var found = [];
      node.values.forEach(function (v) {
        known.forEach(function (name) {
          if ((" " + name + " ").indexOf(" " + v + " ") !== -1 && found.indexOf(name) === -1) { found.push(name); }
        });
      });
      if (found.length) { found.sort(); return { op: "filter", field: "source", values: found }; }
      throw new QueryError('no body named "' + node.values[0] + '" in the index (the documents page lists each document\'s body)');
    }
    if (node.op === "all" || node.op === "any") { return { op: node.op, parts: node.parts.map(bodiesByPartOfName) }; }
    if (node.op === "not") { return { op: "not", part: bodiesByPartOfName(node.part) }; }
    return node;
  }

  function parseQuery(query) {
    if (!query || !query.trim()) { throw new QueryError('empty query: give at least one word, "phrase" or field:value'); }
    var toks = lex(query);
    var parser = new Parser(toks);
    try {
      return { node: parser.parse(), plan: parser.plan, note: null };
    } catch (e) {
      if (!(e instanceof Fallback)) { throw e; }
      var plain = plainWords(toks);
      return { node: plain.node, plan: plain.plan,
        note: "could not read the query as written (" + e.why + "); searched for the plain words: " + plain.plain.join(" ") };
    }
  }

  // --- Porter2, as whoosh.lang.porter2 writes it (quirks included), for words the corpus lacks ---
  var P2 = (function () {
    var R = /[^aeiouy]*[aeiouy]+[^aeiouy]/y;
    var EXCEPTIONS = { skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl",
      gently: "gentl", ugly: "ugli", early: "earli", only: "onli", singly: "singl", sky: "sky", news: "news",
      howe: "howe", atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes" };
    var EARLY_EXIT = { inning: 1, outing: 1, canning: 1, herring: 1, earring: 1, proceed: 1, exceed: 1, succeed: 1 };
    function ends(w, e) { return w.length >= e.length && w.slice(w.length - e.length) === e; }
    function starts(w, b) { return w.lastIndexOf(b, 0) === 0; }
    function isVowel(c) { return "aeiouy".indexOf(c) !== -1; }
    function regionAfter(word, from) {
      R.lastIndex = from;
      return R.test(word) ? R.lastIndex : word.length;
    }
    function r1Of(word) {
      if (starts(word, "gener") || starts(word, "arsen")) { return 5; }
      if (starts(word, "commun")) { return 6; }
      return regionAfter(word, 0);
    }
    function r2Of(word) { return regionAfter(word, r1Of(word)); }
    function shortSyllable(word) {
      if (word.length === 2 && /^[aeiouy][^aeiouy]$/.test(word)) { return true; }
      return /^.*[^aeiouy][aeiouy][^aeiouywxY]$/.test(word);
    }
    function shortWord(word) { return shortSyllable(word) && r1Of(word) === word.length; }
    function step1b(word, r1) {
      if (ends(word, "eedly")) { return word.length - 5 >= r1 ? word.slice(0, -3) : word; }
      if (ends(word, "eed")) { return word.length - 3 >= r1 ? word.slice(0, -1) : word; }
      var suffixes = ["ed", "edly", "ing", "ingly"];
      for (var i = 0; i < suffixes.length; i++) {
        if (ends(word, suffixes[i])) {
          var pre = word.slice(0, word.length - suffixes[i].length);
          if (!/[aeiouy]/.test(pre)) { return word; }
          if (ends(pre, "at") || ends(pre, "bl") || ends(pre, "iz")) { return pre + "e"; }
          if (["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"].some(function (d) { return ends(pre, d); })) { return pre.slice(0, -1); }
          if (shortWord(pre)) { return pre + "e"; }
          return pre;
        }
      }
      return word;
    }
    var S2 = [["ization", "ize"], ["ational", "ate"], ["fulness", "ful"], ["ousness", "ous"], ["iveness", "ive"],
      ["tional", "tion"], ["biliti", "ble"], ["lessli", "less"], ["entli", "ent"], ["ation", "ate"], ["alism", "al"],
      ["aliti", "al"], ["ousli", "ous"], ["iviti", "ive"], ["fulli", "ful"], ["enci", "ence"], ["anci", "ance"],
      ["abli", "able"], ["izer", "ize"], ["ator", "ate"], ["alli", "al"], ["bli", "ble"], ["ogi", "og", "l"],
      ["li", "", "cdeghkmnrt"]];
    function step2(word, r1) {
      for (var i = 0; i < S2.length; i++) {
        var end = S2[i][0];
        if (!ends(word, end)) { continue; }
        var stemmed = word.slice(0, word.length - end.length);
        if (word.length - end.length >= r1) {
          if (S2[i].length === 2) { return stemmed + S2[i][1]; }
          for (var k = 0; k < S2[i][2].length; k++) { if (ends(stemmed, S2[i][2][k])) { return stemmed + S2[i][1]; } }
        }
        if (word !== "") { return word; }
      }
      return word;
    }
    var S3 = [["ational", "ate", false], ["tional", "tion", false], ["alize", "al", false], ["icate", "ic", false],
      ["iciti", "ic", false], ["ative", "", true], ["ical", "ic", false], ["ness", "", false], ["ful", "", false]];
    function step3(word, r1, r2) {
      for (var i = 0; i < S3.length; i++) {
        var end = S3[i][0];
        if (!ends(word, end)) { continue; }
        var at = word.length - end.length;
        if (at >= r1 && (!S3[i][2] || at >= r2)) { return word.slice(0, at) + S3[i][1]; }
        return word;
      }
      return word;
    }
    var S4 = ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate", "iti", "ous", "ive", "ize"];
    function step4(word, r2) {
      for (var i = 0; i < S4.length; i++) {
        if (ends(word, S4[i])) { return word.length - S4[i].length >= r2 ? word.slice(0, word.length - S4[i].length) : word; }
      }
      if ((ends(word, "sion") || ends(word, "tion")) && word.length - 3 >= r2) { return word.slice(0, -3); }
      return word;
    }
    function step5(word, r1, r2) {
      if (ends(word, "l")) { return word.length - 1 >= r2 && word[word.length - 2] === "l" ? word.slice(0, -1) : word; }
      if (ends(word, "e")) {
        if (word.length - 1 >= r2) { return word.slice(0, -1); }
        if (word.length - 1 >= r1 && !shortSyllable(word.slice(0, -1))) { return word.slice(0, -1); }
      }
      return word;
    }
    return function (word) {
      if (word.length <= 2) { return word; }
      if (starts(word, "'")) { word = word.slice(1); }
      if (Object.prototype.hasOwnProperty.call(EXCEPTIONS, word)) { return EXCEPTIONS[word]; }
      if (starts(word, "y")) { word = "Y" + word.slice(1); }
      word = word.replace(/([aeiouy])y/g, "$1Y");
      var r1 = r1Of(word);
      var r2 = r2Of(word);
      if (ends(word, "'s'")) { word = word.slice(0, -3); } else if (ends(word, "'s")) { word = word.slice(0, -2); } else if (ends(word, "'")) { word = word.slice(0, -1); }
      if (ends(word, "sses")) { word = word.slice(0, -4) + "ss"; } else if (ends(word, "ied") || ends(word, "ies")) {
        word = word.length > 4 ? word.slice(0, -3) + "i" : word.slice(0, -3) + "ie";
      } else if (ends(word, "us") || ends(word, "ss")) { /* kept */ } else if (ends(word, "s")) {
        if (/[aeiouy]./.test(word.slice(0, -1))) { word = word.slice(0, -1); }
      }
      if (EARLY_EXIT[word] === 1) { return word; }
      word = step1b(word, r1);
      if (ends(word, "y") || (ends(word, "Y") && word.length > 1)) {
        if (!isVowel(word[word.length - 2]) && word.length > 2) { word = word.slice(0, -1) + "i"; }
      }
      word = step2(word, r1);
      word = step3(word, r1, r2);
      word = step4(word, r2);
      word = step5(word, r1, r2);
      return word.replace(/Y/g, "y");
    };
  }());

  // --- the lexicon: body words by first character, each with its Porter2 stem ------------------
  function lexiconName(word) { return "l-" + word.codePointAt(0).toString(16); }
  function lexicon(word) {
    var name = lexiconName(word);
    return Object.prototype.hasOwnProperty.call(pieces, name) ? pieces[name] : [];
  }
  function lowerBound(rows, prefix) {
    var lo = 0;
    var hi = rows.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (rows[mid][0] < prefix) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }
  function entry(word) {
    var rows = lexicon(word);
    var at = lowerBound(rows, word);
    return at < rows.length && rows[at][0] === word ? rows[at] : null;
  }
  function stemOf(row) { return row[1] || row[0]; }
  /* A word the corpus has stems as Python stemmed it at build time (the lexicon); another
     word by the same Porter2, ported above and checked against Python's in the tests. */
  function stem(word) {
    var found = entry(word);
    return found ? stemOf(found) : P2(word);
  }
  function inBody(row) { return row.length < 3; }
  function bodyWords(word) { return lexicon(word).filter(inBody); }

  var MAX_FORMS_SCANNED = 5000;
  function commonPrefix(a, b) {
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) { i++; }
    return a.slice(0, i);
  }
  /* every body word with the same stem as word (evidence.index IndexSearcher._forms) */
  function forms(word, s) {
    var prefix = commonPrefix(word, s.slice(0, -1));
    var out = {};
    out[word] = 1;
    if (prefix.length >= 2) {
      var rows = bodyWords(prefix);
      var at = lowerBound(rows, prefix);
      for (var n = 0; at + n < rows.length && rows[at + n][0].lastIndexOf(prefix, 0) === 0 && n < MAX_FORMS_SCANNED; n++) {
        if (stemOf(rows[at + n]) === s) { out[rows[at + n][0]] = 1; }
      }
    } else {
      [s, s + "s", word + "s"].forEach(function (f) {
        var row = entry(f);
        if (row && inBody(row)) { out[f] = 1; }
      });
    }
    return Object.keys(out).sort();
  }
  function prefixWords(prefix) {
    var rows = bodyWords(prefix);
    var out = [];
    for (var at = lowerBound(rows, prefix); at < rows.length && rows[at][0].lastIndexOf(prefix, 0) === 0; at++) { out.push(rows[at][0]); }
    return out;
  }
  function levenshtein(a, b, limit) {
    var prev = [];
    var j;
    for (j = 0; j <= b.length; j++) { prev.push(j); }
    for (var i = 1; i <= a.length; i++) {
      var cur = [i];
      var least = i;
      for (j = 1; j <= b.length; j++) {
        cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
        least = Math.min(least, cur[j]);
      }
      if (least > limit) { return limit + 1; }
      prev = cur;
    }
    return prev[b.length];
  }
  /* body words within maxdist edits sharing the first letter (Whoosh's terms_within, prefix=1) */
  function similarWords(word, maxdist) {
    return bodyWords(word).filter(function (row) {
      return row[0] !== word && row[0][0] === word[0] && levenshtein(row[0].slice(1), word.slice(1), maxdist) <= maxdist;
    }).map(function (row) { return row[0]; });
  }

  // --- postings -------------------------------------------------------------------------------
  function shardOf(term) {
    var h = 0x811c9dc5;
    for (var ch of term) { h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0; }
    return h % meta.shards;
  }
  var decoded = {};
  function postings(term) {
    if (Object.prototype.hasOwnProperty.call(decoded, term)) { return decoded[term]; }
    var shard = pieces["t-" + shardOf(term)];
    var raw = shard && Object.prototype.hasOwnProperty.call(shard, term) ? shard[term] : null;
    var result = { ids: [], tfs: [] };
    if (raw) {
      var at = 0;
      result.ids = raw[0].map(function (gap) { at += gap; return at; });
      result.tfs = raw[1] === 1 ? raw[0].map(function () { return 1; }) : raw[1];
    }
    decoded[term] = result;
    return result;
  }
  function df(term) { return postings(term).ids.length; }

  var lengths = {};
  function unpack(text) {
    var raw = atob(text);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  var K1 = 1.2;
  var B = 0.75;
  var TITLE_BOOST = 2.5;
  function bm25(field, term, id, tf) {
    var idf = Math.log(meta.passages / (df(field + ":" + term) + 1)) + 1;
    var norm = K1 * ((1 - B) + B * meta.lengths[lengths[field][id]] / meta.avg[field]);
    return idf * (tf * (K1 + 1)) / (tf + norm);
  }

  // --- resolving a tree's words to terms, then loading what it needs ----------------------------
  function walk(node, visit) {
    visit(node);
    if (node.parts) { node.parts.forEach(function (p) { walk(p, visit); }); }
    if (node.part) { walk(node.part, visit); }
  }
  function firstsOf(node, plan) {
    var firsts = {};
    function need(word) { if (word) { firsts[lexiconName(word)] = 1; } }
    walk(node, function (n) {
      if (n.op === "word") { contentWords(n.text).slice(0, 1).forEach(need); }
      if (n.op === "prefix" || n.op === "fuzzy") { need(n.text); }
    });
    plan.words.forEach(need);
    return Object.keys(firsts).filter(function (name) { return meta.firsts.indexOf(name.slice(2)) !== -1; });
  }
  /* give each leaf the body terms it matches: the forms of a word, the words a prefix or a fuzzy term finds */
  function resolve(node) {
    walk(node, function (n) {
      if (n.op === "word") {
        var ws = words(n.text);
        if (ws.length > 1) { n.phrase = ws; return; }
        if (!ws.length) { n.terms = []; return; }
        var content = contentWords(n.text);
        n.terms = content.length ? forms(ws[0], stem(content[0])) : ws;
      } else if (n.op === "prefix") {
        n.terms = prefixWords(n.text);
      } else if (n.op === "fuzzy") {
        var near = similarWords(n.text, n.dist);
        if (near.indexOf(n.text) === -1) { near.push(n.text); }
        n.terms = near.sort();
      }
    });
  }
  function termsOf(node, titleStems) {
    var terms = {};
    walk(node, function (n) {
      (n.terms || []).forEach(function (t) { terms["b:" + t] = 1; });
      (n.phrase || n.words || []).forEach(function (t) { terms["b:" + t] = 1; });
      if (n.op === "filter") { n.values.forEach(function (v) { terms[n.field + ":" + v] = 1; }); }
    });
    titleStems.forEach(function (s) { terms["t:" + s] = 1; });
    return Object.keys(terms);
  }
  function phrasesOf(node) {
    var out = [];
    walk(node, function (n) {
      if (n.phrase) { out.push(n.phrase); }
      if (n.op === "phrase") { out.push(n.words); }
    });
    return out.filter(function (ws) { return ws.length > 1; });
  }
  function candidates(ws) {
    var sets = ws.map(function (w) { return postings("b:" + w).ids; });
    sets.sort(function (a, b) { return a.length - b.length; });
    return sets[0].filter(function (id) {
      return sets.every(function (s) { return binaryHas(s, id); });
    });
  }
  function binaryHas(sorted, value) {
    var lo = 0;
    var hi = sorted.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (sorted[mid] < value) { lo = mid + 1; } else { hi = mid; }
    }
    return lo < sorted.length && sorted[lo] === value;
  }
  function chunkName(id) { return "p-" + Math.floor(id / meta.chunk); }
  function passage(id) { return pieces[chunkName(id)][id % meta.chunk]; }

  // --- evaluation: a match mask and a score per passage, as IndexSearcher._eval ---------------
  function blank(n) { return { m: new Uint8Array(n), s: new Float64Array(n) }; }
  function termsScore(field, terms) {
    var r = blank(meta.passages);
    terms.forEach(function (t) {
      var p = postings(field + ":" + t);
      for (var k = 0; k < p.ids.length; k++) {
        r.m[p.ids[k]] = 1;
        r.s[p.ids[k]] += bm25(field, t, p.ids[k], p.tfs[k]);
      }
    });
    return r;
  }
  function phraseScore(ws) {
    if (ws.length < 2) { return termsScore("b", ws); }
    var anchor = 0;
    for (var i = 1; i < ws.length; i++) { if (df("b:" + ws[i]) < df("b:" + ws[anchor])) { anchor = i; } }
    var r = blank(meta.passages);
    candidates(ws).forEach(function (id) {
      var seq = words(passage(id)[2]);
      var tf = 0;
      for (var at = 0; at + ws.length <= seq.length; at++) {
        var k = 0;
        while (k < ws.length && seq[at + k] === ws[k]) { k++; }
        if (k === ws.length) { tf++; }
      }
      if (tf) {
        r.m[id] = 1;
        r.s[id] = bm25("b", ws[anchor], id, tf);
      }
    });
    return r;
  }
  function evaluate(node) {
    var n = meta.passages;
    var r;
    var i;
    if (node.op === "word") { return node.phrase ? phraseScore(node.phrase) : termsScore("b", node.terms); }
    if (node.op === "phrase") { return phraseScore(node.words); }
    if (node.op === "fuzzy") { return termsScore("b", node.terms); }
    if (node.op === "prefix") {
      r = blank(n);
      node.terms.forEach(function (t) { postings("b:" + t).ids.forEach(function (id) { r.m[id] = 1; r.s[id] = 1; }); });
      return r;
    }
    if (node.op === "filter") {
      r = blank(n);
      node.values.forEach(function (v) { postings(node.field + ":" + v).ids.forEach(function (id) { r.m[id] = 1; }); });
      return r;
    }
    if (node.op === "all") {
      r = blank(n);
      r.m.fill(1);
      node.parts.forEach(function (part) {
        var p;
        if (part.op === "not") {
          p = evaluate(part.part);
          for (i = 0; i < n; i++) { if (p.m[i]) { r.m[i] = 0; } }
        } else {
          p = evaluate(part);
          for (i = 0; i < n; i++) { r.m[i] &= p.m[i]; r.s[i] += p.s[i]; }
        }
      });
      return r;
    }
    if (node.op === "any") {
      r = blank(n);
      node.parts.forEach(function (part) {
        var p = evaluate(part);
        for (i = 0; i < n; i++) { r.m[i] |= p.m[i]; r.s[i] += p.s[i]; }
      });
      return r;
    }
    if (node.op === "not") {
      var inner = evaluate(node.part);
      r = blank(n);
      for (i = 0; i < n; i++) { r.m[i] = inner.m[i] ? 0 : 1; }
      return r;
    }
    if (node.op === "everything") { r = blank(n); r.m.fill(1); return r; }
    throw new Error("not a query node: " + node.op);
  }
  /* numpy's round(x, 4): half to even on the scaled value */
  function round4(x) {
    var y = x * 10000;
    var f = Math.floor(y);
    var d = y - f;
    var k = d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
    return k / 10000;
  }

  /* Run a query as `evidence search QUERY [--kind K] [--theme T] --limit N` does:
     resolves to {hits: [{id, score, passage}], total, note, plan}. */
  function run(query, options) {
    options = options || {};
    var limit = options.limit || 50;
    return load("meta").then(function (m) {
      meta = m;
      if (!lengths.b) {
        lengths.b = unpack(meta.b);
        lengths.t = unpack(meta.t);
        meta.stop.forEach(function (w) { stop[w] = 1; });
      }
      // the page may ask for a kind or a theme alone: every passage, filtered
      var parsed = query.trim() || !(options.kind || options.theme) ? parseQuery(query) :
        { node: { op: "everything" }, plan: { words: [], exact: [], phrases: [], prefixes: [], fuzzy: [] }, note: null };
      var node = parsed.node;
      var filters = [];
      if (options.kind) { filters.push(filterNode("kind", options.kind)); }
      if (options.theme) { filters.push(filterNode("theme", options.theme)); }
      if (filters.length) { node = { op: "all", parts: [node].concat(filters) }; }
      if (node.op === "not") { node = { op: "all", parts: [{ op: "everything" }, node] }; }
      node = bodiesByPartOfName(node);
      return Promise.all(firstsOf(node, parsed.plan).map(load)).then(function () {
        resolve(node);
        var titleStems = {};
        parsed.plan.words.forEach(function (w) { titleStems[stem(w)] = 1; });
        titleStems = Object.keys(titleStems).sort();
        var shards = {};
        termsOf(node, titleStems).forEach(function (t) { shards["t-" + shardOf(t)] = 1; });
        return Promise.all(Object.keys(shards).map(load)).then(function () {
          var chunks = {};
          phrasesOf(node).forEach(function (ws) { candidates(ws).forEach(function (id) { chunks[chunkName(id)] = 1; }); });
          return Promise.all(Object.keys(chunks).map(load));
        }).then(function () {
          var r = evaluate(node);
          titleStems.forEach(function (s) {
            var p = postings("t:" + s);
            for (var k = 0; k < p.ids.length; k++) { r.s[p.ids[k]] += TITLE_BOOST * bm25("t", s, p.ids[k], p.tfs[k]); }
          });
          var hits = [];
          for (var i = 0; i < meta.passages; i++) { if (r.m[i]) { hits.push({ id: i, score: round4(r.s[i]) }); } }
          var total = hits.length;
          // the best ``limit``, and among equal scores at the cut the earliest passages, as
          // IndexSearcher.search keeps them; then ties are ordered by passage id, as it sorts them
          hits.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
          var near = hits.slice(0, limit);
          var names = {};
          near.forEach(function (h) { names[chunkName(h.id)] = 1; });
          return Promise.all(Object.keys(names).map(load)).then(function () {
            near.forEach(function (h) { h.passage = passage(h.id); });
            near.sort(function (a, b) {
              return b.score - a.score || (a.passage[0] < b.passage[0] ? -1 : a.passage[0] > b.passage[0] ? 1 : 0);
            });
            return { hits: near, total: total, note: parsed.note, plan: highlightPlan(parsed.plan) };
          });
        });
      });
    });
  }

  /* the words a hit's text marks: what the query's positive words, phrases, prefixes and fuzzy terms match */
  function highlightPlan(plan) {
    var exact = {};
    plan.words.forEach(function (w) {
      var s = stem(w);
      forms(w, s).forEach(function (f) { exact[f] = 1; });
    });
    plan.exact.forEach(function (w) { exact[w] = 1; });
    plan.fuzzy.forEach(function (f) {
      exact[f.text] = 1;
      similarWords(f.text, f.dist).forEach(function (w) { exact[w] = 1; });
    });
    return { exact: exact, prefixes: plan.prefixes, phrases: plan.phrases };
  }
  function marks(text, plan) {
    var toks = tokens(text);
    var on = toks.map(function (t) {
      return plan.exact[t[2]] === 1 || plan.prefixes.some(function (p) { return t[2].lastIndexOf(p, 0) === 0; });
    });
    plan.phrases.forEach(function (ph) {
      for (var i = 0; i + ph.length <= toks.length; i++) {
        var k = 0;
        while (k < ph.length && toks[i + k][2] === ph[k]) { k++; }
        if (k === ph.length) { for (k = 0; k < ph.length; k++) { on[i + k] = true; } }
      }
    });
    var spans = [];
    toks.forEach(function (t, i) {
      if (!on[i]) { return; }
      var last = spans[spans.length - 1];
      if (last && on[i - 1] && !text.slice(last[1], t[0]).trim()) { last[1] = t[1]; } else { spans.push([t[0], t[1]]); }
    });
    return spans;
  }

  // --- the page -------------------------------------------------------------------------------
  var LIMIT = 50;
  function setup(box) {
    var input = document.getElementById("q");
    var kind = document.getElementById("kind");
    var theme = document.getElementById("theme");
    var list = document.getElementById("results");
    var count = document.getElementById("search-count");
    var labels = JSON.parse(box.getAttribute("data-kind-labels") || "{}");
    var latest = 0;
    function add(parent, tag, text, className) {
      var el = document.createElement(tag);
      el.textContent = text;
      if (className) { el.className = className; }
      parent.appendChild(el);
      return el;
    }
    function show(result) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      result.hits.forEach(function (hit) {
        var p = hit.passage;
        var doc = meta.docs[p[1]];
        var li = document.createElement("li");
        var text = document.createElement("p");
        var at = 0;
        marks(p[2], result.plan).forEach(function (span) {
          text.appendChild(document.createTextNode(p[2].slice(at, span[0])));
          add(text, "mark", p[2].slice(span[0], span[1]));
          at = span[1];
        });
        text.appendChild(document.createTextNode(p[2].slice(at)));
        li.appendChild(text);
        p[4].forEach(function (k) { add(li, "span", labels[k] || k, "tag t-" + k); li.appendChild(document.createTextNode(" ")); });
        var link = document.createElement("a");
        var href = String(doc[4]);
        link.href = (/^docs\/[^:]*$/.test(href) ? href : "#") + "#" + encodeURIComponent(p[0]);
        link.className = "src";
        var body = meta.bodies[doc[1]] || "Unattributed";
        add(link, "span", body + ", ");
        add(link, "cite", doc[0]);
        var ref = doc[2] && doc[0].toLowerCase().indexOf(doc[2].toLowerCase()) === -1 ? doc[2] : "";
        link.appendChild(document.createTextNode([ref, doc[3], p[3]].filter(Boolean).map(function (s) { return ", " + s; }).join("")));
        li.appendChild(link);
        list.appendChild(li);
      });
      var n = result.total;
      count.textContent = (result.note ? result.note + ". " : "") + (n === 0 ? "No passages match." :
        n > result.hits.length ? "The best " + result.hits.length + " of " + n + " passages." :
        n + " passage" + (n === 1 ? "" : "s") + " match" + (n === 1 ? "es." : "."));
    }
    function render() {
      var mine = ++latest;
      if (!input.value.trim() && !kind.value && !theme.value) {
        while (list.firstChild) { list.removeChild(list.firstChild); }
        count.textContent = "Type words, a \"phrase\", prefix*, fuzzy~, AND/OR/NOT, or field:value (kind:, theme:, source:, type:, year:, ref:, mentions:).";
        return;
      }
      run(input.value.trim(), { limit: LIMIT, kind: kind.value, theme: theme.value }).then(function (result) {
        if (mine === latest) { show(result); }
      }, function (e) {
        if (mine !== latest) { return; }
        while (list.firstChild) { list.removeChild(list.firstChild); }
        count.textContent = e instanceof QueryError ? e.message : String(e.message || e);
      });
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

  window.EvidenceSearch = { add: add, run: run, QueryError: QueryError, porter2: P2 };
  var box = document.getElementById("search");
  if (box) { setup(box); }
}());
