// nprcheck report pages: sortable tables (index) and the findings table of a unit page
// (filter, sort, page through). Plain JavaScript, no libraries, no network; embedded into every
// page at build time. Values from the input are only ever set with textContent, never as HTML.
(function () {
  'use strict';

  var collator = new Intl.Collator('nb', { numeric: true, sensitivity: 'base' });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function formatCount(n) {
    return new Intl.NumberFormat('nb-NO').format(n);
  }

  // ---- Static tables (index page): click a header to sort by that column. -----------------
  function cellValue(td) {
    var v = td.getAttribute('data-sort');
    if (v === null) v = td.textContent.trim();
    return v;
  }

  function compareValues(a, b) {
    var na = Number(a), nb = Number(b);
    if (a !== '' && b !== '' && !isNaN(na) && !isNaN(nb)) return na - nb;
    return collator.compare(a, b);
  }

  function makeSortable(table) {
    var headers = table.querySelectorAll('thead th');
    Array.prototype.forEach.call(headers, function (th, col) {
      var button = th.querySelector('button.sort');
      if (!button) return;
      button.addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.forEach(function (r, i) { r._order = i; });
        rows.sort(function (ra, rb) {
          var c = compareValues(cellValue(ra.cells[col]), cellValue(rb.cells[col]));
          if (c === 0) return ra._order - rb._order;
          return asc ? c : -c;
        });
        var frag = document.createDocumentFragment();
        rows.forEach(function (r) { frag.appendChild(r); });
        body.appendChild(frag);
      });
    });
  }

  // ---- The findings of a unit page. ------------------------------------------------------
  // Row layout (see html_writer.cpp): [rule, severity 0..2, status, episode, pasientNr,
  // avdeling, dato, codes [[value, system, year, text]], message, file, line, first_seen,
  // nights, waived 0|1, waiver_reason, isf 0|1 (optional: absent = not ISF-relevant)]
  var R = { rule: 0, sev: 1, status: 2, episode: 3, pasient: 4, avdeling: 5, dato: 6, codes: 7,
            message: 8, file: 9, line: 10, firstSeen: 11, nights: 12, waived: 13, reason: 14,
            isf: 15 };
  var SEV_CLASS = ['sev-info', 'sev-warning', 'sev-error'];
  var SEV_TEXT = ['Info', 'Advarsel', 'Feil'];

  function FindingsView(data) {
    this.data = data;
    this.rows = data.rows;
    this.ruleRank = {};
    var self = this;
    (data.ruleOrder || []).forEach(function (id, i) { self.ruleRank[id] = i; });
    this.rows.forEach(function (r, i) {
      r.order = i;
      var parts = [r[R.rule], r[R.episode], r[R.pasient], r[R.avdeling], r[R.dato], r[R.message],
                   r[R.file], r[R.status], r[R.reason]];
      r[R.codes].forEach(function (c) { parts.push(c[0], c[1], c[3]); });
      r.haystack = parts.join('\u0001').toLowerCase();
    });
    this.table = document.getElementById('funn');
    this.body = this.table.tBodies[0];
    this.filters = {
      rule: document.getElementById('f-rule'),
      avdeling: document.getElementById('f-avd'),
      sev: document.getElementById('f-sev'),
      status: document.getElementById('f-status'),
      text: document.getElementById('f-text')
    };
    this.countLine = document.getElementById('f-count');
    this.pageInfo = document.getElementById('p-info');
    this.prev = document.getElementById('p-prev');
    this.next = document.getElementById('p-next');
    this.pageSize = document.getElementById('p-size');
    this.page = 0;
    this.sortKey = null;
    this.sortAsc = true;
    this.visible = this.rows.slice();
    this.sortDefault(this.visible);
    this.bind();
    this.applyHash();
    this.update();
  }

  // ISF-relevant: the finding's own `isf` (row[15], or an `isf` key), else its rule's flag in
  // data.rules; absent means false, so the order works before and after ISF flags exist.
  FindingsView.prototype.isf = function (r) {
    var v = r[R.isf];
    if (v === undefined && r.isf !== undefined) v = r.isf;
    if (v === undefined) {
      var rule = (this.data.rules || {})[r[R.rule]];
      v = rule ? rule.isf : false;
    }
    return v === true || v === 1 ? 1 : 0;
  };

  // The worklist order: waived last; then ISF-relevant first, then severity (errors first),
  // then new before persisting; then the rules in the page's order, then the file order.
  FindingsView.prototype.sortDefault = function (rows) {
    var rank = this.ruleRank, self = this;
    rows.forEach(function (r) { r.isfKey = self.isf(r); });
    rows.sort(function (a, b) {
      var wa = a[R.waived] ? 1 : 0, wb = b[R.waived] ? 1 : 0;
      if (wa !== wb) return wa - wb;
      if (a.isfKey !== b.isfKey) return b.isfKey - a.isfKey;
      if (a[R.sev] !== b[R.sev]) return b[R.sev] - a[R.sev];
      var na = a[R.status] === 'ny' ? 0 : 1, nb = b[R.status] === 'ny' ? 0 : 1;
      if (na !== nb) return na - nb;  // new findings first
      var ra = rank[a[R.rule]], rb = rank[b[R.rule]];
      if (ra === undefined) ra = 1e9;
      if (rb === undefined) rb = 1e9;
      if (ra !== rb) return ra - rb;
      if (a[R.rule] !== b[R.rule]) return a[R.rule] < b[R.rule] ? -1 : 1;
      return a.order - b.order;
    });
  };

  FindingsView.prototype.keyOf = function (r, key) {
    switch (key) {
      case 'sev': return r[R.sev];
      case 'line': return r[R.line];
      case 'codes': return r[R.codes].map(function (c) { return c[0]; }).join(' ');
      case 'status': return r[R.status];
      default: return r[R[key]];
    }
  };

  FindingsView.prototype.sortRows = function (rows) {
    if (!this.sortKey) { this.sortDefault(rows); return; }
    var key = this.sortKey, asc = this.sortAsc, self = this;
    var numeric = key === 'sev' || key === 'line';
    rows.sort(function (a, b) {
      var va = self.keyOf(a, key), vb = self.keyOf(b, key);
      var c = numeric ? va - vb : collator.compare(String(va), String(vb));
      if (c === 0) return a.order - b.order;
      return asc ? c : -c;
    });
  };

  FindingsView.prototype.filtered = function () {
    var f = this.filters;
    var rule = f.rule ? f.rule.value : '';
    var avd = f.avdeling ? f.avdeling.value : '';
    var sev = f.sev ? f.sev.value : '';
    var status = f.status ? f.status.value : '';
    var words = f.text ? f.text.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
    var out = [];
    for (var i = 0; i < this.rows.length; i++) {
      var r = this.rows[i];
      if (rule && r[R.rule] !== rule) continue;
      if (avd && r[R.avdeling] !== avd) continue;
      if (sev !== '' && String(r[R.sev]) !== sev) continue;
      // Waived findings are accepted: they show under "Unntatt" only, not as new or persisting.
      if (status === 'unntatt') { if (!r[R.waived]) continue; }
      else if (status && (r[R.waived] || r[R.status] !== status)) continue;
      var ok = true;
      for (var w = 0; w < words.length && ok; w++) ok = r.haystack.indexOf(words[w]) !== -1;
      if (ok) out.push(r);
    }
    return out;
  };

  FindingsView.prototype.size = function () {
    if (this.printAll) return Infinity;
    var v = this.pageSize ? Number(this.pageSize.value) : 500;
    return v > 0 ? v : Infinity;
  };

  FindingsView.prototype.update = function () {
    this.visible = this.filtered();
    this.sortRows(this.visible);
    this.page = 0;
    this.render();
  };

  FindingsView.prototype.renderRow = function (r) {
    var tr = document.createElement('tr');
    tr.setAttribute('data-rule', r[R.rule]);
    var rules = this.data.rules || {};
    var ruleCell = el('td', 'mono', r[R.rule]);
    if (rules[r[R.rule]]) ruleCell.title = rules[r[R.rule]].title;
    tr.appendChild(ruleCell);
    var sevCell = el('td');
    sevCell.appendChild(el('span', 'sev ' + SEV_CLASS[r[R.sev]], SEV_TEXT[r[R.sev]]));
    if (r[R.isf]) {
      var isf = el('span', 'sev tag-isf', 'ISF');
      isf.title = 'Kan endre DRG-grupperingen (ISF-oppgjøret): rett først';
      sevCell.appendChild(isf);
    }
    tr.appendChild(sevCell);
    var st = el('td', 'col-status');
    if (r[R.waived]) {
      st.appendChild(el('span', 'sev tag-waived', 'Unntatt'));
      // The waiver's reason, owner and expiry on the row itself, not only in a tooltip.
      if (r[R.reason]) st.appendChild(el('div', 'waiver', r[R.reason]));
    } else if (r[R.status] === 'ny') {
      st.appendChild(el('span', 'sev tag-new', 'Ny'));
    } else if (r[R.status]) {
      var p = el('span', 'sev tag-persisting', 'Vedvarende');
      var t = [];
      if (r[R.firstSeen]) t.push('første gang ' + r[R.firstSeen]);
      if (r[R.nights]) t.push(r[R.nights] + ' kjøringer');
      if (t.length) p.title = t.join(', ');
      st.appendChild(p);
    }
    tr.appendChild(st);
    tr.appendChild(el('td', 'mono', r[R.episode]));
    tr.appendChild(el('td', 'mono', r[R.pasient]));
    var avd = el('td', 'mono', r[R.avdeling]);
    var avdName = (this.data.avdelinger || {})[r[R.avdeling]];
    if (avdName) avd.title = avdName;
    tr.appendChild(avd);
    tr.appendChild(el('td', 'num', r[R.dato]));
    var codes = el('td', 'codes');
    r[R.codes].forEach(function (c) {
      var d = el('div');
      d.appendChild(el('span', 'code', c[0]));
      var meta = ' ' + c[1] + (c[2] ? ' ' + c[2] : '');
      d.appendChild(document.createTextNode(meta));
      if (c[3]) {
        d.appendChild(document.createTextNode(' \u2013 '));
        d.appendChild(el('span', 'ctext', c[3]));
      }
      codes.appendChild(d);
    });
    tr.appendChild(codes);
    tr.appendChild(el('td', 'msg', r[R.message]));
    var file = r[R.file] || '';
    var base = file.split('/').pop();
    var src = el('td', 'src', base + (r[R.line] ? ':' + r[R.line] : ''));
    src.title = file;
    tr.appendChild(src);
    return tr;
  };

  FindingsView.prototype.render = function () {
    var size = this.size();
    var total = this.visible.length;
    var pages = size === Infinity ? 1 : Math.max(1, Math.ceil(total / size));
    if (this.page >= pages) this.page = pages - 1;
    var start = size === Infinity ? 0 : this.page * size;
    var end = Math.min(total, start + size);
    var frag = document.createDocumentFragment();
    for (var i = start; i < end; i++) frag.appendChild(this.renderRow(this.visible[i]));
    this.body.textContent = '';
    if (total === 0) {
      var tr = el('tr');
      var td = el('td', 'empty', this.rows.length ? 'Ingen funn passer med filteret.' : 'Ingen funn.');
      td.colSpan = 10;
      tr.appendChild(td);
      frag.appendChild(tr);
    }
    this.body.appendChild(frag);
    var text = total === 0 ? 'Viser 0 funn' :
      'Viser ' + formatCount(start + 1) + '\u2013' + formatCount(end) + ' av ' + formatCount(total) + ' funn';
    if (total !== this.rows.length) text += ' (filtrert fra ' + formatCount(this.rows.length) + ')';
    this.countLine.textContent = text;
    this.pageInfo.textContent = 'Side ' + (this.page + 1) + ' av ' + pages;
    this.prev.disabled = this.page === 0;
    this.next.disabled = this.page >= pages - 1;
    this.table.setAttribute('data-visible-rows', String(end - start));
    this.table.setAttribute('data-matching-rows', String(total));
  };

  FindingsView.prototype.setSort = function (th) {
    var key = th.getAttribute('data-key');
    if (this.sortKey === key) {
      this.sortAsc = !this.sortAsc;
    } else {
      this.sortKey = key;
      this.sortAsc = true;
    }
    var ths = this.table.querySelectorAll('thead th');
    Array.prototype.forEach.call(ths, function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', this.sortAsc ? 'ascending' : 'descending');
    this.sortRows(this.visible);
    this.page = 0;
    this.render();
  };

  FindingsView.prototype.applyHash = function () {
    var m = /(?:^#|&)regel=([^&]*)/.exec(location.hash || '');
    if (!m || !this.filters.rule) return;
    var id = decodeURIComponent(m[1]);
    var sel = this.filters.rule;
    for (var i = 0; i < sel.options.length; i++) {
      if (sel.options[i].value === id) { sel.value = id; break; }
    }
  };

  FindingsView.prototype.bind = function () {
    var self = this;
    var timer = null;
    ['rule', 'avdeling', 'sev', 'status'].forEach(function (k) {
      if (self.filters[k]) self.filters[k].addEventListener('change', function () { self.update(); });
    });
    if (this.filters.text) {
      this.filters.text.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(function () { self.update(); }, 120);
      });
    }
    var reset = document.getElementById('f-reset');
    if (reset) {
      reset.addEventListener('click', function () {
        ['rule', 'avdeling', 'sev', 'status', 'text'].forEach(function (k) {
          if (self.filters[k]) self.filters[k].value = '';
        });
        self.sortKey = null;
        var ths = self.table.querySelectorAll('thead th');
        Array.prototype.forEach.call(ths, function (h) { h.removeAttribute('aria-sort'); });
        self.update();
      });
    }
    Array.prototype.forEach.call(this.table.querySelectorAll('thead th[data-key] button.sort'),
      function (b) { b.addEventListener('click', function () { self.setSort(b.parentNode); }); });
    this.prev.addEventListener('click', function () { self.page--; self.render(); });
    this.next.addEventListener('click', function () { self.page++; self.render(); });
    if (this.pageSize) this.pageSize.addEventListener('change', function () { self.page = 0; self.render(); });
    Array.prototype.forEach.call(document.querySelectorAll('button.show-rule'), function (b) {
      b.addEventListener('click', function () {
        if (self.filters.rule) self.filters.rule.value = b.getAttribute('data-rule');
        self.update();
        document.getElementById('funn-seksjon').scrollIntoView();
      });
    });
    window.addEventListener('hashchange', function () { self.applyHash(); self.update(); });
    // Printing shows every finding that matches the filter, without paging.
    window.addEventListener('beforeprint', function () { self.printAll = true; self.render(); });
    window.addEventListener('afterprint', function () { self.printAll = false; self.render(); });
  };

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), makeSortable);
    var dataEl = document.getElementById('funn-data');
    if (dataEl) {
      var data = JSON.parse(dataEl.textContent);
      window.nprcheckFindings = new FindingsView(data);
    }
    document.documentElement.setAttribute('data-ready', 'true');
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
