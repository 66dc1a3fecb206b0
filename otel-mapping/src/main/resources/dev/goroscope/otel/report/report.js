/*
 * goroscope HTML report: the page's code, written for goroscope (no library, no network).
 * Reads the data object in #goroscope-data (column arrays, one entry per goroutine, times in
 * microseconds since the first event) and draws the summary (DOM), the timeline (canvas, only
 * the rows in view), the spawn tree (DOM, built as it is opened) and the goroutine flame graph
 * (SVG). window.goroscopeReport exposes what was drawn, for tests and for the curious.
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------- data
  const D = JSON.parse(document.getElementById('goroscope-data').textContent);
  const timings = { parsedMs: performance.now() };
  const S = D.strings;
  const G = D.goroutines;
  const N = G.count;
  const PROCS = D.processes;

  /** Lanes and rows open by default; beyond it groups stay collapsed as density rows. */
  const ROW_BUDGET = 1000;
  /** Density rows a collapsed group shows (its biggest creation sites; the rest share one). */
  const DENSITY_SITES = 6;
  /** Traces whose roots share a creation site are gathered under one row from this many on. */
  const FAMILY_MIN = 3;
  const F = { PARTIAL: 1, OVERRUN: 2, LEAK: 4, INCOMPLETE: 8, PROCESS_EXITED: 16,
    PARENT_TRACED: 32, TRACE_ROOT: 64 };

  const goid = G.goid, proc = G.proc, parent = G.parent, site = G.site, start = G.start,
    flags = G.flags, trace = G.trace;
  const str = (i) => (i >= 0 && i < S.length ? S[i] : '');

  const end = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let e = G.end[i];
    if (e < 0) {
      const p = PROCS[proc[i]];
      e = p && p.endUs != null ? p.endUs : D.endUs;
    }
    end[i] = Math.max(e, start[i]);
  }
  const finished = (g) => G.end[g] >= 0;
  const has = (g, f) => (flags[g] & f) !== 0;

  // children in start order (CSR: childOff[g]..childOff[g+1] in childList)
  const byStart = new Int32Array(N);
  for (let i = 0; i < N; i++) byStart[i] = i;
  byStart.sort((a, b) => start[a] - start[b] || goid[a] - goid[b]);
  const childOff = new Int32Array(N + 1);
  for (let i = 0; i < N; i++) if (parent[i] >= 0) childOff[parent[i] + 1]++;
  for (let i = 0; i < N; i++) childOff[i + 1] += childOff[i];
  const childList = new Int32Array(childOff[N]);
  {
    const fill = childOff.slice(0, N);
    for (let k = 0; k < N; k++) {
      const i = byStart[k];
      if (parent[i] >= 0) childList[fill[parent[i]]++] = i;
    }
  }
  const childCount = (g) => childOff[g + 1] - childOff[g];

  // depth in the spawn forest and descendants per goroutine
  const depth = new Int32Array(N).fill(-1);
  {
    const path = [];
    for (let i = 0; i < N; i++) {
      let at = i;
      while (depth[at] < 0 && parent[at] >= 0 && path.length < 4096) { path.push(at); at = parent[at]; }
      if (depth[at] < 0) depth[at] = 0;
      let d = depth[at];
      while (path.length) { const g = path.pop(); depth[g] = ++d; }
    }
  }
  const desc = new Int32Array(N);
  {
    const order = new Int32Array(N);
    for (let i = 0; i < N; i++) order[i] = i;
    order.sort((a, b) => depth[b] - depth[a]);
    for (const i of order) if (parent[i] >= 0) desc[parent[i]] += desc[i] + 1;
  }

  function csr(owner) { // owner[] is grouped by goroutine index, ascending
    const off = new Int32Array(N + 1);
    for (let k = 0; k < owner.length; k++) off[owner[k] + 1]++;
    for (let i = 0; i < N; i++) off[i + 1] += off[i];
    return off;
  }
  const PK = D.parks, parkOff = csr(PK.g);
  const EV = D.events, eventOff = csr(EV.g);
  const OV = D.overruns, ovIdx = new Int32Array(N).fill(-1);
  OV.g.forEach((g, k) => { ovIdx[g] = k; });
  const waitsOn = new Int32Array(N).fill(-1);
  D.waitsOn.g.forEach((g, k) => { waitsOn[g] = D.waitsOn.label[k]; });
  const deepProc = PROCS.map(() => false);
  for (const g of PK.g) deepProc[proc[g]] = true;

  const ST = D.sites;
  const siteFn = (s) => str(ST.startFunction[s]);
  function siteName(s) { return siteFn(s) || '(start function unknown)'; }
  function siteWhere(s) {
    const fn = str(ST.function[s]);
    if (!fn) return 'running when goroscope attached (creation site unknown)';
    const file = str(ST.file[s]);
    return fn + ' ' + baseName(file) + ':' + ST.line[s];
  }

  // ---------------------------------------------------------------- formatting
  function baseName(f) { const i = f.lastIndexOf('/'); return i >= 0 ? f.slice(i + 1) : f; }
  function shortFn(f) {
    if (!f) return '?';
    const paren = f.indexOf('(');
    const slash = f.lastIndexOf('/', paren >= 0 ? paren : f.length);
    return slash >= 0 ? f.slice(slash + 1) : f;
  }
  function fmtInt(n) { return Math.round(n).toLocaleString('en-US'); }
  function fmtDur(us) {
    if (!(us >= 0)) return '?';
    if (us === 0) return '0 s';
    if (us < 1) return '<1 µs';
    if (us < 1000) return us.toFixed(0) + ' µs';
    if (us < 1e6) return (us / 1000).toFixed(us < 1e4 ? 2 : 1) + ' ms';
    if (us < 120e6) return (us / 1e6).toFixed(us < 1e7 ? 3 : 2) + ' s';
    const m = Math.floor(us / 60e6);
    return m + ' min ' + Math.round((us - m * 60e6) / 1e6) + ' s';
  }
  function fmtAt(us) { return '+' + fmtDur(us); }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  }
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    if (attrs) for (const k in attrs) {
      if (k === 'class') e.className = attrs[k];
      else if (k === 'text') e.textContent = attrs[k];
      else if (k === 'html') e.innerHTML = attrs[k];
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), attrs[k]);
      else e.setAttribute(k, attrs[k]);
    }
    for (const c of kids) if (c != null) e.append(c);
    return e;
  }
  const $ = (id) => document.getElementById(id);
  function gName(g) { return 'goroutine ' + goid[g] + (PROCS.length > 1 ? ' (pid ' + PROCS[proc[g]].pid + ')' : ''); }
  function goidLink(g, text) {
    return el('a', { class: 'goid', 'data-goid': goid[g], 'data-g': g, href: '#',
      onclick: (ev) => { ev.preventDefault(); timeline.reveal(g); }, text: text || String(goid[g]) });
  }

  // ---------------------------------------------------------------- states and colours
  const CAT = {
    running: { c: '#43a047', l: 'running or runnable (deep mode: not parked)' },
    alive: { c: '#9db4cc', l: 'alive, state not observed (use --deep for states)' },
    chan: { c: '#f29d38', l: 'waiting: channel or select' },
    sync: { c: '#d6c032', l: 'waiting: lock, WaitGroup, cond' },
    io: { c: '#3f7fcf', l: 'waiting: I/O (netpoller)' },
    sleep: { c: '#b0b0b0', l: 'waiting: sleep or timer' },
    gc: { c: '#8d6e63', l: 'waiting: GC' },
    syscall: { c: '#26a69a', l: 'in a system call' },
    other: { c: '#c9a27e', l: 'waiting: other reason' },
  };
  const COLOR_OVERRUN = '#e53935', COLOR_DEADLINE = '#7f0000', COLOR_LEAK = '#8e24aa',
    COLOR_STW = 'rgba(90,90,90,0.18)';
  function waitCategory(reason) {
    if (!reason) return 'other';
    const r = reason.toLowerCase();
    if (r.startsWith('chan') || r.startsWith('select')) return 'chan';
    if (r.includes('semacquire') || r.startsWith('sync.') || r.includes('mutex') || r.includes('cond')
      || r.includes('lock')) return 'sync';
    if (r.includes('io wait') || r.includes('netpoll') || r === 'io') return 'io';
    if (r.includes('sleep') || r.includes('timer')) return 'sleep';
    if (r.includes('gc') || r.includes('garbage') || r.includes('finalizer')) return 'gc';
    if (r.includes('syscall')) return 'syscall';
    return 'other';
  }
  const catOfString = new Map();
  function catOf(strIdx) {
    let c = catOfString.get(strIdx);
    if (c === undefined) { c = waitCategory(str(strIdx)); catOfString.set(strIdx, c); }
    return c;
  }
  /** A duration event's category from its name and attributes (mutex.wait, syscall, state…). */
  function eventCategory(k) {
    const name = str(EV.name[k]).toLowerCase();
    let attrs = null;
    if (EV.attrs[k] >= 0) { try { attrs = JSON.parse(str(EV.attrs[k])); } catch (e) { attrs = null; } }
    const state = attrs && (attrs.state || attrs.status);
    if (state && /run/i.test(state)) return 'running';
    const reason = attrs && (attrs.waitReason || attrs['goroutine.wait_reason']);
    if (reason) return waitCategory(reason);
    if (name.includes('mutex') || name.includes('lock') || name.includes('sema')) return 'sync';
    if (name.includes('syscall')) return 'syscall';
    if (name.includes('chan') || name.includes('select')) return 'chan';
    if (name.includes('sched') || name.includes('run')) return 'running';
    if (name.includes('gc') || name.includes('stw')) return 'gc';
    return 'other';
  }
  const siteColorCache = new Map();
  function siteColor(s) {
    let c = siteColorCache.get(s);
    if (!c) {
      let h = 0;
      const name = siteFn(s) + siteWhere(s);
      for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
      c = 'hsl(' + (((h % 360) + 360) % 360) + ',45%,62%)';
      siteColorCache.set(s, c);
    }
    return c;
  }

  // ---------------------------------------------------------------- header and summary
  const stillRunning = (() => { let n = 0; for (let i = 0; i < N; i++) if (!finished(i)) n++; return n; })();
  const overrunCount = OV.g.length;
  const leakCount = (() => { let n = 0; for (let i = 0; i < N; i++) if (has(i, F.LEAK)) n++; return n; })();
  const eventsLost = PROCS.reduce((a, p) => a + p.eventsLost, 0);
  const incompleteCount = (() => { let n = 0; for (let i = 0; i < N; i++) if (has(i, F.INCOMPLETE)) n++; return n; })();
  function maxConcurrent() {
    const ev = new Float64Array(2 * N);
    for (let i = 0; i < N; i++) { ev[2 * i] = start[i] * 2 + 1; ev[2 * i + 1] = end[i] * 2; }
    ev.sort();
    let cur = 0, max = 0;
    for (const e of ev) { if (e % 2 === 1) { cur++; if (cur > max) max = cur; } else cur--; }
    return max;
  }

  function renderHeader() {
    $('title').textContent = document.title;
    const parts = [];
    for (const p of PROCS.slice(0, 4)) {
      parts.push('pid ' + p.pid + ' ' + (p.executable || '?') + (p.goVersion ? ' (' + p.goVersion + ')' : ''));
    }
    if (PROCS.length > 4) parts.push('and ' + (PROCS.length - 4) + ' more processes');
    const when = D.t0UnixMs != null ? ' · run started ' + new Date(D.t0UnixMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '';
    parts.push('watched for ' + fmtDur(D.endUs) + when);
    parts.push('report written ' + new Date(D.generatedUnixMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'));
    $('subtitle').textContent = parts.join(' · ');
    if (D.liveRefreshSeconds > 0) {
      const live = $('live');
      live.hidden = false;
      const box = el('input', { type: 'checkbox', id: 'live-reload' });
      box.checked = sessionStorage.getItem('goroscope-live-reload') === '1';
      box.addEventListener('change', () => {
        sessionStorage.setItem('goroscope-live-reload', box.checked ? '1' : '0');
        scheduleReload();
      });
      live.append('goroscope is still watching: this file is rewritten every ' + D.liveRefreshSeconds
        + ' s until it stops. ', el('label', null, box, ' reload it by itself'));
      scheduleReload();
    }
  }
  let reloadTimer = 0;
  function scheduleReload() {
    clearTimeout(reloadTimer);
    if (sessionStorage.getItem('goroscope-live-reload') === '1') {
      reloadTimer = setTimeout(() => location.reload(), Math.max(2, D.liveRefreshSeconds) * 1000);
    }
  }

  function card(n, label, cls, id) {
    return el('div', { class: 'card' + (cls ? ' ' + cls : ''), id: id },
      el('div', { class: 'n', text: typeof n === 'number' ? fmtInt(n) : n }), el('div', { class: 'l', text: label }));
  }
  function table(headers, rows, id) {
    const t = el('table', { id: id });
    t.append(el('tr', null, ...headers.map((h) => el('th', { class: h.num ? 'num' : '', text: h.t || h }))));
    for (const r of rows) {
      t.append(el('tr', null, ...r.map((c, i) => {
        const td = el('td', { class: headers[i].num ? 'num' : '' });
        if (c instanceof Node) td.append(c); else td.textContent = c;
        return td;
      })));
    }
    return t;
  }

  function renderSummary() {
    const s = $('summary');
    const ctx = D.contexts;
    s.append(
      card(N, 'goroutines', '', 'sum-goroutines'),
      card(stillRunning, 'still running at the end', '', 'sum-running'),
      card(maxConcurrent(), 'alive at once (max)', '', 'sum-concurrent'),
      card(overrunCount, 'deadline overruns', overrunCount ? 'bad' : '', 'sum-overruns'),
      card(leakCount, 'leak candidates', leakCount ? 'leak' : '', 'sum-leaks'),
      card(ctx.total, 'contexts with a deadline' + (ctx.byReason.deadline_exceeded ? ' (' + fmtInt(ctx.byReason.deadline_exceeded) + ' exceeded)' : ''), '', 'sum-contexts'),
      card(eventsLost, 'kernel events lost', eventsLost ? 'bad' : '', 'sum-lost'),
      card(PROCS.length, PROCS.length === 1 ? 'process' : 'processes', '', 'sum-processes'),
    );
    if (N === 0) {
      s.append(el('details', { open: '' }, el('summary', { text: 'No goroutines' }),
        el('p', { text: D.liveRefreshSeconds > 0 ? 'No goroutine has been seen yet; goroscope rewrites this file as they come.' : 'The run holds no goroutine lines.' })));
    }
    // leak groups
    if (D.leakGroups.length) {
      const rows = D.leakGroups.slice(0, 50).map((lg) => {
        const ex = el('span');
        lg.g.forEach((g, i) => { if (i) ex.append(' '); ex.append(goidLink(g)); });
        return [siteName(lg.site), siteWhere(lg.site), str(lg.wait) || '?', str(lg.waitsOn) || 'not known (sampled mode reads it)',
          fmtInt(lg.count), 'since ' + fmtAt(lg.oldestUs), ex];
      });
      s.append(el('details', { open: '', id: 'sum-leak-groups' }, el('summary', { text: 'Leak groups (' + D.leakGroups.length + ')' }),
        table(['start function', 'created at', 'wait reason', 'waits on (channel / lock)', { t: 'count', num: true }, 'oldest', 'examples'], rows, 'leak-groups')));
    }
    // overruns by site
    if (overrunCount) {
      const bySite = new Map();
      for (let k = 0; k < OV.g.length; k++) {
        const g = OV.g[k], key = site[g];
        const e = bySite.get(key) || { n: 0, max: 0, ex: [] };
        e.n++; e.max = Math.max(e.max, OV.overrunNs[k]); if (e.ex.length < 5) e.ex.push(g);
        bySite.set(key, e);
      }
      const rows = [...bySite.entries()].sort((a, b) => b[1].n - a[1].n).map(([st, e]) => {
        const ex = el('span');
        e.ex.forEach((g, i) => { if (i) ex.append(' '); ex.append(goidLink(g)); });
        return [siteName(st), siteWhere(st), fmtInt(e.n), fmtDur(e.max / 1000), ex];
      });
      s.append(el('details', { open: '', id: 'sum-overrun-sites' }, el('summary', { text: 'Deadline overruns by creation site' }),
        table(['start function', 'created at', { t: 'overruns', num: true }, { t: 'longest overrun', num: true }, 'examples'], rows, 'overrun-sites')));
    }
    // busiest sites
    const counts = new Map();
    for (let i = 0; i < N; i++) counts.set(site[i], (counts.get(site[i]) || 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15);
    if (top.length) {
      s.append(el('details', { id: 'sum-sites' }, el('summary', { text: 'Busiest creation sites (' + counts.size + ' sites)' }),
        table(['start function', 'created at', { t: 'goroutines', num: true }], top.map(([st, n]) => [siteName(st), siteWhere(st), fmtInt(n)]), 'busiest-sites')));
    }
    // processes and input notes
    const notes = [];
    const inp = D.input;
    if (inp.malformed) notes.push(fmtInt(inp.malformed) + ' input lines were not goroscope JSON lines and were skipped (first: ' + inp.firstMalformed + ').');
    const unknown = Object.entries(inp.unknownTypes);
    if (unknown.length) notes.push('Lines of types this report does not draw: ' + unknown.map(([k, v]) => k + ' × ' + v).join(', ') + '.');
    if (inp.evicted) notes.push(fmtInt(inp.evicted) + ' oldest goroutines were dropped: the report keeps at most ' + fmtInt(inp.maxGoroutines) + '.');
    if (incompleteCount) notes.push(fmtInt(incompleteCount) + ' goroutines are marked incomplete: kernel events about them may be missing.');
    const procRows = PROCS.map((p) => [String(p.pid), p.executable || '?', p.goVersion || '?', fmtInt(p.goroutines),
      p.endUs != null ? 'ended ' + fmtAt(p.endUs) : 'running when the report was written', fmtInt(p.eventsLost)]);
    const det = el('details', { id: 'sum-input' }, el('summary', { text: 'Processes and input' }),
      table(['pid', 'executable', 'Go', { t: 'goroutines', num: true }, 'end', { t: 'events lost', num: true }], procRows, 'processes'));
    for (const n of notes) det.append(el('p', { class: 'note', text: n }));
    det.append(el('p', { class: 'note', text: fmtInt(inp.lines) + ' JSON lines read (' + fmtInt(inp.goroutineLines) + ' goroutine lines).' }));
    if (notes.length) det.open = true;
    s.append(det);
  }

  // ---------------------------------------------------------------- tooltip
  const tooltip = $('tooltip');
  function showTooltip(html, x, y) {
    tooltip.innerHTML = html;
    tooltip.hidden = false;
    const r = tooltip.getBoundingClientRect();
    let left = x + 14, top = y + 14;
    if (left + r.width > innerWidth - 4) left = Math.max(4, x - r.width - 14);
    if (top + r.height > innerHeight - 4) top = Math.max(4, y - r.height - 14);
    tooltip.style.left = left + 'px';
    tooltip.style.top = top + 'px';
  }
  function hideTooltip() { tooltip.hidden = true; }
  const kv = (k, v) => '<div><span class="k">' + esc(k) + ':</span> ' + v + '</div>';

  /** What is known of goroutine g, as HTML lines (tooltip and info panel). */
  function describe(g, atUs) {
    const s = site[g];
    const out = [];
    out.push('<div><b>' + esc(gName(g)) + '</b>'
      + (has(g, F.OVERRUN) ? ' <span class="badge overrun">deadline overrun</span>' : '')
      + (has(g, F.LEAK) ? ' <span class="badge leak">leak candidate</span>' : '')
      + (!finished(g) ? ' <span class="badge partial">still running</span>' : '')
      + (has(g, F.INCOMPLETE) ? ' <span class="badge incomplete">incomplete</span>' : '') + '</div>');
    out.push(kv('start function', '<code>' + esc(siteName(s)) + '</code>'));
    out.push(kv('created at', '<code>' + esc(siteWhere(s)) + '</code>'));
    if (parent[g] >= 0) out.push(kv('parent', esc(gName(parent[g])) + ' <code>' + esc(shortFn(siteFn(site[parent[g]]))) + '</code>'));
    else if (G.parentGoid[g] > 0) out.push(kv('parent', 'goroutine ' + G.parentGoid[g] + ' (not seen)'));
    else out.push(kv('parent', 'none known (runtime or before attach)'));
    const life = finished(g)
      ? fmtAt(start[g]) + ' → ' + fmtAt(end[g]) + ' · lived ' + fmtDur(end[g] - start[g])
      : fmtAt(start[g]) + ' → still running at ' + fmtAt(end[g]) + ' · ' + fmtDur(end[g] - start[g]) + ' so far';
    out.push(kv('life', life));
    const st = str(G.state[g]), wr = str(G.wait[g]);
    out.push(kv('state at end', esc(st || '?') + (wr ? ' (' + esc(wr) + ')' : '')));
    const p0 = parkOff[g], p1 = parkOff[g + 1];
    if (p1 > p0) {
      const by = new Map();
      let total = 0;
      let under = -1;
      for (let k = p0; k < p1; k++) {
        const pe = PK.end[k] < 0 ? end[g] : PK.end[k];
        const d = Math.max(0, pe - PK.start[k]);
        total += d;
        by.set(PK.reason[k], (by.get(PK.reason[k]) || 0) + d);
        if (atUs != null && PK.start[k] <= atUs && atUs <= pe) under = k;
      }
      const reasons = [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4)
        .map(([r, d]) => esc(str(r) || '?') + ' ' + fmtDur(d)).join(', ');
      out.push(kv('parked', (p1 - p0) + ' times, ' + fmtDur(total) + ' in all — ' + reasons));
      if (under >= 0) {
        const waker = PK.waker[under];
        out.push(kv('at the cursor', 'parked on <b>' + esc(str(PK.reason[under]) || '?') + '</b> since ' + fmtAt(PK.start[under])
          + (PK.end[under] >= 0 ? ' for ' + fmtDur(PK.end[under] - PK.start[under]) : ' (still)')
          + (waker > 0 ? ', woken by goroutine ' + waker : waker === 0 ? ', woken by the runtime' : '')));
      } else if (atUs != null && deepProc[proc[g]] && atUs >= start[g] && atUs <= end[g]) {
        out.push(kv('at the cursor', 'running or runnable'));
      }
    } else if (deepProc[proc[g]]) {
      out.push(kv('parked', 'never (deep mode)'));
    }
    const k = ovIdx[g];
    if (k >= 0) {
      out.push(kv('deadline overrun', 'outlived the deadline of context <code>' + esc(str(OV.ctx[k])) + '</code>'
        + (OV.creator[k] >= 0 ? ' (created by goroutine ' + OV.creator[k] + ')' : '')
        + ': deadline at ' + fmtAt(OV.deadline[k]) + ', still running ' + fmtDur(OV.overrunNs[k] / 1000) + ' later'));
    }
    if (waitsOn[g] >= 0) out.push(kv('waits on', '<code>' + esc(str(waitsOn[g])) + '</code>'));
    const e0 = eventOff[g], e1 = eventOff[g + 1];
    if (e1 > e0) {
      const names = new Map();
      for (let e = e0; e < e1; e++) names.set(str(EV.name[e]), (names.get(str(EV.name[e])) || 0) + 1);
      out.push(kv('events', [...names.entries()].map(([n, c]) => esc(n) + (c > 1 ? ' × ' + c : '')).join(', ')));
    }
    if (childCount(g)) out.push(kv('spawned', childCount(g) + ' goroutines directly, ' + desc[g] + ' in all'));
    return out.join('');
  }

  // ---------------------------------------------------------------- timeline
  const timeline = (function () {
    const ROW_H = 16, AXIS_H = 24, LABEL_W = 300;
    const ROW_GROUP = 0, ROW_LANE = 1, ROW_DENSITY = 2;
    const scroll = $('tl-scroll'), canvas = $('tl-canvas'), spacer = $('tl-spacer');
    scroll.insertBefore(canvas, spacer); // canvas first: sticky at the top, spacer gives the height
    const ctx = canvas.getContext('2d');
    let mode = 'trace';
    let topGroups = [];
    let groupOf = null; // goroutine -> its innermost group
    let tdepth = null; // depth of a goroutine inside its trace
    let rows = [];
    let vs = 0, ve = 1; // view start/end (µs)
    let W = 0, H = 0;
    let selected = -1;
    let related = null; // Map g -> 'self' | 'ancestor' | 'child'
    let drawn = []; // what the last draw put on screen (for tests)
    let drawPending = false;

    function groupStats(grp) {
      let n = 0, ov = 0, lk = 0, s0 = Infinity, e1 = -Infinity;
      for (const g of grp.members) {
        n++; if (has(g, F.OVERRUN)) ov++; if (has(g, F.LEAK)) lk++;
        if (start[g] < s0) s0 = start[g]; if (end[g] > e1) e1 = end[g];
      }
      grp.n = n; grp.overruns = ov; grp.leaks = lk; grp.s0 = s0; grp.e1 = e1;
    }
    function makeGroup(kind, label, members, kids) {
      const grp = { kind, label, members, kids, open: false, parentGroup: null, id: 0, density: null };
      if (kids) for (const k of kids) k.parentGroup = grp;
      groupStats(grp);
      return grp;
    }

    function buildGroups() {
      groupOf = new Array(N);
      let groups;
      if (mode === 'site') {
        const by = new Map();
        for (let k = 0; k < N; k++) {
          const g = byStart[k];
          const key = proc[g] + ':' + site[g];
          let a = by.get(key); if (!a) { a = []; by.set(key, a); } a.push(g);
        }
        groups = [...by.values()].map((m) => {
          const grp = makeGroup('site', siteName(site[m[0]]) + ' — ' + siteWhere(site[m[0]]), Int32Array.from(m), null);
          for (const g of m) groupOf[g] = grp;
          return grp;
        });
      } else {
        tdepth = new Int32Array(N);
        const traces = [];
        for (let k = 0; k < N; k++) {
          const r = byStart[k];
          if (trace[r] !== r) continue;
          const members = [];
          const stack = [r];
          tdepth[r] = 0;
          while (stack.length) {
            const g = stack.pop();
            members.push(g);
            for (let c = childOff[g + 1] - 1; c >= childOff[g]; c--) {
              const ch = childList[c];
              if (trace[ch] === r && ch !== r) { tdepth[ch] = tdepth[g] + 1; stack.push(ch); }
            }
          }
          const grp = makeGroup('trace', 'trace of ' + gName(r) + ' ' + shortFn(siteFn(site[r])), Int32Array.from(members), null);
          grp.root = r;
          for (const g of members) groupOf[g] = grp;
          traces.push(grp);
        }
        // goroutines no trace reached (bad parent links): a group of their own
        const orphans = [];
        for (let k = 0; k < N; k++) if (!groupOf[byStart[k]]) orphans.push(byStart[k]);
        if (orphans.length) {
          const grp = makeGroup('trace', 'goroutines outside any trace', Int32Array.from(orphans), null);
          for (const g of orphans) groupOf[g] = grp;
          traces.push(grp);
        }
        // traces whose roots share a creation site: one family row
        const fam = new Map();
        for (const t of traces) {
          const key = t.root != null ? proc[t.root] + ':' + site[t.root] : 'orphans';
          let a = fam.get(key); if (!a) { a = []; fam.set(key, a); } a.push(t);
        }
        groups = [];
        for (const ts of fam.values()) {
          if (ts.length < FAMILY_MIN) { groups.push(...ts); continue; }
          let size = 0;
          for (const t of ts) size += t.members.length;
          const members = new Int32Array(size);
          let o = 0;
          for (const t of ts) { members.set(t.members, o); o += t.members.length; }
          const r = ts[0].root;
          groups.push(makeGroup('family', ts.length + ' traces of ' + shortFn(siteFn(site[r])) + ' (' + siteWhere(site[r]) + ')', members, ts));
        }
      }
      groups.sort((a, b) => a.s0 - b.s0);
      if (PROCS.length > 1) {
        const byProc = new Map();
        for (const grp of groups) {
          const p = proc[grp.members[0]];
          let a = byProc.get(p); if (!a) { a = []; byProc.set(p, a); } a.push(grp);
        }
        groups = [...byProc.entries()].sort((a, b) => a[0] - b[0]).map(([p, gs]) => {
          let size = 0; for (const x of gs) size += x.members.length;
          const members = new Int32Array(size); let o = 0;
          for (const x of gs) { members.set(x.members, o); o += x.members.length; }
          const info = PROCS[p];
          return makeGroup('process', 'pid ' + info.pid + ' ' + baseName(info.executable || '?'), members, gs);
        });
      }
      topGroups = groups;
      let id = 0;
      const number = (gs) => { for (const x of gs) { x.id = id++; if (x.kids) number(x.kids); } };
      number(topGroups);
      autoOpen();
    }

    /** The density rows of a collapsed group: its biggest sites, the rest merged. */
    function densityOf(grp) {
      if (grp.density) return grp.density;
      const by = new Map();
      for (const g of grp.members) {
        let a = by.get(site[g]); if (!a) { a = []; by.set(site[g], a); } a.push(g);
      }
      const sorted = [...by.entries()].sort((a, b) => b[1].length - a[1].length);
      const out = sorted.slice(0, DENSITY_SITES).map(([s, m]) => ({ site: s, members: Int32Array.from(m), label: null }));
      if (sorted.length > DENSITY_SITES) {
        const rest = [];
        for (const [, m] of sorted.slice(DENSITY_SITES)) rest.push(...m);
        out.push({ site: -1, members: Int32Array.from(rest), label: (sorted.length - DENSITY_SITES) + ' other sites' });
      }
      grp.density = out;
      return out;
    }
    const collapsedCost = (grp) => 1 + densityOf(grp).length;
    function openCost(grp) {
      if (!grp.kids) return 1 + grp.members.length;
      let c = 1; for (const k of grp.kids) c += collapsedCost(k); return c;
    }
    /** Opens groups breadth first while the rows stay within ROW_BUDGET. */
    function autoOpen() {
      let used = 0;
      for (const grp of topGroups) used += collapsedCost(grp);
      const queue = topGroups.slice();
      while (queue.length) {
        const grp = queue.shift();
        const delta = openCost(grp) - collapsedCost(grp);
        if (used + delta <= ROW_BUDGET || (topGroups.length === 1 && grp === topGroups[0] && grp.kids)) {
          grp.open = true; used += delta;
          if (grp.kids) queue.push(...grp.kids);
        }
      }
    }
    function allGroups(fn) { const walk = (gs) => { for (const x of gs) { fn(x); if (x.kids) walk(x.kids); } }; walk(topGroups); }

    function buildRows() {
      rows = [];
      const add = (grp, d) => {
        rows.push({ k: ROW_GROUP, grp, d });
        if (!grp.open) {
          for (const den of densityOf(grp)) rows.push({ k: ROW_DENSITY, grp, den, d: d + 1 });
        } else if (grp.kids) {
          for (const kid of grp.kids) add(kid, d + 1);
        } else {
          for (const g of grp.members) rows.push({ k: ROW_LANE, g, grp, d: d + 1 });
        }
      };
      for (const grp of topGroups) add(grp, 0);
      spacer.style.height = Math.max(0, AXIS_H + rows.length * ROW_H - scroll.clientHeight + 2) + 'px';
      let lanes = 0, dens = 0, closed = 0, total = 0;
      for (const r of rows) { if (r.k === ROW_LANE) lanes++; else if (r.k === ROW_DENSITY) dens++; }
      allGroups((x) => { total++; if (!x.open) closed++; });
      $('tl-status').textContent = fmtInt(N) + ' goroutines · ' + fmtInt(lanes) + ' lanes · '
        + fmtInt(dens) + ' density rows for ' + fmtInt(closed) + ' of ' + fmtInt(total) + ' groups kept closed (' + fmtInt(ROW_BUDGET) + '-row budget)';
    }

    // --- geometry
    const plotX = () => LABEL_W;
    const plotW = () => Math.max(10, W - LABEL_W - 8);
    const X = (t) => LABEL_W + (t - vs) * plotW() / (ve - vs);
    const T = (x) => vs + (x - LABEL_W) * (ve - vs) / plotW();
    function fit() {
      const span = Math.max(D.endUs, 1);
      vs = -span * 0.01; ve = span * 1.02;
    }
    function zoom(factor, atUs) {
      const at = atUs == null ? (vs + ve) / 2 : atUs;
      let span = (ve - vs) / factor;
      const full = Math.max(D.endUs, 1) * 1.5;
      span = Math.min(Math.max(span, 2), full);
      const frac = (at - vs) / (ve - vs);
      vs = at - frac * span; ve = vs + span;
      requestDraw();
    }
    function pan(dxPixels) {
      const dt = dxPixels * (ve - vs) / plotW();
      vs -= dt; ve -= dt;
      requestDraw();
    }

    function resize() {
      const dpr = window.devicePixelRatio || 1;
      W = scroll.clientWidth; H = scroll.clientHeight;
      canvas.style.width = W + 'px'; canvas.style.height = H + 'px';
      canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      spacer.style.height = Math.max(0, AXIS_H + rows.length * ROW_H - H + 2) + 'px';
    }
    function requestDraw() {
      if (drawPending) return;
      drawPending = true;
      requestAnimationFrame(() => { drawPending = false; draw(); });
    }

    function niceStep(span, px) {
      const target = span * 90 / px;
      const p = Math.pow(10, Math.floor(Math.log10(target)));
      for (const m of [1, 2, 5, 10]) if (m * p >= target) return m * p;
      return 10 * p;
    }

    function draw() {
      if (!W) resize();
      const top = scroll.scrollTop;
      ctx.clearRect(0, 0, W, H);
      ctx.font = '11.5px system-ui, "DejaVu Sans", sans-serif';
      ctx.textBaseline = 'middle';
      const first = Math.max(0, Math.floor(top / ROW_H));
      const last = Math.min(rows.length, Math.ceil((top + H - AXIS_H) / ROW_H) + 1);
      const pw = plotW();
      drawn = [];
      // rows
      for (let r = first; r < last; r++) {
        const y = AXIS_H + r * ROW_H - top;
        const row = rows[r];
        drawRow(row, y, r);
      }
      // process ends and stop-the-world bands over the plot
      ctx.save();
      ctx.beginPath(); ctx.rect(LABEL_W, AXIS_H, pw, H - AXIS_H); ctx.clip();
      const STW = D.stw;
      for (let k = 0; k < STW.start.length; k++) {
        const x0 = X(STW.start[k]), x1 = Math.max(X(STW.end[k]), x0 + 1);
        if (x1 < LABEL_W || x0 > LABEL_W + pw) continue;
        ctx.fillStyle = COLOR_STW; ctx.fillRect(x0, AXIS_H, x1 - x0, H - AXIS_H);
      }
      ctx.setLineDash([4, 3]); ctx.strokeStyle = '#444';
      for (const p of PROCS) {
        if (p.endUs == null) continue;
        const x = Math.round(X(p.endUs)) + 0.5;
        ctx.beginPath(); ctx.moveTo(x, AXIS_H); ctx.lineTo(x, H); ctx.stroke();
      }
      ctx.setLineDash([]);
      ctx.restore();
      drawAxis(pw);
      // label column separator
      ctx.fillStyle = '#d8dee6'; ctx.fillRect(LABEL_W - 4, 0, 1, H);
      if (!rows.length) {
        ctx.fillStyle = '#5f6b7a'; ctx.textAlign = 'left';
        ctx.fillText('No goroutines in this report.', LABEL_W + 10, AXIS_H + 20);
      }
    }

    function drawAxis(pw) {
      ctx.fillStyle = '#f5f7fa'; ctx.fillRect(0, 0, W, AXIS_H);
      ctx.fillStyle = '#d8dee6'; ctx.fillRect(0, AXIS_H - 1, W, 1);
      const step = niceStep(ve - vs, pw);
      ctx.fillStyle = '#5f6b7a'; ctx.textAlign = 'center';
      ctx.save(); ctx.beginPath(); ctx.rect(LABEL_W, 0, pw + 8, AXIS_H); ctx.clip();
      for (let t = Math.ceil(vs / step) * step; t <= ve; t += step) {
        const x = X(t);
        ctx.fillRect(Math.round(x), AXIS_H - 6, 1, 5);
        ctx.fillText(fmtDur(Math.abs(t) < step / 1e6 ? 0 : t).replace('<1 µs', '0'), x, 9);
      }
      ctx.restore();
      ctx.textAlign = 'left'; ctx.fillStyle = '#1d232b';
      ctx.fillText(mode === 'trace' ? 'goroutines by trace' : 'goroutines by creation site', 6, 12);
    }

    function labelText(text, x, y, color, bold) {
      ctx.save();
      ctx.beginPath(); ctx.rect(0, y, LABEL_W - 6, ROW_H); ctx.clip();
      ctx.fillStyle = color || '#1d232b';
      ctx.font = (bold ? '600 ' : '') + '11.5px system-ui, "DejaVu Sans", sans-serif';
      ctx.textAlign = 'left';
      ctx.fillText(text, x, y + ROW_H / 2);
      ctx.restore();
    }

    function drawRow(row, y, index) {
      const pw = plotW();
      const rec = { row: index, kind: row.k === ROW_GROUP ? 'group' : row.k === ROW_LANE ? 'lane' : 'density', y: y + ROW_H / 2 };
      if (row.k === ROW_GROUP) {
        const grp = row.grp;
        ctx.fillStyle = '#eef1f5'; ctx.fillRect(0, y, W, ROW_H - 1);
        const text = (grp.open ? '▾ ' : '▸ ') + grp.label;
        labelText(text, 4 + row.d * 10, y, '#1d232b', true);
        // the group's extent and its counts
        const x0 = Math.max(LABEL_W, X(grp.s0)), x1 = Math.min(LABEL_W + pw, X(grp.e1));
        if (x1 > x0) { ctx.fillStyle = '#b9c4d0'; ctx.fillRect(x0, y + ROW_H / 2 - 1, Math.max(1, x1 - x0), 2); }
        const counts = fmtInt(grp.n) + ' goroutines' + (grp.overruns ? ' · ' + grp.overruns + ' overruns' : '') + (grp.leaks ? ' · ' + grp.leaks + ' leak candidates' : '');
        ctx.fillStyle = grp.overruns ? COLOR_OVERRUN : grp.leaks ? COLOR_LEAK : '#5f6b7a';
        ctx.textAlign = 'right';
        ctx.fillText(counts, LABEL_W + pw - 2, y + ROW_H / 2);
        rec.group = grp.id; rec.label = grp.label; rec.open = grp.open; rec.count = grp.n;
        rec.overruns = grp.overruns; rec.leaks = grp.leaks;
      } else if (row.k === ROW_DENSITY) {
        drawDensity(row, y, rec);
      } else {
        drawLane(row, y, rec);
      }
      drawn.push(rec);
    }

    function drawLane(row, y, rec) {
      const g = row.g, pw = plotW();
      const rel = related ? related.get(g) : undefined;
      if (rel) {
        ctx.fillStyle = rel === 'self' ? '#ffe98a' : rel === 'ancestor' ? '#fff6cc' : '#dfeaff';
        ctx.fillRect(0, y, W, ROW_H);
      }
      const indent = 6 + row.d * 10 + (mode === 'trace' && tdepth ? Math.min(tdepth[g], 12) * 8 : 0);
      const color = has(g, F.OVERRUN) ? '#b71c1c' : has(g, F.LEAK) ? COLOR_LEAK : '#1d232b';
      labelText(goid[g] + '  ' + shortFn(siteFn(site[g]) || '?'), indent, y, color, rel === 'self');
      rec.goid = goid[g]; rec.g = g; rec.pid = PROCS[proc[g]].pid;
      const s = start[g], e = end[g];
      ctx.save();
      ctx.beginPath(); ctx.rect(LABEL_W, y, pw, ROW_H); ctx.clip();
      ctx.globalAlpha = related && !rel ? 0.3 : 1;
      const by = y + 3, bh = ROW_H - 6;
      const xs = X(s), xe = Math.max(X(e), xs + 1.5);
      rec.x0 = xs; rec.x1 = xe;
      if (xe >= LABEL_W && xs <= LABEL_W + pw) {
        const p0 = parkOff[g], p1 = parkOff[g + 1];
        ctx.fillStyle = (p1 > p0 || deepProc[proc[g]]) ? CAT.running.c : CAT.alive.c;
        ctx.fillRect(xs, by, xe - xs, bh);
        for (let k = p0; k < p1; k++) {
          const ps = Math.max(PK.start[k], s), pe = PK.end[k] < 0 ? e : PK.end[k];
          const x0 = X(ps), x1 = X(pe);
          if (x1 < LABEL_W || x0 > LABEL_W + pw) continue;
          ctx.fillStyle = CAT[catOf(PK.reason[k])].c;
          ctx.fillRect(x0, by, Math.max(x1 - x0, 0.6), bh);
        }
        const e0 = eventOff[g], e1 = eventOff[g + 1];
        for (let k = e0; k < e1; k++) {
          const at = EV.at[k];
          if (at < 0) continue;
          const x0 = X(at);
          if (EV.dur[k] >= 0) {
            const x1 = X(at + EV.dur[k]);
            if (x1 < LABEL_W || x0 > LABEL_W + pw) continue;
            ctx.fillStyle = CAT[eventCategory(k)].c;
            ctx.fillRect(x0, by + bh - 3, Math.max(x1 - x0, 0.8), 3);
          } else if (x0 >= LABEL_W && x0 <= LABEL_W + pw) {
            ctx.fillStyle = '#263238';
            ctx.fillRect(Math.round(x0), y + 1, 1, 3);
          }
        }
        const k = ovIdx[g];
        if (k >= 0) {
          const dl = OV.deadline[k];
          const x0 = Math.max(X(dl), xs);
          ctx.fillStyle = COLOR_OVERRUN;
          ctx.fillRect(x0, by, Math.max(xe - x0, 1.5), bh);
          const dx = Math.round(X(dl));
          ctx.fillStyle = COLOR_DEADLINE;
          ctx.fillRect(dx - 1, y, 2, ROW_H);
          rec.overrunX0 = x0; rec.overrunX1 = Math.max(xe, x0 + 1.5); rec.deadlineX = dx;
          if (xe + 60 < LABEL_W + pw) {
            ctx.textAlign = 'left'; ctx.fillStyle = '#b71c1c';
            ctx.fillText('+' + fmtDur(OV.overrunNs[k] / 1000), xe + 4, y + ROW_H / 2);
          }
        }
        if (!finished(g)) { // open end: a notch
          ctx.fillStyle = '#37474f';
          ctx.beginPath(); ctx.moveTo(xe, by - 1); ctx.lineTo(xe + 5, y + ROW_H / 2); ctx.lineTo(xe, by + bh + 1); ctx.fill();
        }
        if (has(g, F.LEAK)) {
          ctx.strokeStyle = COLOR_LEAK; ctx.lineWidth = 2;
          ctx.strokeRect(xs + 1, by - 1, Math.max(xe - xs - 2, 1), bh + 2);
          ctx.fillStyle = COLOR_LEAK;
          ctx.beginPath(); ctx.moveTo(xe + 6, y + 2); ctx.lineTo(xe + 11, y + ROW_H / 2); ctx.lineTo(xe + 6, y + ROW_H - 2); ctx.lineTo(xe + 1, y + ROW_H / 2); ctx.fill();
          ctx.lineWidth = 1;
          rec.leakX = xe + 6;
        }
        if (rel === 'self') { ctx.strokeStyle = '#000'; ctx.strokeRect(xs - 0.5, by - 0.5, xe - xs + 1, bh + 1); }
      }
      ctx.restore();
      rec.overrun = has(g, F.OVERRUN); rec.leak = has(g, F.LEAK); rec.related = rel || null;
    }

    function densityColumns(den) {
      const pw = plotW(), cols = Math.max(1, Math.ceil(pw));
      if (den.cache && den.cache.vs === vs && den.cache.ve === ve && den.cache.cols === cols) return den.cache;
      const alive = new Float64Array(cols + 2), red = new Float64Array(cols + 2), leak = new Float64Array(cols + 2);
      const k = cols / (ve - vs);
      const col = (t) => Math.min(cols, Math.max(0, Math.floor((t - vs) * k)));
      for (const g of den.members) {
        const s = start[g], e = end[g];
        if (e < vs || s > ve) continue;
        const c0 = col(s), c1 = Math.max(c0 + 1, Math.min(cols, Math.ceil((e - vs) * k)));
        alive[c0]++; alive[c1]--;
        const o = ovIdx[g];
        if (o >= 0) { const d0 = Math.max(c0, col(OV.deadline[o])); if (d0 < c1) { red[d0]++; red[c1]--; } }
        if (has(g, F.LEAK)) { leak[c0]++; leak[c1]--; }
      }
      let max = 0;
      for (let c = 1; c <= cols; c++) { alive[c] += alive[c - 1]; red[c] += red[c - 1]; leak[c] += leak[c - 1]; }
      for (let c = 0; c < cols; c++) if (alive[c] > max) max = alive[c];
      den.cache = { vs, ve, cols, alive, red, leak, max };
      return den.cache;
    }

    function drawDensity(row, y, rec) {
      const den = row.den, pw = plotW();
      const label = '× ' + fmtInt(den.members.length) + '  ' + (den.label || shortFn(siteFn(den.site)) || '?');
      labelText(label, 6 + row.d * 10, y, '#37474f');
      const c = densityColumns(den);
      const bh = ROW_H - 3;
      const color = den.site >= 0 ? siteColor(den.site) : '#9aa5b1';
      let redCols = 0;
      for (let x = 0; x < c.cols; x++) {
        const n = c.alive[x];
        if (n <= 0) continue;
        const h = Math.max(2, Math.round(bh * n / c.max));
        ctx.fillStyle = color;
        ctx.fillRect(LABEL_W + x, y + ROW_H - 1 - h, 1, h);
        if (c.red[x] > 0) {
          const hr = Math.max(2, Math.round(bh * c.red[x] / c.max));
          ctx.fillStyle = COLOR_OVERRUN; ctx.fillRect(LABEL_W + x, y + ROW_H - 1 - hr, 1, hr);
          redCols++;
        }
        if (c.leak[x] > 0) { ctx.fillStyle = COLOR_LEAK; ctx.fillRect(LABEL_W + x, y + 1, 1, 2); }
      }
      ctx.fillStyle = '#eef1f5'; ctx.fillRect(LABEL_W, y + ROW_H - 1, pw, 1);
      rec.site = den.site; rec.count = den.members.length; rec.maxAlive = c.max; rec.overrunColumns = redCols;
      rec.label = label;
    }

    // --- interaction
    function rowAt(y) {
      if (y < AXIS_H) return -1;
      const r = Math.floor((y - AXIS_H + scroll.scrollTop) / ROW_H);
      return r >= 0 && r < rows.length ? r : -1;
    }
    function toggle(grp) {
      grp.open = !grp.open;
      buildRows(); requestDraw();
    }
    function select(g) {
      selected = g;
      related = new Map();
      if (g >= 0) {
        for (let a = parent[g], n = 0; a >= 0 && n < 4096; a = parent[a], n++) related.set(a, 'ancestor');
        for (let c = childOff[g]; c < childOff[g + 1]; c++) related.set(childList[c], 'child');
        related.set(g, 'self');
      } else related = null;
      renderInfo();
      requestDraw();
    }
    function renderInfo() {
      const info = $('tl-info');
      info.innerHTML = '';
      if (selected < 0) { info.textContent = 'Click a lane to see its goroutine, its parent chain and its children.'; return; }
      const g = selected;
      info.append(el('div', { html: describe(g) }));
      const chain = el('div', { class: 'chain' }, el('span', { class: 'k', text: 'parent chain: ' }));
      const anc = [];
      for (let a = parent[g], n = 0; a >= 0 && n < 64; a = parent[a], n++) anc.push(a);
      if (!anc.length) chain.append('none known');
      anc.reverse().forEach((a) => { chain.append(goidLink(a, goid[a] + ' ' + shortFn(siteFn(site[a]))), ' → '); });
      if (anc.length) chain.append(el('b', { text: String(goid[g]) }));
      info.append(chain);
      const kids = el('div', { class: 'kids' }, el('span', { class: 'k', text: 'children (' + childCount(g) + '): ' }));
      for (let c = childOff[g], n = 0; c < childOff[g + 1] && n < 60; c++, n++) {
        kids.append(goidLink(childList[c], goid[childList[c]] + ' ' + shortFn(siteFn(site[childList[c]]))), ' ');
      }
      if (childCount(g) > 60) kids.append('… and ' + (childCount(g) - 60) + ' more');
      if (!childCount(g)) kids.append('none');
      info.append(kids);
    }
    /** Opens the groups holding g, scrolls its lane into view and selects it. */
    function reveal(g) {
      showView('timeline');
      for (let grp = groupOf[g]; grp; grp = grp.parentGroup) grp.open = true;
      buildRows();
      let r = -1;
      for (let i = 0; i < rows.length; i++) if (rows[i].k === ROW_LANE && rows[i].g === g) { r = i; break; }
      if (r >= 0) {
        const y = r * ROW_H;
        if (y < scroll.scrollTop || y > scroll.scrollTop + H - AXIS_H - 2 * ROW_H) scroll.scrollTop = Math.max(0, y - (H - AXIS_H) / 2);
        if (start[g] > ve || end[g] < vs) { const span = ve - vs; vs = start[g] - span * 0.1; ve = vs + span; }
      }
      select(g);
    }

    function tooltipFor(r, x, cx, cy) {
      const row = rows[r];
      if (row.k === ROW_GROUP) {
        const grp = row.grp;
        showTooltip('<b>' + esc(grp.label) + '</b>' + kv('goroutines', fmtInt(grp.n)) + kv('span', fmtAt(grp.s0) + ' → ' + fmtAt(grp.e1))
          + (grp.overruns ? kv('deadline overruns', grp.overruns) : '') + (grp.leaks ? kv('leak candidates', grp.leaks) : '')
          + '<div class="k">click to ' + (grp.open ? 'close' : 'open') + '</div>', cx, cy);
      } else if (row.k === ROW_DENSITY) {
        const den = row.den, c = densityColumns(den);
        const col = Math.floor(x - LABEL_W);
        const n = col >= 0 && col < c.cols ? c.alive[col] : 0;
        showTooltip('<b>' + esc(den.label || siteName(den.site)) + '</b>'
          + (den.site >= 0 ? kv('created at', '<code>' + esc(siteWhere(den.site)) + '</code>') : '')
          + kv('goroutines', fmtInt(den.members.length) + ' (aggregated: their group is closed)')
          + kv('alive at the cursor', fmtInt(n) + ' around ' + fmtAt(T(x)))
          + (c.red[col] > 0 ? kv('past a deadline there', fmtInt(c.red[col])) : '')
          + '<div class="k">click to open the group as lanes</div>', cx, cy);
      } else {
        showTooltip(describe(row.g, x >= LABEL_W ? T(x) : null), cx, cy);
      }
    }

    let drag = null;
    canvas.addEventListener('mousedown', (ev) => {
      drag = { x: ev.clientX, y: ev.clientY, moved: false };
      canvas.classList.add('dragging');
    });
    window.addEventListener('mouseup', (ev) => {
      if (!drag) return;
      const d = drag; drag = null;
      canvas.classList.remove('dragging');
      if (d.moved) return;
      const rect = canvas.getBoundingClientRect();
      if (ev.target !== canvas) return;
      const r = rowAt(ev.clientY - rect.top);
      if (r < 0) return;
      const row = rows[r];
      if (row.k === ROW_GROUP || row.k === ROW_DENSITY) { toggle(row.grp); hideTooltip(); }
      else select(row.g === selected ? -1 : row.g);
    });
    canvas.addEventListener('mousemove', (ev) => {
      const rect = canvas.getBoundingClientRect();
      const x = ev.clientX - rect.left, y = ev.clientY - rect.top;
      if (drag) {
        const dx = ev.clientX - drag.x;
        if (Math.abs(dx) > 2 || drag.moved) { drag.moved = true; pan(dx); drag.x = ev.clientX; hideTooltip(); }
        return;
      }
      const r = rowAt(y);
      if (r < 0) { hideTooltip(); return; }
      tooltipFor(r, x, ev.clientX, ev.clientY);
    });
    canvas.addEventListener('mouseleave', hideTooltip);
    canvas.addEventListener('wheel', (ev) => {
      const rect = canvas.getBoundingClientRect();
      const x = ev.clientX - rect.left;
      if (ev.ctrlKey || ev.metaKey || ev.altKey) {
        ev.preventDefault();
        zoom(Math.pow(1.0015, -ev.deltaY), x >= LABEL_W ? T(x) : null);
      } else if (ev.shiftKey) {
        ev.preventDefault();
        pan(-(ev.deltaY || ev.deltaX) / 2);
      }
    }, { passive: false });
    canvas.addEventListener('dblclick', (ev) => {
      const rect = canvas.getBoundingClientRect();
      const x = ev.clientX - rect.left;
      if (x >= LABEL_W) zoom(2, T(x));
    });
    scroll.addEventListener('scroll', () => { hideTooltip(); requestDraw(); });
    window.addEventListener('resize', () => { resize(); requestDraw(); });
    $('tl-zoom-in').addEventListener('click', () => zoom(2));
    $('tl-zoom-out').addEventListener('click', () => zoom(0.5));
    $('tl-fit').addEventListener('click', () => { fit(); requestDraw(); });
    $('tl-expand').addEventListener('click', () => { allGroups((x) => { x.open = true; }); buildRows(); requestDraw(); });
    $('tl-collapse').addEventListener('click', () => { allGroups((x) => { x.open = false; }); buildRows(); requestDraw(); });
    $('tl-group').addEventListener('change', (ev) => { setGrouping(ev.target.value); });

    function setGrouping(m) {
      mode = m === 'site' ? 'site' : 'trace';
      $('tl-group').value = mode;
      buildGroups(); buildRows(); scroll.scrollTop = 0; requestDraw();
    }

    function legend() {
      const lg = $('tl-legend');
      const item = (color, text, extra) => el('span', null, el('span', { class: 'sw', style: 'background:' + color + (extra || '') }), text);
      const deep = deepProc.some((x) => x);
      const cats = deep ? ['running', 'chan', 'sync', 'io', 'sleep', 'gc', 'syscall', 'other'] : ['alive'];
      if (!deep) { // duration events (mutex waits, syscalls…) still have their colours
        const seen = new Set();
        for (let k = 0; k < Math.min(EV.dur.length, 50000); k++) if (EV.dur[k] >= 0 && EV.at[k] >= 0) seen.add(eventCategory(k));
        for (const c of ['running', 'chan', 'sync', 'io', 'sleep', 'gc', 'syscall', 'other']) if (seen.has(c)) cats.push(c);
      }
      for (const c of cats) lg.append(item(CAT[c].c, CAT[c].l));
      lg.append(item(COLOR_OVERRUN, 'past the deadline (overrun)'), item(COLOR_DEADLINE, 'the context\'s deadline'),
        item('transparent', 'leak candidate', ';border:2px solid ' + COLOR_LEAK), item('#37474f', 'still running at the end (notch)'));
      if (D.stw.start.length) lg.append(item(COLOR_STW, 'stop-the-world'));
    }

    function init() {
      fit();
      legend();
      buildGroups();
      resize();
      buildRows();
      draw();
    }

    return {
      init, draw, requestDraw, reveal, select, setGrouping, zoom, pan, fit: () => { fit(); requestDraw(); },
      toggle: (id) => { allGroups((x) => { if (x.id === id) toggle(x); }); },
      drawn: () => drawn.slice(),
      revealGoid: (id, pid) => {
        for (let i = 0; i < N; i++) {
          if (goid[i] === id && (pid == null || PROCS[proc[i]].pid === pid)) { reveal(i); draw(); return true; }
        }
        return false;
      },
      laneCount: () => rows.reduce((n, r) => n + (r.k === ROW_LANE ? 1 : 0), 0),
      densityRows: () => rows.filter((r) => r.k === ROW_DENSITY).map((r) => ({ count: r.den.members.length, site: r.den.site, group: r.grp.id })),
      rowCount: () => rows.length,
      view: () => ({ start: vs, end: ve, labelWidth: LABEL_W, plotWidth: plotW(), rowHeight: ROW_H, axisHeight: AXIS_H, scrollTop: scroll.scrollTop }),
      selected: () => (selected >= 0 ? goid[selected] : -1),
      related: () => (related ? [...related.entries()].map(([g, r]) => ({ goid: goid[g], relation: r })) : []),
      groups: () => { const out = []; allGroups((x) => out.push({ id: x.id, kind: x.kind, label: x.label, open: x.open, count: x.n, overruns: x.overruns, leaks: x.leaks })); return out; },
      mode: () => mode,
      scrollToRow: (r) => { scroll.scrollTop = r * ROW_H; draw(); },
      xOf: X,
    };
  })();

  // ---------------------------------------------------------------- spawn tree
  const tree = (function () {
    const PAGE = 100;
    const root = $('tree-root');
    let built = false;

    /** Children of g (or the roots when g < 0) grouped by creation site, in start order. */
    function kidsOf(g, procIdx) {
      const list = [];
      if (g >= 0) { for (let c = childOff[g]; c < childOff[g + 1]; c++) list.push(childList[c]); }
      else { for (let k = 0; k < N; k++) { const i = byStart[k]; if (parent[i] < 0 && proc[i] === procIdx) list.push(i); } }
      const by = new Map();
      for (const c of list) { let a = by.get(site[c]); if (!a) { a = []; by.set(site[c], a); } a.push(c); }
      return [...by.entries()];
    }
    function badges(g) {
      const out = [];
      if (has(g, F.OVERRUN)) out.push(el('span', { class: 'badge overrun', text: 'overrun' }));
      if (has(g, F.LEAK)) out.push(el('span', { class: 'badge leak', text: 'leak' }));
      if (!finished(g)) out.push(el('span', { class: 'badge partial', text: 'running' }));
      return out;
    }
    function toggleEl(li, fill) {
      const t = el('span', { class: 'toggle', text: '▸', role: 'button', 'aria-label': 'open' });
      t.addEventListener('click', () => setOpen(li, !li.classList.contains('open'), fill));
      return t;
    }
    function setOpen(li, open, fill) {
      if (!fill) return;
      li.classList.toggle('open', open);
      const t = li.querySelector(':scope > .row > .toggle');
      if (t) { t.textContent = open ? '▾' : '▸'; t.setAttribute('aria-label', open ? 'close' : 'open'); }
      let ul = li.querySelector(':scope > ul');
      if (open && !ul) { ul = el('ul', { role: 'group' }); li.append(ul); fill(ul); }
      if (ul) ul.hidden = !open;
    }
    function nodeLi(g) {
      const n = childCount(g);
      const li = el('li', { class: 'node', 'data-goid': goid[g], 'data-g': g, 'data-children': n, 'data-descendants': desc[g], role: 'treeitem' });
      const fill = n ? (ul) => fillKids(ul, g, -1) : null;
      li._fill = fill;
      li.append(el('span', { class: 'row' }, n ? toggleEl(li, fill) : el('span', { class: 'toggle', text: '·' }),
        goidLink(g), el('span', { class: 'fn', text: shortFn(siteFn(site[g]) || '?') }),
        el('span', { class: 'where', text: siteWhere(site[g]) }),
        el('span', { class: 'counts', text: n ? n + ' children · ' + desc[g] + ' descendants' : '' }), ...badges(g)));
      return li;
    }
    function groupLi(s, members) {
      let total = 0, ov = 0, lk = 0;
      for (const g of members) { total += desc[g] + 1; if (has(g, F.OVERRUN)) ov++; if (has(g, F.LEAK)) lk++; }
      const li = el('li', { class: 'group', 'data-site': s, 'data-count': members.length, 'data-subtree': total, role: 'treeitem' });
      const fill = (ul) => fillPage(ul, members, 0);
      li._fill = fill;
      li.append(el('span', { class: 'row' }, toggleEl(li, fill),
        el('span', { class: 'fn', text: shortFn(siteName(s)) + ' × ' + fmtInt(members.length) }),
        el('span', { class: 'where', text: siteWhere(s) }),
        el('span', { class: 'counts', text: fmtInt(total) + ' goroutines in these subtrees' }),
        ov ? el('span', { class: 'badge overrun', text: ov + ' overruns' }) : null,
        lk ? el('span', { class: 'badge leak', text: lk + ' leaks' }) : null));
      return li;
    }
    function fillPage(ul, members, from) {
      const to = Math.min(members.length, from + PAGE);
      for (let k = from; k < to; k++) ul.append(nodeLi(members[k]));
      if (to < members.length) {
        const more = el('button', { class: 'more', text: 'show ' + Math.min(PAGE, members.length - to) + ' more (of ' + fmtInt(members.length) + ')' });
        more.addEventListener('click', () => { more.remove(); fillPage(ul, members, to); });
        ul.append(el('li', null, more));
      }
    }
    function fillKids(ul, g, procIdx) {
      for (const [s, members] of kidsOf(g, procIdx)) ul.append(members.length === 1 ? nodeLi(members[0]) : groupLi(s, members));
    }
    function build() {
      root.innerHTML = '';
      if (!N) { root.append(el('li', { text: 'No goroutines.' })); return; }
      if (PROCS.length === 1) fillKids(root, -1, 0);
      else PROCS.forEach((p, i) => {
        const li = el('li', { class: 'process', role: 'treeitem' });
        const fill = (ul) => fillKids(ul, -1, i);
        li._fill = fill;
        li.append(el('span', { class: 'row' }, toggleEl(li, fill), el('span', { class: 'fn', text: 'pid ' + p.pid + ' ' + (p.executable || '?') }),
          el('span', { class: 'counts', text: fmtInt(p.goroutines) + ' goroutines' })));
        root.append(li);
      });
      expandMore(150);
      built = true;
    }
    /** Opens closed nodes breadth first until about `budget` more rows are visible. */
    function expandMore(budget) {
      let shown = root.querySelectorAll('li').length;
      const limit = shown + budget;
      let frontier = [...root.children];
      while (frontier.length && shown < limit) {
        const next = [];
        for (const li of frontier) {
          if (shown >= limit) break;
          if (li._fill && !li.classList.contains('open')) {
            setOpen(li, true, li._fill);
            shown = root.querySelectorAll('li').length;
          }
          const ul = li.querySelector(':scope > ul');
          if (ul) next.push(...ul.children);
        }
        frontier = next;
      }
      $('tree-status').textContent = fmtInt(root.querySelectorAll('li.node').length) + ' goroutine nodes and '
        + fmtInt(root.querySelectorAll('li.group').length) + ' site groups shown of ' + fmtInt(N) + ' goroutines';
    }
    $('tree-expand').addEventListener('click', () => expandMore(300));
    $('tree-collapse').addEventListener('click', () => {
      for (const li of root.querySelectorAll('li.open')) setOpen(li, false, li._fill);
      $('tree-status').textContent = '';
    });
    return { ensure: () => { if (!built) build(); }, expandMore };
  })();

  // ---------------------------------------------------------------- flame graph
  const flame = (function () {
    const svg = $('fg-svg');
    const FRAME_H = 18;
    const hasStacks = D.stacks.g.length > 0;
    // a sampled run (stacks for most goroutines) opens on its stacks, others on creation chains
    let mode = hasStacks && D.stacks.g.length * 2 >= N ? 'sampled' : 'creation', weight = 'count';
    let rootNode = null, focus = null;
    let hidden = 0;
    let built = false;

    function node(parentNode, key, name, where) {
      let n = parentNode.kids.get(key);
      if (!n) {
        n = { key, name, where, kids: new Map(), parent: parentNode, count: 0, secs: 0, self: 0, overruns: 0, selfOverruns: 0, depth: parentNode.depth + 1 };
        parentNode.kids.set(key, n);
      }
      return n;
    }
    function build() {
      rootNode = { key: 'root', name: 'all goroutines', where: '', kids: new Map(), parent: null, count: 0, secs: 0, self: 0, overruns: 0, selfOverruns: 0, depth: 0 };
      const leafOf = new Array(N);
      const addUp = (n, g) => {
        const secs = (end[g] - start[g]) / 1e6;
        n.self++;
        if (has(g, F.OVERRUN)) n.selfOverruns++;
        for (let a = n; a; a = a.parent) { a.count++; a.secs += secs; if (has(g, F.OVERRUN)) a.overruns++; }
      };
      if (mode === 'sampled' && hasStacks) {
        const frames = D.stacks.frames;
        D.stacks.g.forEach((g, k) => {
          let n = rootNode;
          for (const f of frames[k]) n = node(n, 'f' + f, str(f), '');
          leafOf[g] = n;
          addUp(n, g);
        });
      } else {
        // creation chain: the sites of the goroutine's ancestors, outermost first
        const path = [];
        for (let i = 0; i < N; i++) {
          let at = i;
          while (leafOf[at] === undefined && parent[at] >= 0 && path.length < 4096) { path.push(at); at = parent[at]; }
          if (leafOf[at] === undefined) leafOf[at] = node(rootNode, 's' + site[at], siteName(site[at]), siteWhere(site[at]));
          let n = leafOf[at];
          while (path.length) {
            const g = path.pop();
            n = node(n, 's' + site[g], siteName(site[g]), siteWhere(site[g]));
            leafOf[g] = n;
          }
        }
        for (let i = 0; i < N; i++) addUp(leafOf[i], i);
      }
      focus = rootNode;
      built = true;
    }
    const w = (n) => (weight === 'count' ? n.count : n.secs);
    function frameColor(n) {
      let h = 0;
      for (let i = 0; i < n.name.length; i++) h = (h * 31 + n.name.charCodeAt(i)) | 0;
      h = ((h % 1000) + 1000) % 1000;
      return 'hsl(' + (10 + (h % 45)) + ',' + (70 + (h % 20)) + '%,' + (58 + (h % 12)) + '%)';
    }
    function render() {
      if (!built) build();
      const width = svg.parentNode.clientWidth || 1000;
      svg.innerHTML = '';
      hidden = 0;
      const NS = 'http://www.w3.org/2000/svg';
      const frames = [];
      // ancestors of the focus, full width
      const chain = [];
      for (let a = focus; a; a = a.parent) chain.unshift(a);
      let maxDepth = 0;
      const add = (n, x, wd, d, ancestor) => {
        if (wd < 0.5) { hidden++; return; }
        maxDepth = Math.max(maxDepth, d);
        frames.push({ n, x, wd, d, ancestor });
      };
      chain.forEach((a, d) => { if (a !== focus) add(a, 0, width, d, true); });
      const baseDepth = chain.length - 1;
      const total = w(focus) || 1;
      const walk = (n, x, d) => {
        const wd = width * w(n) / total;
        add(n, x, wd, d, false);
        if (wd < 0.5) return;
        let cx = x;
        const kids = [...n.kids.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const k of kids) { walk(k, cx, d + 1); cx += width * w(k) / total; }
      };
      walk(focus, 0, baseDepth);
      svg.setAttribute('height', (maxDepth + 1) * FRAME_H + 4);
      svg.setAttribute('viewBox', '0 0 ' + width + ' ' + ((maxDepth + 1) * FRAME_H + 4));
      const frag = document.createDocumentFragment();
      for (const f of frames) {
        const n = f.n;
        const gEl = document.createElementNS(NS, 'g');
        gEl.setAttribute('class', 'frame' + (f.ancestor ? ' ancestor' : '') + (n.selfOverruns ? ' overrun' : ''));
        gEl.setAttribute('data-name', n.name);
        gEl.setAttribute('data-where', n.where);
        gEl.setAttribute('data-depth', f.d);
        gEl.setAttribute('data-count', n.count);
        gEl.setAttribute('data-self', n.self);
        gEl.setAttribute('data-seconds', n.secs.toFixed(6));
        gEl.setAttribute('data-path', pathOf(n));
        const rect = document.createElementNS(NS, 'rect');
        rect.setAttribute('x', f.x.toFixed(2)); rect.setAttribute('y', f.d * FRAME_H);
        rect.setAttribute('width', Math.max(0.5, f.wd - 0.5).toFixed(2)); rect.setAttribute('height', FRAME_H - 1);
        rect.setAttribute('fill', n === rootNode ? '#cfd8dc' : frameColor(n));
        const title = document.createElementNS(NS, 'title');
        const pct = rootNode.count ? (100 * w(n) / (w(rootNode) || 1)).toFixed(1) : '0';
        title.textContent = n.name + (n.where ? '\ncreated at ' + n.where : '') + '\n' + fmtInt(n.count) + ' goroutines ('
          + n.self + ' here, the rest below) · ' + n.secs.toFixed(3) + ' goroutine-seconds · ' + pct + '% of the ' + (weight === 'count' ? 'goroutines' : 'goroutine-seconds')
          + (n.overruns ? '\n' + n.overruns + ' deadline overruns' + (n.selfOverruns ? ' (' + n.selfOverruns + ' here)' : ' below') : '');
        gEl.append(title, rect);
        if (f.wd > 30) {
          const text = document.createElementNS(NS, 'text');
          text.setAttribute('x', (f.x + 3).toFixed(2)); text.setAttribute('y', f.d * FRAME_H + 12.5);
          const label = shortFn(n.name) + ' (' + (weight === 'count' ? fmtInt(n.count) : n.secs.toFixed(2) + ' s') + ')';
          const fit = Math.floor((f.wd - 6) / 6.7);
          text.textContent = label.length <= fit ? label : label.slice(0, Math.max(0, fit - 1)) + '…';
          gEl.append(text);
        }
        gEl.addEventListener('click', () => { focus = n; render(); });
        frag.append(gEl);
      }
      svg.append(frag);
      $('fg-status').textContent = (mode === 'sampled' ? 'sampled stacks of ' + fmtInt(D.stacks.g.length) + ' goroutines' : 'creation chains of ' + fmtInt(N) + ' goroutines')
        + ' · ' + fmtInt(frames.length) + ' frames' + (hidden ? ' (' + fmtInt(hidden) + ' narrower than half a pixel not drawn)' : '')
        + (focus !== rootNode ? ' · zoomed on ' + shortFn(focus.name) : '');
    }
    function pathOf(n) {
      const parts = [];
      for (let a = n; a && a.parent; a = a.parent) parts.unshift(a.key);
      return parts.join('/');
    }
    for (const r of document.querySelectorAll('input[name="fg-mode"]')) {
      r.checked = r.value === mode;
      if (r.value === 'sampled' && !hasStacks) { r.disabled = true; r.parentNode.title = 'no sampled stacks in this run (sampled mode records them)'; }
      r.addEventListener('change', () => { mode = r.value; built = false; render(); });
    }
    for (const r of document.querySelectorAll('input[name="fg-weight"]')) {
      r.addEventListener('change', () => { weight = r.value; render(); });
    }
    $('fg-reset').addEventListener('click', () => { focus = rootNode; render(); });
    return {
      render,
      setMode: (m) => { mode = m; built = false; render(); },
      setWeight: (x) => { weight = x; document.querySelector('input[name="fg-weight"][value="' + x + '"]').checked = true; render(); },
      frames: () => [...svg.querySelectorAll('g.frame')].map((e) => ({ name: e.dataset.name, path: e.dataset.path, count: +e.dataset.count, seconds: +e.dataset.seconds, depth: +e.dataset.depth })),
      focus: () => (focus ? focus.name : null),
    };
  })();

  // ---------------------------------------------------------------- about
  function renderAbout() {
    const a = $('view-about');
    a.innerHTML = '<h2>What each view shows</h2><dl>'
      + '<dt>Timeline</dt><dd>One lane per goroutine, from its creation to its exit (a notch at the end: still running when the run ended). Grouped by <b>trace</b> (a goroutine and the goroutines it started, as goroscope\'s spans are; traces whose roots share a creation site — e.g. one per HTTP connection — are gathered under one row) or by <b>creation site</b> (the <code>go</code> statement). Colours: in deep mode (<code>--deep</code>) green while running or runnable and the wait reason\'s colour while parked; without it the state in between is not observed. Red: the part of a lane past the deadline of a context its creator held (a deadline overrun), with the deadline drawn as a dark red line. Purple outline and diamond: a leak candidate. Hover for details; click a lane to highlight its parent chain (pale yellow) and children (pale blue); drag to pan; Ctrl+wheel, double-click or the +/− buttons to zoom; shift+wheel to pan.</dd>'
      + '<dt>Aggregation</dt><dd>At most ' + fmtInt(ROW_BUDGET) + ' rows are open when the report opens: groups are opened breadth first, in order of start, as long as the rows stay within that budget. A group that would exceed it stays closed and shows one <b>density row</b> per creation site (its ' + DENSITY_SITES + ' biggest; the rest share one row): for each pixel column, the bar\'s height is how many of those goroutines were alive then (relative to the row\'s maximum), red how many were past a deadline, a purple tick where leak candidates were alive. Click a group or density row to open it as lanes (any number: only the lanes in view are drawn). The status line says how many groups are closed.</dd>'
      + '<dt>Spawn tree</dt><dd>Who started whom. Siblings created at the same site are gathered into one node (<i>main.worker × 16</i>) with the number of goroutines in their subtrees; open it to see each goroutine (' + 100 + ' at a time). Each goroutine says how many children and descendants it has.</dd>'
      + '<dt>Goroutine flame graph</dt><dd>Each goroutine is a stack of creation sites: the sites of its ancestors from the root of its spawn tree down to its own (<i>creation chain</i>); when the run has sampled stacks (sampled mode), the <i>sampled stacks</i> choice uses those instead. A frame\'s width is the number of goroutines whose stack passes through it, or their total lifetime (<i>goroutine-seconds</i>). Click a frame to zoom on it; its ancestors stay on top, pale. Frames narrower than half a pixel are not drawn (the status line counts them). Frames outlined in red are goroutines that overran a deadline.</dd>'
      + '<dt>Summary</dt><dd>Counts, deadline overruns by creation site, leak groups (leak candidates by creation site and wait reason, and the channel or lock they wait on when the run knows it), processes, kernel events lost and anything in the input this report could not read.</dd>'
      + '</dl><h2>Times</h2><p>Times are relative to the first event of the run (' + (D.t0UnixMs != null ? new Date(D.t0UnixMs).toISOString() : 'unknown wall time') + '). Goroutines that existed before goroscope attached start at the attach time.</p>';
  }

  // ---------------------------------------------------------------- tabs and start-up
  const views = ['timeline', 'tree', 'flame', 'about'];
  function showView(v) {
    for (const x of views) $('view-' + x).hidden = x !== v;
    for (const b of document.querySelectorAll('#tabs button')) b.setAttribute('aria-selected', b.dataset.view === v ? 'true' : 'false');
    if (v === 'tree') tree.ensure();
    if (v === 'flame') flame.render();
    if (v === 'timeline') { timeline.draw(); }
  }
  for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => { showView(b.dataset.view); history.replaceState(null, '', '#' + b.dataset.view); });

  renderHeader();
  renderSummary();
  renderAbout();
  timings.summaryMs = performance.now();
  timeline.init();
  timings.timelineMs = performance.now();
  performance.mark('goroscope:rendered');
  const initial = location.hash.slice(1);
  if (views.includes(initial) && initial !== 'timeline') showView(initial);

  window.goroscopeReport = {
    ready: true,
    timings,
    counts: { goroutines: N, overruns: overrunCount, leaks: leakCount, stillRunning, eventsLost, processes: PROCS.length },
    show: showView,
    site: (i) => ({ startFunction: siteFn(i), function: str(ST.function[i]), file: str(ST.file[i]), line: ST.line[i] }),
    timeline,
    tree,
    flame,
  };
})();
