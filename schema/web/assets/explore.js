// claimgraph explorer: draws entities and the statements between them with
// Cytoscape.js, each relation styled by how contested it is, and lists the
// claims behind every relation. Loaded by explore.html after the vendored
// cytoscape.min.js (global `cytoscape`). It lives in its own file because the
// page's Content-Security-Policy forbids inline scripts, and it talks only to
// the same-origin /graphql endpoint, through common.js.
//
// The view's state lives in the URL query, so a view can be shared:
//   show=ttp,india          entities whose neighbourhoods are drawn, in order
//   from=india&to=afghan-taliban&rank=shortest|credible&k=3&path=1
//                           the paths searched and which one is highlighted
//   flow=P1Y|any&undated=1  time-flow paths: hops in time order, within the gap
//   types=a,b  status=DISPUTED,REPORTED  asOf=2024-05  reportedBy=2025-06-09
//                           filters (absent: all types, all statuses, any date)
//   time=report  range=2025-06-01..2025-06-30
//                           the timeline's axis (valid time unless report) and
//                           the range dragged on it, which filters the drawing
//   sel=ttp | sel=relation:india.accused-of-backing.ttp
//                           the entity or relation shown in the details panel
//   read=src-86013d487e35f14f&claim=claim:…
//                           the source open in the reader, and the claim
//                           whose quote it shows
(() => {
  'use strict';

  const STATUSES = ['REPORTED', 'ALLEGED', 'DISPUTED', 'DENIED'];
  const STATUS_TEXT = {
    REPORTED: 'Reported: a source states it',
    ALLEGED: 'Alleged: only a party asserts it',
    DISPUTED: 'Disputed: asserted and denied',
    DENIED: 'Denied: only denials',
  };
  const COLORS = {
    REPORTED: '#334155',
    ALLEGED: '#b45309',
    DISPUTED: '#dc2626',
    DENIED: '#94a3b8',
    path: '#facc15',
    ink: '#0f172a',
    accent: '#2563eb',
  };
  // Entity types of the built-in ontology; others get a colour from PALETTE.
  const TYPE_STYLES = {
    Country: { color: '#2563eb', shape: 'round-rectangle' },
    Group: { color: '#7c3aed', shape: 'ellipse' },
    Platform: { color: '#0d9488', shape: 'round-diamond' },
    Official: { color: '#15803d', shape: 'round-triangle' },
    AccountCluster: { color: '#a16207', shape: 'round-hexagon' },
    Organization: { color: '#475569', shape: 'round-pentagon' },
  };
  const PALETTE = ['#be185d', '#0369a1', '#4d7c0f', '#9333ea', '#c2410c', '#0f766e'];
  const FALLBACK_SHAPES = ['round-octagon', 'round-tag', 'barrel', 'rhomboid'];
  const MAX_K = 10;
  const DATE_RE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
  // An ISO 8601 duration of years, months, weeks and days, as timeFlow's maxGap takes it.
  const GAP_RE = /^P(?=\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/;
  // Where the explorer keeps the last view, for the next visit.
  const LAST_VIEW = 'claimgraph.explorer.view';

  // validDate tells whether s is a date the server takes: YYYY, YYYY-MM or
  // YYYY-MM-DD, and a day that exists.
  function validDate(s) {
    if (!DATE_RE.test(s)) return false;
    const [y, m, d] = s.split('-').map(Number);
    if (m !== undefined && (m < 1 || m > 12)) return false;
    if (d !== undefined) {
      const last = new Date(0);
      last.setUTCFullYear(y, m, 0); // day 0 of the next month: the last of this one
      if (d < 1 || d > last.getUTCDate()) return false;
    }
    return true;
  }

  const ENTITY_FIELDS = 'id type name aliases description';
  const RELATION_FIELDS = `id type label status validFrom validUntil attributes { key value }
    claims { id stance quote said credibility recordedBy recordedAt claimant { id name }
      anchor { start end orphaned } source { id title publisher url published reliability } }`;
  const Q_META = '{ ontology { entityTypes { name } relationTypes { name label symmetric } } }';
  // The first entities in id order with their relations: a first visit opens
  // on the best connected of them.
  const Q_HUB = 'query Hub { entities(first: 100) { nodes { id relations { id } } } }';
  const Q_SEARCH = `query Search($q: String!) {
    entities(search: $q, first: 8) { nodes { id type name aliases } } }`;
  const Q_NEIGHBORHOOD = `query Neighborhood($id: ID!, $types: [String!], $status: [Status!], $asOf: String, $reportedBy: String) {
    neighborhood(id: $id, depth: 1, types: $types, status: $status, asOf: $asOf, reportedBy: $reportedBy) {
      nodes { depth entity { ${ENTITY_FIELDS} } }
      hops { from { id } to { id } direction explanation relation { ${RELATION_FIELDS} } } } }`;
  const Q_PATHS = `query Paths($from: ID!, $to: ID!, $k: Int, $mode: PathMode,
      $types: [String!], $status: [Status!], $asOf: String, $reportedBy: String, $timeFlow: TimeFlow) {
    paths(from: $from, to: $to, k: $k, mode: $mode, types: $types, status: $status, asOf: $asOf,
        reportedBy: $reportedBy, timeFlow: $timeFlow) {
      length cost
      hops { from { ${ENTITY_FIELDS} } to { ${ENTITY_FIELDS} } direction cost explanation
        relation { ${RELATION_FIELDS} } } } }`;
  const Q_HISTORY = `query History($id: ID!) { relation(id: $id) { statusHistory {
    status date precision undated claim { id stance claimant { name } source { title } } } } }`;
  const Q_RELATION = `query Relation($id: ID!) {
    relation(id: $id) { ${RELATION_FIELDS} from { ${ENTITY_FIELDS} } to { ${ENTITY_FIELDS} } } }`;

  const $ = (id) => document.getElementById(id);

  // ---- GraphQL -------------------------------------------------------------

  // gql posts one operation to /graphql and returns its data (common.js),
  // with the bearer token the user set; a write from the reader may pass
  // the token typed there instead.
  const { gql } = window.ClaimgraphUI;

  // ---- DOM helpers -----------------------------------------------------------

  // el builds an element and badge a status or stance badge (common.js).
  const { el, badge } = window.ClaimgraphUI;

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    node.append(...children);
    return node;
  }

  // ---- Styles by entity type ---------------------------------------------------

  const typeStyleCache = new Map();
  function typeStyle(type) {
    if (TYPE_STYLES[type]) return TYPE_STYLES[type];
    if (!typeStyleCache.has(type)) {
      let h = 0;
      for (const ch of type) h = (h * 31 + ch.codePointAt(0)) >>> 0;
      typeStyleCache.set(type, {
        color: PALETTE[h % PALETTE.length],
        shape: FALLBACK_SHAPES[h % FALLBACK_SHAPES.length],
      });
    }
    return typeStyleCache.get(type);
  }

  // shapeIcon draws a small legend glyph for a Cytoscape node shape.
  function shapeIcon(shape, color) {
    const common = { fill: color, stroke: '#fff', 'stroke-width': 1 };
    let glyph;
    switch (shape) {
      case 'ellipse': glyph = svg('circle', { cx: 8, cy: 8, r: 6.5, ...common }); break;
      case 'round-diamond': glyph = svg('polygon', { points: '8,1 15,8 8,15 1,8', ...common }); break;
      case 'round-triangle': glyph = svg('polygon', { points: '8,1.5 15,14.5 1,14.5', ...common }); break;
      case 'round-hexagon': glyph = svg('polygon', { points: '4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8', ...common }); break;
      case 'round-pentagon': glyph = svg('polygon', { points: '8,1 15,6.5 12.5,15 3.5,15 1,6.5', ...common }); break;
      default: glyph = svg('rect', { x: 1.5, y: 2.5, width: 13, height: 11, rx: 3, ...common });
    }
    return svg('svg', { width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': 'true' }, glyph);
  }

  // lineIcon draws a legend sample of an edge style.
  function lineIcon(status, onPath) {
    const attrs = { x1: 2, y1: 8, x2: 28, y2: 8, stroke: COLORS[status] || COLORS.REPORTED, 'stroke-width': 2 };
    if (status === 'ALLEGED') attrs['stroke-dasharray'] = '5 3';
    if (status === 'DISPUTED') attrs['stroke-width'] = 4;
    if (status === 'DENIED') { attrs['stroke-dasharray'] = '1.5 3'; attrs['stroke-linecap'] = 'round'; attrs.opacity = 0.7; }
    const parts = [];
    if (onPath) parts.push(svg('line', { x1: 2, y1: 8, x2: 28, y2: 8, stroke: COLORS.path, 'stroke-width': 10, 'stroke-linecap': 'round', opacity: 0.7 }));
    parts.push(svg('line', attrs));
    return svg('svg', { width: 30, height: 16, viewBox: '0 0 30 16', 'aria-hidden': 'true' }, ...parts);
  }

  // ---- State and URL ---------------------------------------------------------

  function emptyState() {
    return {
      show: [], from: '', to: '', rank: 'shortest', k: 3, path: 0, flow: '', undated: false,
      types: null, status: null, asOf: '', reportedBy: '', time: 'valid', range: '', sel: '', read: '', claim: '',
    };
  }

  function list(v) {
    return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
  }

  function readURL() {
    const p = new URLSearchParams(location.search);
    const s = emptyState();
    s.show = [...new Set(list(p.get('show')))];
    s.from = p.get('from') || '';
    s.to = p.get('to') || '';
    s.rank = p.get('rank') === 'credible' ? 'credible' : 'shortest';
    const k = parseInt(p.get('k'), 10);
    s.k = Number.isFinite(k) ? Math.min(Math.max(k, 1), MAX_K) : 3;
    const path = parseInt(p.get('path'), 10);
    s.path = Number.isFinite(path) && path > 0 ? path - 1 : 0;
    if (p.has('types')) s.types = list(p.get('types'));
    if (p.has('status')) s.status = list(p.get('status')).filter((x) => STATUSES.includes(x));
    const asOf = p.get('asOf') || '';
    s.asOf = validDate(asOf) ? asOf : '';
    const reportedBy = p.get('reportedBy') || '';
    s.reportedBy = validDate(reportedBy) ? reportedBy : '';
    const flow = p.get('flow') || '';
    s.flow = flow === 'any' || GAP_RE.test(flow) ? flow : '';
    s.undated = !!s.flow && p.get('undated') === '1';
    s.time = p.get('time') === 'report' ? 'report' : 'valid';
    const range = (p.get('range') || '').split('..');
    s.range = range.length === 2 && range.every(validDate) && range[0] <= range[1] ? range.join('..') : '';
    s.sel = p.get('sel') || '';
    s.read = (p.get('read') || '').replace(/^source:/, '');
    s.claim = s.read ? p.get('claim') || '' : '';
    return s;
  }

  function stateURL(s) {
    const p = new URLSearchParams();
    if (s.show.length) p.set('show', s.show.join(','));
    if (s.from) p.set('from', s.from);
    if (s.to) p.set('to', s.to);
    if (s.from && s.to) {
      if (s.rank !== 'shortest') p.set('rank', s.rank);
      if (s.k !== 3) p.set('k', String(s.k));
      if (s.path > 0) p.set('path', String(s.path + 1));
      if (s.flow) p.set('flow', s.flow);
      if (s.flow && s.undated) p.set('undated', '1');
    }
    if (s.types) p.set('types', s.types.join(','));
    if (s.status) p.set('status', s.status.join(','));
    if (s.asOf) p.set('asOf', s.asOf);
    if (s.reportedBy) p.set('reportedBy', s.reportedBy);
    if (s.time !== 'valid') p.set('time', s.time);
    if (s.range) p.set('range', s.range);
    if (s.sel) p.set('sel', s.sel);
    if (s.read) p.set('read', s.read);
    if (s.read && s.claim) p.set('claim', s.claim);
    // Commas are safe in a query and keep shared links readable.
    const q = p.toString().replaceAll('%2C', ',').replaceAll('%3A', ':');
    return location.pathname + (q ? '?' + q : '');
  }

  let state = readURL();

  // commit records the state in the URL (a new history entry when push is
  // true, so Back undoes a step) and brings the view up to date.
  function commit(push) {
    const url = stateURL(state);
    if (url !== location.pathname + location.search) {
      if (push) history.pushState(null, '', url);
      else history.replaceState(null, '', url);
    }
    saveView();
    refresh();
  }

  // saveView keeps the view's URL query for the next visit to /explore.
  function saveView() {
    try {
      localStorage.setItem(LAST_VIEW, location.search);
    } catch (err) {
      // Storage may be off; the URL still holds the view.
    }
  }

  function savedView() {
    try {
      return localStorage.getItem(LAST_VIEW) || '';
    } catch (err) {
      return '';
    }
  }

  function isEmpty(s) {
    return !s.show.length && !s.from && !s.to && !s.sel && !s.read;
  }

  function filterVars() {
    return {
      types: state.types && state.types.length ? state.types : null,
      status: state.status && state.status.length ? state.status : null,
      asOf: state.asOf || null,
      reportedBy: state.reportedBy || null,
    };
  }

  // A filter that lets nothing through is answered here, without a request.
  function filtersExcludeAll() {
    return (state.types && state.types.length === 0) || (state.status && state.status.length === 0);
  }

  // ---- Data ------------------------------------------------------------------

  const entities = new Map(); // id → {id, type, name, aliases, description}
  const relations = new Map(); // relation id → relation, with subject, object, symmetric, why
  const neighborhoods = new Map(); // cache key → {nodes: [id], rels: [id]} or {error}
  const pathResults = new Map(); // cache key → {paths} or {error}
  let meta = { entityTypes: Object.keys(TYPE_STYLES), relationTypes: [] };

  function keep(e) {
    if (!e) return null;
    const old = entities.get(e.id) || {};
    const merged = { ...old, ...e };
    entities.set(e.id, merged);
    return merged;
  }

  // keepHop records a hop's relation with which end is its subject, whether
  // it reads both ways, and the explanation's evidence summary.
  function keepHop(h) {
    const r = { ...h.relation };
    const forward = h.direction !== 'BACKWARD';
    r.subject = forward ? h.from.id : h.to.id;
    r.object = forward ? h.to.id : h.from.id;
    const { line, why } = splitExplanation(h.explanation || '');
    // Hop explanations draw a symmetric relation with no arrow: "A —allied with— B".
    r.symmetric = line.includes(` —${r.label}— `);
    r.why = why;
    relations.set(r.id, r);
    return r;
  }

  // splitExplanation splits "India —accused of backing→ TTP  [DISPUTED: alleged
  // by Pakistan; denied by India]" into the hop and the evidence.
  function splitExplanation(text) {
    // A time-flow hop ends with its valid time: "…]  (valid from 2021-08)".
    const m = /^(.*?)\s{2}\[[A-Z]+: (.*?)\](?:\s{2}\((.*)\))?$/.exec(text);
    if (!m) return { line: text, why: '' };
    return { line: m[1], why: m[3] ? `${m[2]} · ${m[3]}` : m[2] };
  }

  function cacheKey(...parts) {
    return JSON.stringify([...parts, filterVars()]);
  }

  async function loadNeighborhood(id) {
    const key = cacheKey('n', id);
    if (neighborhoods.has(key)) return neighborhoods.get(key);
    let result;
    if (filtersExcludeAll()) {
      const data = await gql(`query($id: ID!) { entity(id: $id) { ${ENTITY_FIELDS} } }`, { id });
      result = data.entity ? { nodes: [keep(data.entity).id], rels: [] } : { error: `There is no entity “${id}”.` };
    } else {
      try {
        const data = await gql(Q_NEIGHBORHOOD, { id, ...filterVars() });
        const nb = data.neighborhood;
        result = {
          nodes: nb.nodes.map((n) => keep(n.entity).id),
          rels: nb.hops.map((h) => keepHop(h).id),
        };
      } catch (err) {
        result = { error: err.message };
      }
    }
    neighborhoods.set(key, result);
    return result;
  }

  async function loadPaths() {
    const key = cacheKey('p', state.from, state.to, state.rank, state.k, state.flow, state.undated);
    if (pathResults.has(key)) return pathResults.get(key);
    let result;
    if (filtersExcludeAll()) {
      result = { from: state.from, to: state.to, paths: [] };
    } else {
      try {
        const data = await gql(Q_PATHS, {
          from: state.from, to: state.to, k: state.k,
          mode: state.rank === 'credible' ? 'CREDIBLE' : 'SHORTEST',
          ...filterVars(),
          timeFlow: state.flow ? { maxGap: state.flow === 'any' ? null : state.flow, allowUndated: state.undated } : null,
        });
        result = {
          from: state.from,
          to: state.to,
          paths: data.paths.map((p) => ({
            length: p.length,
            cost: p.cost,
            hops: p.hops.map((h) => {
              keep(h.from);
              keep(h.to);
              const r = keepHop(h);
              return { from: h.from.id, to: h.to.id, rel: r.id, cost: h.cost, explanation: h.explanation };
            }),
          })),
        };
      } catch (err) {
        result = { error: err.message };
      }
    }
    pathResults.set(key, result);
    return result;
  }

  // ensureEntities loads the entities the URL names but the view has not.
  async function ensureEntities(ids) {
    const missing = [...new Set(ids)].filter((id) => id && !entities.has(id));
    if (!missing.length) return;
    const vars = missing.map((_, i) => `$e${i}: ID!`).join(', ');
    const fields = missing.map((_, i) => `e${i}: entity(id: $e${i}) { ${ENTITY_FIELDS} }`).join(' ');
    const values = Object.fromEntries(missing.map((id, i) => [`e${i}`, id]));
    const data = await gql(`query Entities(${vars}) { ${fields} }`, values);
    for (const e of Object.values(data)) keep(e);
  }

  async function ensureRelation(id) {
    if (!id || relations.has(id)) return;
    const data = await gql(Q_RELATION, { id });
    const r = data.relation;
    if (!r) return;
    keep(r.from);
    keep(r.to);
    relations.set(r.id, { ...r, subject: r.from.id, object: r.to.id, symmetric: false, why: '' });
  }

  // ---- The graph ---------------------------------------------------------------

  const cy = cytoscape({
    container: $('cy'),
    boxSelectionEnabled: false,
    autounselectify: true,
    minZoom: 0.2,
    maxZoom: 3,
    style: graphStyle(),
  });

  function graphStyle() {
    const edgeStatus = (status, extra) => ({
      selector: `edge[status = "${status}"]`,
      style: { 'line-color': COLORS[status], 'target-arrow-color': COLORS[status], color: COLORS[status], ...extra },
    });
    return [
      {
        selector: 'node',
        style: {
          'background-color': 'data(color)', shape: 'data(shape)', width: 30, height: 30,
          'border-width': 2, 'border-color': '#ffffff',
          label: 'data(name)', 'font-size': 12, color: COLORS.ink, 'text-valign': 'bottom', 'text-margin-y': 5,
          'text-wrap': 'wrap', 'text-max-width': 130,
          'text-background-color': '#ffffff', 'text-background-opacity': 0.85, 'text-background-padding': 2,
          'text-background-shape': 'roundrectangle', 'min-zoomed-font-size': 6,
          // Nodes and their labels are drawn under the edges, so that no
          // node label hides an arrowhead or a relation's label.
          'z-index-compare': 'manual', 'z-index': 1,
        },
      },
      { selector: 'node.expanded', style: { 'border-color': COLORS.ink, 'border-width': 3 } },
      { selector: 'node.endpoint', style: { width: 40, height: 40, 'font-weight': 'bold', 'font-size': 13 } },
      {
        selector: 'edge',
        style: {
          width: 2, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'arrow-scale': 1,
          'line-color': COLORS.REPORTED, 'target-arrow-color': COLORS.REPORTED,
          label: 'data(caption)', 'font-size': 10, color: COLORS.REPORTED, 'text-rotation': 'autorotate',
          'text-background-color': '#fbfdff', 'text-background-opacity': 0.9, 'text-background-padding': 1,
          'min-zoomed-font-size': 7,
          // An edge stops at its ends' labels as well as their shapes, so its
          // arrowhead is never under a label.
          'source-endpoint': 'outside-to-node-or-label', 'target-endpoint': 'outside-to-node-or-label',
          'z-index-compare': 'manual', 'z-index': 5,
        },
      },
      { selector: 'edge.symmetric', style: { 'target-arrow-shape': 'none' } },
      edgeStatus('ALLEGED', { 'line-style': 'dashed', 'line-dash-pattern': [7, 4] }),
      edgeStatus('DISPUTED', { width: 4, 'font-weight': 'bold', 'arrow-scale': 1.1 }),
      edgeStatus('DENIED', { 'line-style': 'dotted', opacity: 0.45 }),
      { selector: 'node.dim', style: { opacity: 0.35 } },
      { selector: 'edge.dim', style: { opacity: 0.25 } },
      {
        selector: 'node.on-path',
        style: { 'underlay-color': COLORS.path, 'underlay-padding': 7, 'underlay-opacity': 0.6, 'underlay-shape': 'ellipse' },
      },
      {
        selector: 'edge.on-path',
        style: { width: 4, 'underlay-color': COLORS.path, 'underlay-padding': 6, 'underlay-opacity': 0.6, 'z-index': 10, 'font-size': 11 },
      },
      { selector: 'edge.on-path[status = "DISPUTED"]', style: { width: 6 } },
      { selector: 'node.picked', style: { 'overlay-color': COLORS.accent, 'overlay-opacity': 0.22, 'overlay-padding': 9, 'overlay-shape': 'ellipse' } },
      { selector: 'edge.picked', style: { 'overlay-color': COLORS.accent, 'overlay-opacity': 0.18, 'overlay-padding': 7 } },
    ];
  }

  // edgeLength is the length a relation's edge is laid out at: long enough
  // for its caption (10 px type, about 5.6 px a character) to sit between
  // its ends' labels. New nodes start at that distance from a neighbour,
  // since Cytoscape's springs pull an edge shorter than that in further.
  function edgeLength(caption) {
    return Math.max(95, 5.6 * String(caption || '').length + 50);
  }

  function edgeCaption(r) {
    return r.status === 'REPORTED' ? r.label : `${r.label} · ${r.status.toLowerCase()}`;
  }

  const byId = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  let viewNodes = [];
  let viewRels = [];
  let timelineRels = []; // the relations the timeline shows: in view before a range filter
  let currentPaths = null; // {paths} or {error} when from and to are set

  // draw makes the graph show exactly viewNodes and viewRels, lays out any
  // new entity, and marks the expanded entities, the highlighted path and the
  // selection.
  function draw() {
    const wantNodes = new Set(viewNodes);
    const wantRels = new Set(viewRels.filter((id) => {
      const r = relations.get(id);
      return r && wantNodes.has(r.subject) && wantNodes.has(r.object);
    }));
    cy.batch(() => {
      cy.elements().forEach((e) => {
        const keepIt = e.isNode() ? wantNodes.has(e.id()) : wantRels.has(e.id());
        if (!keepIt) cy.remove(e);
      });
    });
    const added = [];
    cy.batch(() => {
      for (const id of wantNodes) {
        const e = entities.get(id) || { id, name: id, type: '' };
        const { color, shape } = typeStyle(e.type);
        const data = { id, name: e.name, type: e.type, color, shape };
        const node = cy.getElementById(id);
        if (node.length) node.data(data);
        else added.push(cy.add({ group: 'nodes', data, position: placeNear(id) }));
      }
      for (const id of wantRels) {
        const r = relations.get(id);
        const data = { id, source: r.subject, target: r.object, status: r.status, caption: edgeCaption(r) };
        const edge = cy.getElementById(id);
        if (edge.length) edge.data(data);
        else cy.add({ group: 'edges', data });
        cy.getElementById(id).toggleClass('symmetric', !!r.symmetric);
      }
    });
    mark();
    if (added.length) layout();
    $('empty').hidden = cy.elements().length > 0;
    return added.length > 0;
  }

  // placeNear puts a new node next to a drawn neighbour, so the layout starts
  // from the current picture and the view does not jump around.
  function placeNear(id) {
    for (const rid of viewRels) {
      const r = relations.get(rid);
      if (!r) continue;
      const other = r.subject === id ? r.object : r.object === id ? r.subject : null;
      const n = other && cy.getElementById(other);
      if (n && n.length) {
        const p = n.position();
        const angle = (cy.nodes().length * 2.399) % (2 * Math.PI); // golden angle: spread siblings
        const d = edgeLength(edgeCaption(r));
        return { x: p.x + d * Math.cos(angle), y: p.y + d * Math.sin(angle) };
      }
    }
    const i = cy.nodes().length;
    return { x: 160 * Math.cos(i * 2.399), y: 160 * Math.sin(i * 2.399) };
  }

  // seededRandom returns a small deterministic generator (mulberry32) of
  // numbers in [0, 1), the same sequence for the same seed.
  function seededRandom(seed) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // layout places the nodes with Cytoscape's force-directed layout. Its
  // random nudges (for nodes that start on one spot) come from a generator
  // seeded by the ids in view, so one URL always gives one picture.
  function layout() {
    let seed = 0;
    for (const id of cy.nodes().map((n) => n.id()).sort().join(',')) seed = (seed * 31 + id.codePointAt(0)) >>> 0;
    const random = Math.random;
    Math.random = seededRandom(seed);
    try {
      runLayout();
    } finally {
      Math.random = random;
    }
  }

  function runLayout() {
    cy.layout({
      name: 'cose',
      animate: false,
      randomize: false,
      fit: true,
      padding: 48,
      nodeDimensionsIncludeLabels: true,
      idealEdgeLength: (edge) => edgeLength(edge.data('caption')),
      nodeRepulsion: () => 16000,
      edgeElasticity: () => 100,
      nestingFactor: 1,
      gravity: 1.2,
      numIter: 2000,
      componentSpacing: 60,
    }).run();
  }

  function currentPath() {
    if (!currentPaths || !currentPaths.paths || !currentPaths.paths.length) return null;
    return currentPaths.paths[Math.min(state.path, currentPaths.paths.length - 1)];
  }

  function mark() {
    const path = currentPath();
    const onPath = new Set();
    if (path) {
      for (const h of path.hops) onPath.add(h.from).add(h.to).add(h.rel);
    }
    cy.batch(() => {
      cy.elements().forEach((e) => {
        const id = e.id();
        e.toggleClass('on-path', onPath.has(id));
        e.toggleClass('dim', !!path && !onPath.has(id));
        e.toggleClass('picked', state.sel === id);
        if (e.isNode()) {
          e.toggleClass('expanded', state.show.includes(id));
          e.toggleClass('endpoint', id === state.from || id === state.to);
        }
      });
    });
  }

  cy.on('tap', 'node', (evt) => expand(evt.target.id()));
  cy.on('tap', 'edge', (evt) => select(evt.target.id()));

  // ---- Refreshing the view ---------------------------------------------------------

  let generation = 0;
  let fittedPath = ''; // the path the view was last fitted to
  let fittedRange = ''; // the time range the view was last fitted to

  // refresh loads what the state needs (cached per filter) and redraws the
  // graph and the panels. body[data-busy] is "true" while it works, for tests
  // and assistive styling alike.
  async function refresh() {
    const gen = ++generation;
    document.body.dataset.busy = 'true';
    setStatus('Loading…');
    const errors = [];
    try {
      await ensureEntities([state.from, state.to, state.sel.startsWith('relation:') ? '' : state.sel]);
    } catch (err) {
      errors.push(err.message);
    }
    const shown = await Promise.all(state.show.map((id) => loadNeighborhood(id)));
    let paths = state.from && state.to ? await loadPaths() : null;
    if (state.sel.startsWith('relation:')) {
      try {
        await ensureRelation(state.sel);
      } catch (err) {
        errors.push(err.message);
      }
    }
    const reading = state.read ? await loadReader(state.read) : null;
    if (reading && reading.error) errors.push(reading.error);
    if (gen !== generation) return; // a newer refresh owns the view
    const wasReading = document.body.classList.contains('reading');
    document.body.classList.toggle('reading', !!state.read);
    if (wasReading !== !!state.read) cy.resize();

    const nodes = new Set();
    const rels = new Set();
    let failed = false;
    shown.forEach((n) => {
      if (n.error) {
        errors.push(n.error);
        failed = true;
      } else {
        n.nodes.forEach((id) => nodes.add(id));
        n.rels.forEach((id) => rels.add(id));
      }
    });
    if (paths && paths.error) {
      errors.push(paths.error);
      failed = true;
      // Keep the paths in view when the same ends were searched before.
      if (currentPaths && currentPaths.paths && currentPaths.from === state.from && currentPaths.to === state.to) {
        paths = currentPaths;
      }
    }
    currentPaths = paths;
    if (paths && paths.paths) {
      for (const p of paths.paths) {
        for (const h of p.hops) {
          nodes.add(h.from).add(h.to);
          rels.add(h.rel);
        }
      }
    }
    // The ends of a path search stay in view even when no path joins them.
    for (const id of [state.from, state.to]) {
      if (id && entities.has(id)) nodes.add(id);
    }
    // A load that failed (a filter the server refused, a lost connection)
    // leaves the view as it was rather than wiping it.
    if (failed) {
      viewNodes.forEach((id) => nodes.add(id));
      viewRels.forEach((id) => rels.add(id));
    }
    // The timeline shows every relation the filters let through; a range
    // dragged on it keeps only those that fall in it (and the paths' hops).
    timelineRels = [...rels].sort(byId);
    if (state.range) filterByRange(nodes, rels, paths);
    // In id order, whatever order the server answered in: new elements are
    // added and placed in this order, so one URL always gives one picture.
    viewNodes = [...nodes].sort(byId);
    viewRels = [...rels].sort(byId);
    const laidOut = draw();
    syncControls();
    renderPaths();
    renderReader(reading);
    renderDetails();
    renderTimeline();
    renderLegend();
    // A new layout or a newly chosen path gets the whole view fitted, every
    // element and label included, once the legend below it has its size.
    const path = currentPath();
    const pathKey = path ? cacheKey('p', state.from, state.to, state.rank, state.k, state.path) : '';
    // So does a new time range, which takes elements away.
    const rangeKey = state.range ? `${state.time} ${state.range}` : '';
    if (laidOut || (path && pathKey !== fittedPath) || rangeKey !== fittedRange || wasReading !== !!state.read) fitView();
    fittedPath = pathKey;
    fittedRange = rangeKey;
    if (reading && !reading.error) showQuote();
    if (errors.length) setStatus([...new Set(errors)].join(' '), true);
    else if (!viewNodes.length) setStatus('');
    else setStatus(`${viewNodes.length} entities, ${cy.edges().length} relations`);
    document.body.dataset.busy = 'false';
  }

  // fitView fits every element, labels included, in the canvas, zooming in
  // no further than 1.6 on a small graph.
  function fitView() {
    if (!cy.elements().length) return;
    cy.resize();
    cy.fit(cy.elements(), 36);
    if (cy.zoom() > 1.6) cy.zoom({ level: 1.6, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  }

  function setStatus(text, isError) {
    const s = $('status');
    s.textContent = text;
    s.classList.toggle('error', !!isError);
  }

  // ---- Actions -----------------------------------------------------------------------

  function expand(id) {
    if (!state.show.includes(id)) state.show = [...state.show, id];
    state.sel = id;
    commit(true);
  }

  function select(id) {
    state.sel = id;
    commit(false);
  }

  function focusEntity(id) {
    state.show = [id];
    state.sel = id;
    commit(true);
  }

  function collapse(id) {
    state.show = state.show.filter((x) => x !== id);
    commit(true);
  }

  function setPathEnd(which, id) {
    state[which] = id;
    state.path = 0;
    commit(true);
  }

  // ---- Comboboxes (search, from, to) --------------------------------------------------

  // combo turns an input and its listbox into an ARIA combobox with entity
  // suggestions over names and aliases: arrows move, Enter picks, Escape closes.
  function combo(input, listbox, onPick) {
    let items = [];
    let active = -1;
    let timer = 0;
    let seq = 0;

    const close = () => {
      listbox.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    };
    const setActive = (i) => {
      active = i;
      [...listbox.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
      if (i >= 0 && listbox.children[i]) {
        input.setAttribute('aria-activedescendant', listbox.children[i].id);
        listbox.children[i].scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    };
    const pick = (item) => {
      close();
      input.value = item.name;
      input.dataset.id = item.id;
      keep(item);
      onPick(item);
    };
    const show = (found, q) => {
      items = found;
      listbox.replaceChildren();
      listbox.dataset.query = q; // what the list answers, for tests and tools
      if (!found.length) {
        listbox.append(el('li', { class: 'opt-none', role: 'presentation', text: `No entity matches “${q}”.` }));
      }
      found.forEach((e, i) => {
        const lower = q.toLowerCase();
        const alias = e.name.toLowerCase().includes(lower) ? null : (e.aliases || []).find((a) => a.toLowerCase().includes(lower));
        listbox.append(el('li', { id: `${listbox.id}-${i}`, role: 'option', 'aria-selected': 'false', dataset: { index: i } },
          el('span', { class: 'opt-name', text: e.name }),
          alias ? el('span', { class: 'opt-alias', text: `(${alias})` }) : null,
          el('span', { class: 'opt-meta', text: e.type })));
      });
      listbox.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      setActive(found.length ? 0 : -1);
    };
    const suggest = async () => {
      const q = input.value.trim();
      const mine = ++seq;
      if (!q) {
        close();
        return;
      }
      try {
        const data = await gql(Q_SEARCH, { q });
        if (mine === seq && document.activeElement === input) show(data.entities.nodes, q);
      } catch (err) {
        if (mine === seq) setStatus(err.message, true);
      }
    };

    input.addEventListener('input', () => {
      delete input.dataset.id;
      clearTimeout(timer);
      timer = setTimeout(suggest, 120);
    });
    input.addEventListener('keydown', (e) => {
      const open = !listbox.hidden;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        if (!open) {
          suggest();
          return;
        }
        const n = items.length;
        if (n) setActive(e.key === 'ArrowDown' ? (active + 1) % n : (active - 1 + n) % n);
      } else if (e.key === 'Enter' && open && items.length) {
        e.preventDefault();
        pick(items[Math.max(active, 0)]);
      } else if (e.key === 'Escape' && open) {
        e.preventDefault();
        close();
      }
    });
    input.addEventListener('blur', close);
    listbox.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus in the input
    listbox.addEventListener('click', (e) => {
      const li = e.target.closest('[role="option"]');
      if (li) pick(items[Number(li.dataset.index)]);
    });
    return { close };
  }

  combo($('search'), $('search-list'), (e) => focusEntity(e.id));
  combo($('path-from'), $('path-from-list'), () => {});
  combo($('path-to'), $('path-to-list'), () => {});

  // resolveInput returns the entity id an input names: the picked suggestion,
  // or else the best match of its text (an exact name or alias first).
  async function resolveInput(input) {
    if (input.dataset.id) return input.dataset.id;
    const q = input.value.trim();
    if (!q) return '';
    const data = await gql(Q_SEARCH, { q });
    const found = data.entities.nodes;
    const lower = q.toLowerCase();
    const exact = found.find((e) => e.id === lower || e.name.toLowerCase() === lower ||
      (e.aliases || []).some((a) => a.toLowerCase() === lower));
    const e = exact || found[0];
    if (!e) throw new Error(`No entity matches “${q}”.`);
    keep(e);
    input.value = e.name;
    input.dataset.id = e.id;
    return e.id;
  }

  // ---- Controls ------------------------------------------------------------------------

  $('path-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const [from, to] = await Promise.all([resolveInput($('path-from')), resolveInput($('path-to'))]);
      if (!from || !to) {
        setStatus('Choose both ends of the path: from and to.', true);
        (from ? $('path-to') : $('path-from')).focus();
        return;
      }
      state.from = from;
      state.to = to;
      state.rank = $('path-rank').value === 'credible' ? 'credible' : 'shortest';
      const gap = $('path-gap').value.trim().toUpperCase();
      if ($('path-flow').checked && gap && !GAP_RE.test(gap)) {
        $('path-gap').setAttribute('aria-invalid', 'true');
        setStatus(`Time flow: “${gap}” is no gap; write a duration such as P1Y, P6M or P2W.`, true);
        return;
      }
      $('path-gap').removeAttribute('aria-invalid');
      state.flow = $('path-flow').checked ? gap || 'any' : '';
      state.undated = !!state.flow && $('path-undated').checked;
      const k = parseInt($('path-k').value, 10);
      state.k = Number.isFinite(k) ? Math.min(Math.max(k, 1), MAX_K) : 3;
      state.path = 0;
      commit(true);
    } catch (err) {
      setStatus(err.message, true);
    }
  });
  $('path-swap').addEventListener('click', () => {
    const from = $('path-from');
    const to = $('path-to');
    [from.value, to.value] = [to.value, from.value];
    const [a, b] = [from.dataset.id, to.dataset.id];
    if (b) from.dataset.id = b; else delete from.dataset.id;
    if (a) to.dataset.id = a; else delete to.dataset.id;
    if (state.from && state.to) {
      [state.from, state.to] = [state.to, state.from];
      state.path = 0;
      commit(true);
    }
  });
  $('path-clear').addEventListener('click', () => {
    for (const id of ['path-from', 'path-to']) {
      $(id).value = '';
      delete $(id).dataset.id;
    }
    state.from = '';
    state.to = '';
    state.path = 0;
    commit(true);
  });
  $('path-flow').addEventListener('change', () => {
    $('path-gap').disabled = $('path-undated').disabled = !$('path-flow').checked;
  });
  for (const id of ['path-rank', 'path-k', 'path-flow', 'path-undated']) {
    $(id).addEventListener('change', () => {
      if (!state.from || !state.to) return;
      $('path-form').requestSubmit();
    });
  }

  function buildFilters() {
    const status = $('filter-status');
    for (const s of STATUSES) {
      status.append(el('label', {},
        el('input', { type: 'checkbox', name: 'status', value: s, checked: true, onchange: onStatusChange }),
        s.charAt(0) + s.slice(1).toLowerCase(),
        el('span', { class: 'swatch' }, lineIcon(s))));
    }
  }

  function onStatusChange() {
    const checked = [...document.querySelectorAll('#filter-status input:checked')].map((i) => i.value);
    state.status = checked.length === STATUSES.length ? null : checked;
    state.path = 0;
    commit(true);
  }

  function buildTypeFilters() {
    const box = $('filter-types');
    box.querySelectorAll('label').forEach((l) => l.remove());
    for (const t of meta.relationTypes) {
      box.append(el('label', {},
        el('input', { type: 'checkbox', name: 'type', value: t, checked: true, onchange: onTypeChange }),
        t.replaceAll('-', ' ')));
    }
  }

  function onTypeChange() {
    const checked = [...document.querySelectorAll('#filter-types input:checked')].map((i) => i.value);
    state.types = checked.length === meta.relationTypes.length ? null : checked;
    state.path = 0;
    commit(true);
  }

  // dateFilter wires a date input of the filters to state[key].
  function dateFilter(id, key, what) {
    const input = $(id);
    const apply = () => {
      const v = input.value.trim();
      // A date the server would refuse is refused here: the view stays as it
      // is and the message is shown once.
      if (v && !validDate(v)) {
        input.setAttribute('aria-invalid', 'true');
        setStatus(`${what}: “${v}” is not a date; write YYYY, YYYY-MM or YYYY-MM-DD.`, true);
        return;
      }
      input.removeAttribute('aria-invalid');
      if (v === state[key]) return;
      state[key] = v;
      state.path = 0;
      commit(true);
    };
    input.addEventListener('change', apply);
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        apply();
      }
    });
    $(`${id}-clear`).addEventListener('click', () => {
      input.value = '';
      apply();
    });
  }
  dateFilter('filter-asof', 'asOf', 'As of');
  dateFilter('filter-reportedby', 'reportedBy', 'As reported by');

  $('view-fit').addEventListener('click', fitView);
  $('view-clear').addEventListener('click', () => {
    state = { ...emptyState(), types: state.types, status: state.status, asOf: state.asOf, reportedBy: state.reportedBy, time: state.time };
    for (const id of ['search', 'path-from', 'path-to']) {
      $(id).value = '';
      delete $(id).dataset.id;
    }
    commit(true);
  });
  $('export-png').addEventListener('click', exportPNG);
  $('export-json').addEventListener('click', exportJSON);

  // syncControls shows the state in the form controls (after a URL change).
  function syncControls() {
    for (const [id, which] of [['path-from', 'from'], ['path-to', 'to']]) {
      const input = $(id);
      const want = state[which];
      if (input.dataset.id === want || (!want && document.activeElement === input)) continue;
      if (want) {
        input.value = (entities.get(want) || { name: want }).name;
        input.dataset.id = want;
      } else {
        input.value = '';
        delete input.dataset.id;
      }
    }
    $('path-rank').value = state.rank;
    $('path-k').value = String(state.k);
    document.querySelectorAll('#filter-status input').forEach((i) => {
      i.checked = !state.status || state.status.includes(i.value);
    });
    let on = 0;
    document.querySelectorAll('#filter-types input').forEach((i) => {
      i.checked = !state.types || state.types.includes(i.value);
      if (i.checked) on++;
    });
    $('filter-types-summary').textContent = state.types ? `(${on} of ${meta.relationTypes.length})` : '(all)';
    if (document.activeElement !== $('filter-asof')) $('filter-asof').value = state.asOf;
    if (document.activeElement !== $('filter-reportedby')) $('filter-reportedby').value = state.reportedBy;
    $('path-flow').checked = !!state.flow;
    if (document.activeElement !== $('path-gap')) $('path-gap').value = state.flow && state.flow !== 'any' ? state.flow : '';
    $('path-undated').checked = state.undated;
    $('path-gap').disabled = $('path-undated').disabled = !$('path-flow').checked;
    $('view-clear').disabled = !state.show.length && !state.from && !state.to;
    $('export-png').disabled = $('export-json').disabled = !cy.elements().length;
  }

  // ---- Panels ----------------------------------------------------------------------------

  function name(id) {
    return (entities.get(id) || { name: id }).name;
  }

  function entityButton(id) {
    return el('button', { type: 'button', class: 'link', onclick: () => expand(id), title: `Show ${name(id)}` }, name(id));
  }

  function renderPaths() {
    const panel = $('paths-panel');
    const box = $('paths-list');
    panel.hidden = !(state.from && state.to);
    if (panel.hidden) return;
    box.replaceChildren();
    $('paths-panel-heading').textContent = `Paths: ${name(state.from)} → ${name(state.to)}`;
    const rankText = state.rank === 'credible' ? 'most credible first' : 'shortest first';
    if (!currentPaths) {
      box.append(el('p', { class: 'help', text: 'Searching…' }));
      return;
    }
    if (currentPaths.error) {
      // The message itself is in the status line above the graph.
      box.append(el('p', { class: 'help', text: 'The path search failed: see the message above the graph.' }));
      return;
    }
    if (!currentPaths.paths.length) {
      box.append(el('p', { class: 'help', text: 'No path connects them with these filters. Try more statuses or relation types.' }));
      return;
    }
    box.append(el('p', { class: 'sub', text: `${currentPaths.paths.length} best, ${rankText}. Select a hop to read its claims.` }));
    const current = Math.min(state.path, currentPaths.paths.length - 1);
    currentPaths.paths.forEach((p, i) => {
      const disputed = p.hops.filter((h) => (relations.get(h.rel) || {}).status === 'DISPUTED').length;
      const head = el('button', {
        type: 'button', class: 'path-head', 'aria-pressed': String(i === current),
        onclick: () => { state.path = i; commit(false); },
      },
      el('strong', { text: `Path ${i + 1}` }),
      `${p.length} ${p.length === 1 ? 'hop' : 'hops'}`,
      el('span', {
        class: 'meta',
        // The API's integer units, as the command line prints them too.
        title: 'Evidence cost: 1000 for a hop one source reports; higher is weaker. Lower is better supported.',
        text: `${disputed ? `${disputed} disputed · ` : ''}cost ${p.cost}`,
      }));
      const hops = el('ol', { class: 'hops' });
      for (const h of p.hops) {
        const r = relations.get(h.rel) || { status: 'REPORTED' };
        const { line, why } = splitExplanation(h.explanation);
        hops.append(el('li', {}, el('button', {
          type: 'button', class: `hop ${r.status}`, 'aria-current': String(state.sel === h.rel),
          dataset: { rel: h.rel },
          onclick: () => { state.path = i; select(h.rel); },
        },
        el('span', { class: 'line' }, badge(r.status), ' ', line),
        why ? el('span', { class: 'why', text: why }) : null)));
      }
      box.append(el('section', { class: `path${i === current ? ' current' : ''}`, 'aria-label': `Path ${i + 1}` }, head, hops));
    });
  }

  function renderDetails() {
    const panel = $('detail-panel');
    panel.replaceChildren();
    if (state.read && pendingClaim) {
      panel.append(pendingClaim.form);
    } else if (state.read && pickedSuggestion && currentSuggestions().some((x) => x.key === pickedSuggestion)) {
      panel.append(...suggestionDetails(currentSuggestions().find((x) => x.key === pickedSuggestion)));
    } else if (state.sel.startsWith('relation:') && relations.has(state.sel)) {
      panel.append(...relationDetails(relations.get(state.sel)));
    } else if (state.sel && entities.has(state.sel)) {
      panel.append(...entityDetails(entities.get(state.sel)));
    } else if (state.read && readerCache.get(state.read) && !readerCache.get(state.read).error) {
      panel.append(...sourceClaimsDetails(readerCache.get(state.read)));
    } else {
      panel.append(el('p', { class: 'help', text: 'Select an entity or a relation to see its details and claims.' }));
    }
    const shown = `${state.sel} ${pendingClaim ? pendingClaim.start : ''} ${pickedSuggestion}`;
    if (shown !== shownSel) {
      shownSel = shown;
      $('details').scrollTop = 0; // the details sit on top of the paths
    }
  }

  let shownSel = '';

  // panelHead is a details heading with a button that clears the selection.
  function panelHead(title) {
    return el('div', { class: 'panel-head' },
      el('h2', { text: title }),
      el('button', { type: 'button', class: 'close', 'aria-label': 'Close the details', title: 'Close', onclick: () => select('') }, '×'));
  }

  function relationDetails(r) {
    const arrow = r.symmetric ? '—' : '→';
    const out = [
      panelHead('Relation'),
      el('h3', { id: 'relation-title' }, entityButton(r.subject), ` ${arrow} ${r.label} ${arrow} `, entityButton(r.object)),
      el('p', { class: 'sub' }, badge(r.status), ' ', r.why || STATUS_TEXT[r.status]),
    ];
    const facts = [];
    if (r.validFrom) facts.push(['Since', r.validFrom]);
    if (r.validUntil) facts.push(['Until', r.validUntil]);
    for (const a of r.attributes || []) facts.push([a.key, a.value]);
    facts.push(['Type', r.type]);
    out.push(el('dl', { class: 'facts' }, facts.map(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })])));
    const claims = r.claims || [];
    out.push(el('h4', { text: `Claims (${claims.length})` }));
    out.push(el('ol', { class: 'claims', 'aria-label': 'Claims' }, claims.map(claimItem)));
    out.push(historySection(r));
    return out.flat().filter(Boolean);
  }

  // ---- A relation's status history --------------------------------------------------------

  const histories = new Map(); // relation id → [StatusChange] or {error}; null while loading

  async function loadHistory(id) {
    try {
      const data = await gql(Q_HISTORY, { id });
      histories.set(id, data.relation ? data.relation.statusHistory : []);
    } catch (err) {
      histories.set(id, { error: err.message });
    }
    if (state.sel === id) renderDetails();
  }

  // historySection lists each change of a relation's status as its claims
  // were reported, with the claim that brought it.
  function historySection(r) {
    if (!histories.has(r.id)) {
      histories.set(r.id, null);
      loadHistory(r.id);
    }
    const h = histories.get(r.id);
    const head = el('h4', { text: 'Status history' });
    if (!h) return [head, el('p', { class: 'help', text: 'Loading…' })];
    if (h.error) return [head, el('p', { class: 'help', text: h.error })];
    if (!h.length) return [head, el('p', { class: 'help', text: 'No change recorded.' })];
    return [head, el('ol', { class: 'history', 'aria-label': 'Status history' }, h.map((c) => {
      const who = c.claim.claimant ? c.claim.claimant.name : 'the source';
      return el('li', {},
        el('span', { class: 'when', text: c.undated ? 'undated' : c.date }), ' ', badge(c.status),
        el('span', { class: 'why', text: `${who} ${c.claim.stance === 'DENIES' ? 'denies' : 'asserts'} (${c.claim.source.title})` }));
    }))];
  }

  function claimItem(c) {
    const src = c.source || {};
    const srcText = [src.title, src.publisher, src.published].filter(Boolean).join(' · ');
    const grades = [];
    if (src.reliability) grades.push(`source reliability ${src.reliability}`);
    if (c.credibility) grades.push(`credibility ${c.credibility}`);
    const anchored = c.anchor && !c.anchor.orphaned && src.id;
    return el('li', { class: `claim ${c.stance}${c.id === state.claim ? ' current' : ''}`, dataset: { claim: c.id } },
      el('div', {}, badge(c.stance), ' ',
        el('span', { class: 'who', text: c.claimant ? c.claimant.name : 'The source itself' })),
      c.quote ? el('blockquote', { text: `“${c.quote}”` }) : null,
      c.anchor && c.anchor.orphaned
        ? el('p', { class: 'help', text: 'Orphaned: the source’s text has changed and no longer carries this quote.' }) : null,
      anchored ? el('div', { class: 'actions' }, el('button', {
        type: 'button', class: 'read-in-source',
        onclick: () => readClaim(src.id, c.id),
      }, state.read === sourceKey(src.id) ? 'Show in the text' : 'Read in source')) : null,
      el('dl', {},
        el('dt', { text: 'Source' }),
        el('dd', {}, srcText || src.id || 'unknown',
          src.url ? [' ', el('a', { href: src.url, rel: 'noopener noreferrer', target: '_blank', text: 'link' })] : null),
        el('dt', { text: 'Said' }), el('dd', { text: c.said || 'date not given' }),
        el('dt', { text: 'Grades' }), el('dd', { text: grades.length ? grades.join(', ') : 'not graded' }),
        el('dt', { text: 'Recorded' }), el('dd', { class: 'recorded', text: recorded(c) })));
  }

  // recorded tells who recorded a claim in the graph, and when (UTC).
  function recorded(c) {
    if (!c.recordedBy) return 'not known';
    const at = c.recordedAt ? ` on ${c.recordedAt.slice(0, 16).replace('T', ' ')} UTC` : '';
    return `by ${c.recordedBy}${at}`;
  }

  function entityDetails(e) {
    const expanded = state.show.includes(e.id);
    const out = [
      panelHead('Entity'),
      el('h3', { id: 'entity-title', text: e.name }),
      el('p', { class: 'sub', text: [e.type, e.aliases && e.aliases.length ? `also ${e.aliases.join(', ')}` : ''].filter(Boolean).join(' · ') }),
      e.description ? el('p', { text: e.description }) : null,
      el('div', { class: 'actions' },
        expanded
          ? el('button', { type: 'button', onclick: () => collapse(e.id) }, 'Collapse')
          : el('button', { type: 'button', class: 'primary', onclick: () => expand(e.id) }, 'Expand'),
        el('button', { type: 'button', onclick: () => setPathEnd('from', e.id) }, 'Paths from here'),
        el('button', { type: 'button', onclick: () => setPathEnd('to', e.id) }, 'Paths to here')),
    ];
    const rels = cy.getElementById(e.id).connectedEdges().map((edge) => relations.get(edge.id())).filter(Boolean);
    out.push(el('h4', { text: `Relations in view (${rels.length})` }));
    if (!rels.length) out.push(el('p', { class: 'help', text: expanded ? 'None with these filters.' : 'Expand it to see its relations.' }));
    out.push(el('ul', { class: 'list' }, rels.map((r) => {
      const other = r.subject === e.id ? r.object : r.subject;
      const line = r.symmetric
        ? `${name(e.id)} — ${r.label} — ${name(other)}`
        : `${name(r.subject)} → ${r.label} → ${name(r.object)}`;
      return el('li', {}, el('button', { type: 'button', onclick: () => select(r.id), title: 'Show its claims' },
        badge(r.status), ' ', line));
    })));
    out.push(mergedSection(e));
    return out.flat().filter(Boolean);
  }

  // ---- What was merged into an entity ----------------------------------------------------
  // The entity panel lists the entities merged into the one it shows
  // (Entity.mergedFrom): each merged id, now a redirect to this entity, the
  // name it had, who merged it and when.

  const mergesOf = new Map(); // entity id → [{id, name, by, at}] or {error}; null while loading

  async function loadMerges(id) {
    try {
      const data = await gql('query Merges($id: ID!) { entity(id: $id) { mergedFrom { id name by at } } }', { id });
      mergesOf.set(id, data.entity ? data.entity.mergedFrom : []);
    } catch (err) {
      mergesOf.set(id, { error: err.message });
    }
    if (state.sel === id) renderDetails();
  }

  function mergedSection(e) {
    if (!mergesOf.has(e.id)) {
      mergesOf.set(e.id, null);
      loadMerges(e.id);
    }
    const merges = mergesOf.get(e.id);
    const head = el('h4', { text: 'Merged into it' });
    if (!merges) return [head, el('p', { class: 'help', text: 'Loading…' })];
    if (merges.error) return [head, el('p', { class: 'help', text: merges.error })];
    if (!merges.length) return [head, el('p', { class: 'help', text: 'Nothing.' })];
    return [head, el('ul', { class: 'list merged', 'aria-label': 'Merged into it' }, merges.map((m) => el('li', {},
      m.name ? `${m.name} (${m.id})` : m.id, ' ', el('span', { class: 'meta', text: `by ${m.by} on ${m.at.slice(0, 10)}` }))))];
  }

  function renderLegend() {
    const box = $('legend');
    box.replaceChildren();
    const inView = new Set(cy.nodes().map((n) => n.data('type')));
    const types = meta.entityTypes.filter((t) => inView.has(t) || !cy.nodes().length);
    box.append(el('span', { class: 'group', role: 'list', 'aria-label': 'Entity types' },
      types.map((t) => {
        const s = typeStyle(t);
        return el('span', { role: 'listitem', class: 'item' }, shapeIcon(s.shape, s.color), t);
      })));
    box.append(el('span', { class: 'group', role: 'list', 'aria-label': 'Relation statuses' },
      STATUSES.map((s) => el('span', { role: 'listitem', class: 'item', title: STATUS_TEXT[s] }, lineIcon(s), s.toLowerCase())),
      currentPath() ? el('span', { role: 'listitem', class: 'item' }, lineIcon('REPORTED', true), 'on the path') : null));
  }

  // ---- Reader ------------------------------------------------------------------------------

  const Q_SOURCES = 'query Sources { sources(first: 100) { nodes { id title digest } } }';
  const CLAIM_FIELDS = `id stance quote claimant { id name } anchor { start end orphaned }
    relation { id type label status from { id name } to { id name } }`;
  const Q_READER = `query Reader($id: ID!) { source(id: $id) { id title publisher url published text digest
    mentions { start end text how entities { id name type } }
    claims(first: 100) { pageInfo { hasNextPage endCursor } nodes { ${CLAIM_FIELDS} } } } }`;
  const Q_READER_CLAIMS = `query ReaderClaims($id: ID!, $after: String) { source(id: $id) {
    claims(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${CLAIM_FIELDS} } } } }`;
  const Q_DRAFT = `query Draft($id: ID!) { draft(sourceId: $id) { statements { subject { id name } relation object { id name } reason
    claims { claimant { id name } stance quote reason anchor { start end } } } } }`;
  const TOKEN = 'claimgraph.explorer.token';
  const DISMISSED = 'claimgraph.explorer.dismissed.';

  const readerCache = new Map(); // source id → {source, points, claims, mentions, draft} or {error}
  let pendingClaim = null; // the new claim form: {start, end, quote, form}
  let pickedSuggestion = ''; // the key of the draft suggestion in the details panel
  let shownQuote = ''; // the claim whose quote the reader last scrolled to
  let relationTypes = []; // the ontology's, with their ends' types

  // loadReader loads a source's text, its mentions, its claims and, when
  // suggestions are on, its draft.
  async function loadReader(id) {
    if (readerCache.has(id)) {
      const r = readerCache.get(id);
      if (!r.error && $('reader-suggest').checked && !r.draft) r.draft = await loadDraft(id);
      return r;
    }
    let result;
    try {
      const data = await gql(Q_READER, { id });
      const src = data.source;
      if (!src) {
        result = { error: `There is no source “${id}”.` };
      } else if (src.text === null) {
        result = { error: `The source “${src.title}” has no text to read.` };
      } else {
        const claims = [...src.claims.nodes];
        for (let page = src.claims.pageInfo; page.hasNextPage;) {
          const more = await gql(Q_READER_CLAIMS, { id, after: page.endCursor });
          claims.push(...more.source.claims.nodes);
          page = more.source.claims.pageInfo;
        }
        result = { source: src, points: Array.from(src.text), claims, mentions: src.mentions };
        if ($('reader-suggest').checked) result.draft = await loadDraft(id);
      }
    } catch (err) {
      result = { error: err.message };
    }
    readerCache.set(id, result);
    return result;
  }

  async function loadDraft(id) {
    try {
      const data = await gql(Q_DRAFT, { id });
      return data.draft ? data.draft.statements : [];
    } catch (err) {
      return { error: err.message };
    }
  }

  function readerToken() {
    return $('reader-token').value.trim();
  }

  function dismissed(id) {
    try {
      return new Set(JSON.parse(localStorage.getItem(DISMISSED + id) || '[]'));
    } catch (err) {
      return new Set();
    }
  }

  function dismiss(key) {
    const set = dismissed(state.read);
    set.add(key);
    try {
      localStorage.setItem(DISMISSED + state.read, JSON.stringify([...set]));
    } catch (err) {
      // Storage may be off: the suggestion stays dismissed until a reload.
    }
    dismissedNow.add(key);
  }
  const dismissedNow = new Set();

  // sourceKey is a source's own id, without the global id's "source:".
  function sourceKey(id) {
    return id.replace(/^source:/, '');
  }

  function statementID(subject, relation, object) {
    return `relation:${subject}.${relation}.${object}`;
  }

  // currentSuggestions lists the draft's claims on the open source that no
  // stored claim already records (the same statement, claimant and stance)
  // and that the analyst has not dismissed.
  function currentSuggestions() {
    const r = readerCache.get(state.read);
    if (!r || r.error || !$('reader-suggest').checked || !Array.isArray(r.draft)) return [];
    const have = new Set(r.claims.map((c) => `${c.relation.id}|${c.claimant ? c.claimant.id : ''}|${c.stance}`));
    const gone = dismissed(state.read);
    const out = [];
    for (const st of r.draft) {
      const symmetric = (relationTypes.find((t) => t.name === st.relation) || {}).symmetric;
      for (const c of st.claims) {
        const who = c.claimant ? c.claimant.id : '';
        const ids = [statementID(st.subject.id, st.relation, st.object.id)];
        if (symmetric) ids.push(statementID(st.object.id, st.relation, st.subject.id));
        if (ids.some((id) => have.has(`${id}|${who}|${c.stance}`))) continue;
        const key = [st.subject.id, st.relation, st.object.id, who, c.stance, c.anchor.start].join('|');
        if (gone.has(key) || dismissedNow.has(key)) continue;
        out.push({ key, subject: st.subject, relation: st.relation, object: st.object, claimant: c.claimant, stance: c.stance,
          quote: c.quote, start: c.anchor.start, end: c.anchor.end, reason: c.reason, statementReason: st.reason });
      }
    }
    return out;
  }

  // ---- The timeline ----------------------------------------------------------------------
  // A strip under the graph with the relations in view on two axes: when
  // they held (valid time: validFrom to validUntil) and when their claims
  // were made (report time: the claim's said date, else its source's
  // published date). A partial date stands for its whole year or month.
  // Dragging across the strip keeps in the drawing only what falls in the
  // range on the chosen axis, or sets As of / Reported by to its end.

  const DAY = 86400000;
  const TL = { height: 60, left: 66, right: 14, validY: 3, validH: 18, reportY: 26, axisY: 44 };

  // dateSpan is the span of days a date stands for: [first ms, after last ms).
  function dateSpan(d) {
    const [y, m, day] = d.split('-').map(Number);
    if (day) return [Date.UTC(y, m - 1, day), Date.UTC(y, m - 1, day + 1)];
    if (m) return [Date.UTC(y, m - 1, 1), Date.UTC(y, m, 1)];
    return [Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)];
  }

  const dayOf = (ms) => new Date(ms).toISOString().slice(0, 10);

  function rangeSpan() {
    if (!state.range) return null;
    const [a, b] = state.range.split('..');
    return [dateSpan(a)[0], dateSpan(b)[1]];
  }

  // validSpan is when a relation held, open-ended where a bound is not
  // known; null when neither is.
  function validSpan(r) {
    if (!r.validFrom && !r.validUntil) return null;
    return [r.validFrom ? dateSpan(r.validFrom)[0] : -Infinity, r.validUntil ? dateSpan(r.validUntil)[1] : Infinity];
  }

  function reportDate(c) {
    return c.said || (c.source && c.source.published) || '';
  }

  const overlaps = (a, b) => a[0] < b[1] && b[0] < a[1];

  // inRange tells whether a relation falls in the range on the axis chosen:
  // its valid time overlaps it, or one of its claims was reported in it.
  function inRange(r, span) {
    if (!r) return false;
    if (state.time === 'valid') {
      const v = validSpan(r);
      return !!v && overlaps(v, span);
    }
    return (r.claims || []).some((c) => reportDate(c) && overlaps(dateSpan(reportDate(c)), span));
  }

  // filterByRange drops from the drawing the relations outside the range,
  // and the entities only they reached; the paths' hops and the entities
  // asked for stay.
  function filterByRange(nodes, rels, paths) {
    const span = rangeSpan();
    const keepRels = new Set();
    if (paths && paths.paths) paths.paths.forEach((p) => p.hops.forEach((h) => keepRels.add(h.rel)));
    for (const id of [...rels]) {
      if (!keepRels.has(id) && !inRange(relations.get(id), span)) rels.delete(id);
    }
    const keepNodes = new Set([...state.show, state.from, state.to].filter(Boolean));
    for (const id of rels) {
      const r = relations.get(id);
      if (r) keepNodes.add(r.subject).add(r.object);
    }
    for (const id of [...nodes]) if (!keepNodes.has(id)) nodes.delete(id);
  }

  // timelineEvents gathers the dated spans and claims of the relations.
  function timelineEvents(ids) {
    const spans = [];
    const claims = [];
    let undated = 0;
    for (const id of ids) {
      const r = relations.get(id);
      if (!r) continue;
      const v = validSpan(r);
      if (v) spans.push({ rel: r, from: v[0], to: v[1] });
      else undated++;
      for (const c of r.claims || []) {
        const d = reportDate(c);
        if (d) claims.push({ rel: r, claim: c, date: d, span: dateSpan(d) });
      }
    }
    return { spans, claims, undated };
  }

  // ticks chooses axis labels: years, or months over a short span.
  function ticks(t0, t1) {
    const out = [];
    const y0 = new Date(t0).getUTCFullYear();
    const y1 = new Date(t1).getUTCFullYear();
    if (t1 - t0 > 2.5 * 365 * DAY) {
      const step = Math.max(1, Math.ceil((y1 - y0) / 8));
      for (let y = y0 + 1; y <= y1; y += step) out.push({ t: Date.UTC(y, 0, 1), text: String(y) });
    } else {
      const months = Math.round((t1 - t0) / (30 * DAY));
      const step = Math.max(1, Math.ceil(months / 8));
      const start = new Date(t0);
      for (let m = start.getUTCMonth() + 1, y = start.getUTCFullYear(); ; m += step) {
        const t = Date.UTC(y, m, 1);
        if (t > t1) break;
        const d = new Date(t);
        out.push({ t, text: d.getUTCMonth() === 0 ? String(d.getUTCFullYear()) : d.toISOString().slice(0, 7) });
      }
    }
    return out;
  }

  // renderReader shows the open source's text: every anchored claim's quote
  // highlighted by stance, the mentions of entities underlined, the draft's
  // suggestions dashed. The text is cut into segments at every edge of
  // those stretches; each segment knows its code points (data-start,
  // data-end), which is how a selection becomes an anchor.
  function renderReader(r) {
    const text = $('reader-text');
    if (!state.read || !r) {
      text.replaceChildren();
      $('reader-foot').replaceChildren();
      renderedReader = '';
      return;
    }
    if (r.error) {
      $('reader-title').textContent = state.read;
      $('reader-meta').textContent = '';
      text.replaceChildren(el('p', { class: 'help', text: r.error }));
      renderedReader = '';
      return;
    }
    const src = r.source;
    $('reader-title').textContent = src.title;
    const meta = [src.publisher, src.published].filter(Boolean).map((x) => [x, ' · ']);
    if (src.url) meta.push([el('a', { href: src.url, rel: 'noopener noreferrer', target: '_blank', text: 'original' }), ' · ']);
    $('reader-meta').replaceChildren(...meta.flat(), `SHA-256 ${src.digest.slice(0, 12)}…`);
    const suggestions = currentSuggestions();
    // Render again only when what is shown changed, so that a selection
    // being made survives a refresh.
    const key = JSON.stringify([state.read, state.claim, pickedSuggestion, r.claims.length, suggestions.map((x) => x.key)]);
    if (key === renderedReader) return;
    renderedReader = key;

    const ranges = [];
    for (const c of r.claims) {
      if (c.anchor && !c.anchor.orphaned) ranges.push({ start: c.anchor.start, end: c.anchor.end, kind: 'claim', ref: c });
    }
    for (const m of r.mentions) ranges.push({ start: m.start, end: m.end, kind: 'mention', ref: m });
    for (const x of suggestions) ranges.push({ start: x.start, end: x.end, kind: 'suggest', ref: x });
    const pts = r.points;
    const paras = [];
    for (let ls = 0; ls <= pts.length;) {
      let le = pts.indexOf('\n', ls);
      if (le < 0) le = pts.length;
      paras.push(paragraph(pts, ls, le, ranges));
      ls = le + 1;
    }
    text.replaceChildren(...paras);

    const foot = $('reader-foot');
    foot.replaceChildren();
    const orphaned = r.claims.filter((c) => c.anchor && c.anchor.orphaned);
    if (orphaned.length) {
      foot.append(el('strong', { text: `${orphaned.length} orphaned claim${orphaned.length === 1 ? '' : 's'}` }),
        ': a new version of the text no longer carries their quote.',
        el('ul', {}, orphaned.map((c) => el('li', {}, el('button', { type: 'button', class: 'link', onclick: () => selectClaim(c) },
          `${c.relation.from.name} → ${c.relation.label} → ${c.relation.to.name}`), ` “${c.quote}”`))));
    }
    if (Array.isArray(r.draft) === false && r.draft && r.draft.error) {
      foot.append(el('p', { text: `No draft suggestions: ${r.draft.error}` }));
    }
  }
  let renderedReader = '';

  // paragraph renders the line [ls, le) of the text as segments.
  function paragraph(pts, ls, le, ranges) {
    const inLine = ranges.filter((x) => x.start < le && x.end > ls);
    const cuts = new Set([ls, le]);
    for (const x of inLine) {
      cuts.add(Math.max(x.start, ls));
      cuts.add(Math.min(x.end, le));
    }
    const edges = [...cuts].sort((a, b) => a - b);
    const p = el('p', { dataset: { start: ls, end: le } });
    if (le - ls < 60 && !/[.!?"”]$/.test(pts.slice(ls, le).join('').trim())) p.className = 'short'; // a heading
    for (let i = 0; i + 1 < edges.length; i++) {
      const a = edges[i];
      const b = edges[i + 1];
      if (b <= a) continue;
      const over = inLine.filter((x) => x.start <= a && x.end >= b);
      const claims = over.filter((x) => x.kind === 'claim').map((x) => x.ref);
      const mentions = over.filter((x) => x.kind === 'mention').map((x) => x.ref);
      const sugg = over.filter((x) => x.kind === 'suggest').map((x) => x.ref);
      const cls = ['seg'];
      const data = { start: a, end: b };
      let title = [];
      if (claims.length) {
        const stances = new Set(claims.map((c) => c.stance));
        cls.push('hl', stances.size > 1 ? 'mixed' : stances.has('DENIES') ? 'denies' : 'asserts');
        if (claims.some((c) => c.id === state.claim)) cls.push('current');
        data.claims = claims.map((c) => c.id).join(' ');
        title.push(...claims.map((c) => `${c.claimant ? c.claimant.name : 'The source'} ${c.stance === 'DENIES' ? 'denies' : 'asserts'}: ` +
          `${c.relation.from.name} → ${c.relation.label} → ${c.relation.to.name}`));
      }
      if (mentions.length) {
        cls.push('mention');
        data.entities = [...new Set(mentions.flatMap((m) => m.entities.map((e) => e.id)))].join(' ');
        title.push(...mentions.map((m) => `${m.text}: ${m.entities.map((e) => e.name).join(' or ')} (${m.how})`));
      }
      if (sugg.length) {
        cls.push('suggest');
        if (sugg.some((x) => x.start === a)) cls.push('suggest-start');
        if (sugg.some((x) => x.end === b)) cls.push('suggest-end');
        if (sugg.some((x) => x.key === pickedSuggestion)) cls.push('picked');
        data.suggest = sugg.map((x) => x.key).join(' ');
        title.push(...sugg.map((x) => `Draft suggestion: ${x.subject.name} → ${x.relation} → ${x.object.name}`));
      }
      p.append(el('span', { class: cls.join(' '), dataset: data, title: title.length ? title.join('\n') : undefined }, pts.slice(a, b).join('')));
    }
    return p;
  }

  // showQuote scrolls the reader to the quote of the claim in the URL, once
  // each time it changes, and makes it flash.
  function showQuote() {
    if (!state.claim || state.claim === shownQuote) return;
    const seg = [...$('reader-text').querySelectorAll('.seg[data-claims]')].find((s) => s.dataset.claims.split(' ').includes(state.claim));
    if (!seg) return;
    shownQuote = state.claim;
    seg.scrollIntoView({ block: 'center' });
    for (const s of $('reader-text').querySelectorAll('.seg.current')) {
      s.classList.remove('flash');
      void s.offsetWidth; // restart the animation
      s.classList.add('flash');
    }
  }

  function readSource(id) {
    state.read = sourceKey(id);
    state.claim = '';
    pendingClaim = null;
    pickedSuggestion = '';
    commit(true);
  }

  // readClaim opens the reader at a claim's quote.
  function readClaim(sourceID, claimID) {
    const opening = state.read !== sourceKey(sourceID);
    state.read = sourceKey(sourceID);
    state.claim = claimID;
    shownQuote = '';
    pendingClaim = null;
    pickedSuggestion = '';
    commit(opening);
  }

  // selectClaim opens a claim of the text: its relation in the details
  // panel, its quote highlighted in the reader.
  function selectClaim(c) {
    state.claim = c.id;
    state.sel = c.relation.id;
    shownQuote = '';
    pendingClaim = null;
    pickedSuggestion = '';
    commit(false);
  }

  $('reader-close').addEventListener('click', () => {
    state.read = '';
    state.claim = '';
    pendingClaim = null;
    pickedSuggestion = '';
    commit(true);
  });
  $('reader-suggest').addEventListener('change', () => {
    pickedSuggestion = '';
    refresh();
  });
  $('reader-token').addEventListener('change', () => {
    try {
      sessionStorage.setItem(TOKEN, readerToken());
    } catch (err) {
      // Storage may be off: the token stays in the field.
    }
  });

  // A click on a highlight opens its claim (the shortest quote where
  // several overlap), on a dashed stretch the draft's suggestion.
  $('reader-text').addEventListener('click', (e) => {
    const seg = e.target.closest('.seg');
    const sel = window.getSelection();
    if (!seg || (sel && !sel.isCollapsed)) return;
    const r = readerCache.get(state.read);
    if (seg.dataset.claims && r && !r.error) {
      const ids = seg.dataset.claims.split(' ');
      const claims = r.claims.filter((c) => ids.includes(c.id));
      claims.sort((a, b) => (a.anchor.end - a.anchor.start) - (b.anchor.end - b.anchor.start));
      if (claims.length) selectClaim(claims[0]);
    } else if (seg.dataset.suggest) {
      pickedSuggestion = seg.dataset.suggest.split(' ')[0];
      pendingClaim = null;
      renderReader(r);
      renderDetails();
    }
  });
  for (const ev of ['mouseup', 'keyup']) $('reader-text').addEventListener(ev, () => setTimeout(takeSelection, 0));

  // pointAt returns the code point of the text at a DOM position in the
  // reader (a selection's end), or null outside the text.
  function pointAt(node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      const seg = node.parentElement && node.parentElement.closest('[data-start]');
      return seg ? Number(seg.dataset.start) + Array.from(node.data.slice(0, offset)).length : null;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return null;
    if (offset < node.childNodes.length) {
      const child = node.childNodes[offset];
      if (child.nodeType === Node.TEXT_NODE) return pointAt(child, 0);
      const at = child.matches('[data-start]') ? child : child.querySelector('[data-start]');
      if (at) return Number(at.dataset.start);
    }
    if (node.matches('[data-end]')) return Number(node.dataset.end);
    const ends = node.querySelectorAll('[data-end]');
    return ends.length ? Number(ends[ends.length - 1].dataset.end) : null;
  }

  // takeSelection turns the words selected in the text into a new claim
  // form, with the quote and its place filled in and the entities the
  // quote mentions as its subject and object.
  function takeSelection() {
    const sel = window.getSelection();
    const r = readerCache.get(state.read);
    if (!sel || sel.isCollapsed || !sel.rangeCount || !r || r.error) return;
    const range = sel.getRangeAt(0);
    if (!$('reader-text').contains(range.commonAncestorContainer)) return;
    let start = pointAt(range.startContainer, range.startOffset);
    let end = pointAt(range.endContainer, range.endOffset);
    if (start === null || end === null) return;
    const pts = r.points;
    while (start < end && /\s/.test(pts[start])) start++;
    while (end > start && /\s/.test(pts[end - 1])) end--;
    if (end <= start) return;
    const quote = pts.slice(start, end).join('');
    if (pendingClaim && pendingClaim.start === start && pendingClaim.end === end) return;
    const named = [];
    for (const m of r.mentions) {
      if (m.start >= start && m.end <= end && m.entities.length === 1 && !named.some((e) => e.id === m.entities[0].id)) named.push(m.entities[0]);
    }
    pickedSuggestion = '';
    pendingClaim = { start, end, quote };
    pendingClaim.form = claimForm(pendingClaim, named);
    renderReader(r);
    renderDetails();
  }

  // entityInput is a combobox of entities for the claim form.
  function entityInput(id, label, value, placeholder) {
    const input = el('input', { id, type: 'text', role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false',
      'aria-controls': `${id}-list`, autocomplete: 'off', spellcheck: 'false', placeholder });
    if (value) {
      input.value = value.name;
      input.dataset.id = value.id;
    }
    const listbox = el('ul', { id: `${id}-list`, role: 'listbox', 'aria-label': 'Matching entities', hidden: true });
    combo(input, listbox, () => {});
    return el('div', {}, el('label', { for: id, text: label }), el('div', { class: 'combo' }, input, listbox));
  }

  function claimForm(pc, named) {
    const relation = el('select', { id: 'claim-relation' },
      relationTypes.map((t) => el('option', { value: t.name, text: `${t.label} (${t.name})` })));
    const stance = el('select', { id: 'claim-stance' },
      el('option', { value: 'ASSERTS', text: 'asserts it' }), el('option', { value: 'DENIES', text: 'denies it' }));
    const error = el('p', { id: 'claim-error', class: 'form-error', role: 'alert' });
    const save = el('button', { type: 'button', class: 'primary', id: 'claim-save' }, 'Save claim');
    const cancel = () => {
      pendingClaim = null;
      renderReader(readerCache.get(state.read));
      renderDetails();
    };
    // Not a <form>: Enter in a combobox picks an entity, it never saves.
    const form = el('div', { class: 'claim-form', id: 'claim-form', role: 'group', 'aria-label': 'The new claim' },
      entityInput('claim-subject', 'Subject', named[0], 'an entity'),
      el('label', { for: 'claim-relation', text: 'Relation' }), relation,
      entityInput('claim-object', 'Object', named[1], 'an entity'),
      entityInput('claim-claimant', 'Claimant (who says it)', null, 'none: the source itself states it'),
      el('label', { for: 'claim-stance', text: 'Stance' }), stance,
      error,
      el('div', { class: 'actions' }, save,
        el('button', { type: 'button', id: 'claim-cancel', onclick: cancel }, 'Cancel')));
    save.addEventListener('click', async () => {
      error.textContent = '';
      save.disabled = true;
      try {
        const [subject, object] = await Promise.all([resolveInput($('claim-subject')), resolveInput($('claim-object'))]);
        const claimant = $('claim-claimant').value.trim() ? await resolveInput($('claim-claimant')) : '';
        if (!subject || !object) throw new Error('Give the claim a subject and an object.');
        await saveClaim({ subject, relation: relation.value, object, claimant, stance: stance.value, quote: pc.quote, start: pc.start });
      } catch (err) {
        error.textContent = err.message;
      } finally {
        save.disabled = false;
      }
    });
    return el('div', {}, el('div', { class: 'panel-head' }, el('h2', { text: 'New claim' }),
      el('button', { type: 'button', class: 'close', 'aria-label': 'Cancel the new claim', title: 'Cancel', onclick: cancel }, '×')),
      el('blockquote', { class: 'new-quote', text: `“${pc.quote}”` }),
      el('p', { class: 'sub', text: `Code points ${pc.start}–${pc.end} of the text: the claim's anchor.` }),
      form);
  }

  // saveClaim records a claim on the open source, with its quote placed at
  // start: a new statement, or a claim added to the statement that is
  // there. It needs an editor's token. The view then shows the claim
  // highlighted, its relation in the details and in the graph.
  async function saveClaim(c) {
    const token = readerToken();
    if (!token) throw new Error('Saving needs an editor’s token: give it in the reader’s Token field.');
    const claim = { source: state.read, stance: c.stance, quote: c.quote, start: c.start };
    if (c.claimant) claim.claimant = c.claimant;
    const ids = [statementID(c.subject, c.relation, c.object)];
    if ((relationTypes.find((t) => t.name === c.relation) || {}).symmetric) ids.push(statementID(c.object, c.relation, c.subject));
    const found = await gql('query($a: ID!, $b: ID!) { a: relation(id: $a) { id } b: relation(id: $b) { id } }', { a: ids[0], b: ids[ids.length - 1] });
    const existing = (found.a || found.b || {}).id;
    let rel;
    if (existing) {
      rel = (await gql('mutation($r: ID!, $c: ClaimInput!) { addClaim(relation: $r, claim: $c) { id } }', { r: existing, c: claim }, token)).addClaim.id;
    } else {
      rel = (await gql('mutation($s: ID!, $t: String!, $o: ID!, $c: ClaimInput!) { addStatement(subject: $s, type: $t, object: $o, claim: $c) { id } }',
        { s: c.subject, t: c.relation, o: c.object, c: claim }, token)).addStatement.id;
    }
    // What was loaded before the write is stale now.
    readerCache.delete(state.read);
    neighborhoods.clear();
    pathResults.clear();
    relations.delete(rel);
    const r = await loadReader(state.read);
    const mine = !r.error && r.claims.find((x) => x.relation.id === rel && x.anchor && x.anchor.start === c.start &&
      x.stance === c.stance && (x.claimant ? x.claimant.id : '') === (c.claimant || ''));
    pendingClaim = null;
    pickedSuggestion = '';
    if (!state.show.includes(c.subject)) state.show = [...state.show, c.subject];
    state.sel = rel;
    state.claim = mine ? mine.id : '';
    shownQuote = '';
    renderedReader = '';
    commit(true);
  }

  function suggestionDetails(x) {
    const error = el('p', { id: 'suggestion-error', class: 'form-error', role: 'alert' });
    const accept = el('button', { type: 'button', class: 'primary', id: 'suggestion-accept' }, 'Accept');
    accept.addEventListener('click', async () => {
      error.textContent = '';
      accept.disabled = true;
      try {
        await saveClaim({ subject: x.subject.id, relation: x.relation, object: x.object.id,
          claimant: x.claimant ? x.claimant.id : '', stance: x.stance, quote: x.quote, start: x.start });
      } catch (err) {
        error.textContent = err.message;
      } finally {
        accept.disabled = false;
      }
    });
    const label = (relationTypes.find((t) => t.name === x.relation) || { label: x.relation }).label;
    return [
      el('div', { class: 'panel-head' }, el('h2', { text: 'Draft suggestion' }),
        el('button', { type: 'button', class: 'close', 'aria-label': 'Close the suggestion', title: 'Close', onclick: () => {
          pickedSuggestion = '';
          renderReader(readerCache.get(state.read));
          renderDetails();
        } }, '×')),
      el('h3', { id: 'suggestion-title', text: `${x.subject.name} → ${label} → ${x.object.name}` }),
      el('p', { class: 'sub' }, badge(x.stance), ' ', x.claimant ? x.claimant.name : 'The source itself'),
      el('blockquote', { class: 'new-quote', text: `“${x.quote}”` }),
      el('p', { class: 'suggestion-reason', text: `Why: ${x.statementReason}${x.reason ? `; ${x.reason}` : ''}` }),
      error,
      el('div', { class: 'actions' }, accept,
        el('button', { type: 'button', id: 'suggestion-dismiss', onclick: () => {
          dismiss(x.key);
          pickedSuggestion = '';
          renderReader(readerCache.get(state.read));
          renderDetails();
        } }, 'Dismiss')),
    ];
  }

  // sourceClaimsDetails lists the claims of the open source; a click shows
  // one's quote in the text.
  function sourceClaimsDetails(r) {
    const anchored = r.claims.filter((c) => c.anchor && !c.anchor.orphaned);
    const suggestions = currentSuggestions();
    const n = suggestions.length;
    const label = (name) => (relationTypes.find((t) => t.name === name) || { label: name }).label;
    return [
      el('h2', { text: 'Claims in this source' }),
      el('p', { class: 'sub', text: `${anchored.length} anchored in the text${n ? `, ${n} draft suggestion${n === 1 ? '' : 's'} dashed` : ''}. ` +
        'Select words of the text to record a claim.' }),
      el('ul', { class: 'list', 'aria-label': 'Claims in this source' }, anchored.map((c) => el('li', {},
        el('button', { type: 'button', class: 'source-claim', dataset: { claim: c.id }, onclick: () => selectClaim(c) },
          badge(c.stance), ' ', `${c.claimant ? c.claimant.name : 'The source'}: ${c.relation.from.name} → ${c.relation.label} → ${c.relation.to.name}`)))),
      n ? el('h4', { text: `Draft suggestions (${n})` }) : null,
      n ? el('ul', { class: 'list', 'aria-label': 'Draft suggestions' }, suggestions.map((x) => el('li', {},
        el('button', { type: 'button', class: 'source-suggestion', dataset: { suggest: x.key }, onclick: () => {
          pickedSuggestion = x.key;
          pendingClaim = null;
          renderReader(readerCache.get(state.read));
          renderDetails();
        } }, badge(x.stance), ' ', `${x.claimant ? x.claimant.name : 'The source'}: ${x.subject.name} → ${label(x.relation)} → ${x.object.name}`)))) : null,
    ].filter(Boolean);
  }

  // buildReaderLegend says what the marks in the text mean.
  function buildReaderLegend() {
    $('reader-legend').replaceChildren(...[
      ['seg hl asserts', 'a claim asserts'], ['seg hl denies', 'a claim denies'], ['seg hl mixed', 'both'],
      ['seg mention', 'a mention of an entity'], ['seg suggest suggest-start suggest-end', 'a draft suggestion'],
    ].map(([cls, text]) => el('span', {}, el('span', { class: `sample ${cls}`, text: 'text' }), ' ', text)));
  }

  async function loadSources() {
    const box = $('sources-list');
    try {
      const data = await gql(Q_SOURCES);
      const withText = data.sources.nodes.filter((s) => s.digest);
      box.replaceChildren(...withText.map((s) => el('li', {}, el('button', {
        type: 'button', class: 'source-read', dataset: { source: sourceKey(s.id) }, title: `Read ${s.title}`, onclick: () => readSource(s.id),
      }, s.title))));
      if (!withText.length) box.replaceChildren(el('li', { class: 'help', text: 'No source with its text yet.' }));
    } catch (err) {
      setStatus(err.message, true);
    }
  }
  function renderTimeline() {
    const plot = $('tl-plot');
    const { spans, claims, undated } = timelineEvents(timelineRels);
    $('tl-valid').setAttribute('aria-pressed', String(state.time === 'valid'));
    $('tl-report').setAttribute('aria-pressed', String(state.time === 'report'));
    $('tl-range').hidden = !state.range;
    $('tl-range-text').textContent = state.range ? state.range.replace('..', ' – ') : '';
    $('tl-range').title = state.range ? `Only what ${state.time === 'valid' ? 'held' : 'was said'} in this range is drawn` : '';
    const dated = [];
    for (const sp of spans) dated.push(sp.from, sp.to);
    for (const c of claims) dated.push(...c.span);
    const finite = dated.filter(Number.isFinite);
    const rs = rangeSpan();
    if (rs) finite.push(...rs);
    plot.replaceChildren();
    $('tl-summary').textContent = timelineRels.length
      ? `${claims.length} dated ${claims.length === 1 ? 'claim' : 'claims'} · ${spans.length} dated ${spans.length === 1 ? 'relation' : 'relations'}${undated ? ` · ${undated} undated` : ''}`
      : '';
    if (!finite.length) {
      plot.append(el('p', { class: 'help tl-empty', text: timelineRels.length
        ? 'No relation or claim in view has a known date.' : 'The timeline shows the dates of the relations in view.' }));
      return;
    }
    let t0 = Math.min(...finite);
    let t1 = Math.max(...finite);
    if (t1 - t0 < 180 * DAY) {
      const mid = (t0 + t1) / 2;
      t0 = mid - 90 * DAY;
      t1 = mid + 90 * DAY;
    }
    const pad = (t1 - t0) * 0.04;
    t0 -= pad;
    t1 += pad;
    const width = Math.max(plot.clientWidth, 200);
    const x0 = TL.left;
    const x1 = width - TL.right;
    const x = (t) => x0 + ((Math.min(Math.max(t, t0), t1) - t0) / (t1 - t0)) * (x1 - x0);
    const title = (text) => svg('title', {}, document.createTextNode(text));
    const rowOf = new Map();
    const parts = [
      svg('text', { x: 4, y: TL.validY + 13, class: `tl-lane${state.time === 'valid' ? ' on' : ''}` }, document.createTextNode('Valid')),
      svg('text', { x: 4, y: TL.reportY + 9, class: `tl-lane${state.time === 'report' ? ' on' : ''}` }, document.createTextNode('Reported')),
      svg('line', { x1: x0, y1: TL.axisY, x2: x1, y2: TL.axisY, class: 'tl-axis' }),
    ];
    for (const tk of ticks(t0, t1)) {
      parts.push(svg('line', { x1: x(tk.t), y1: TL.axisY, x2: x(tk.t), y2: TL.axisY + 4, class: 'tl-axis' }));
      parts.push(svg('text', { x: x(tk.t), y: TL.axisY + 13, class: 'tl-tick' }, document.createTextNode(tk.text)));
    }
    const lanes = 4;
    spans.forEach((sp) => {
      if (!rowOf.has(sp.rel.id)) rowOf.set(sp.rel.id, rowOf.size % lanes);
      const y = TL.validY + rowOf.get(sp.rel.id) * (TL.validH / lanes);
      const a = x(sp.from);
      const b = Math.max(x(sp.to), a + 3);
      const when = `${sp.rel.validFrom || '…'} – ${sp.rel.validUntil || '…'}`;
      parts.push(svg('rect', {
        x: a, y, width: b - a, height: TL.validH / lanes - 1.5, rx: 1.5,
        class: `tl-span ${sp.rel.status}${state.time === 'valid' ? '' : ' off'}`, 'data-rel': sp.rel.id,
      }, title(`${name(sp.rel.subject)} ${sp.rel.label} ${name(sp.rel.object)}: valid ${when}`)));
    });
    claims.forEach((c) => {
      const cx = (x(c.span[0]) + x(c.span[1])) / 2;
      const who = c.claim.claimant ? c.claim.claimant.name : 'the source';
      parts.push(svg('circle', {
        cx, cy: TL.reportY + 5, r: 4.5,
        class: `tl-claim ${c.claim.stance}${state.time === 'report' ? '' : ' off'}`, 'data-rel': c.rel.id,
      }, title(`${c.date}: ${who} ${c.claim.stance === 'DENIES' ? 'denies' : 'asserts'} ${name(c.rel.subject)} ${c.rel.label} ${name(c.rel.object)}`)));
    });
    if (rs) parts.push(svg('rect', { x: x(rs[0]), y: 2, width: Math.max(x(rs[1]) - x(rs[0]), 2), height: TL.axisY - 2, class: 'tl-range-box' }));
    const brush = svg('rect', { x: 0, y: 2, width: 0, height: TL.axisY - 2, class: 'tl-brush', visibility: 'hidden' });
    parts.push(brush);
    const box = svg('svg', {
      width, height: TL.height, class: 'tl-svg', role: 'img',
      'aria-label': `Timeline of the relations in view: ${$('tl-summary').textContent}. Drag across it to filter by ${state.time === 'valid' ? 'valid' : 'report'} time.`,
      'data-t0': t0, 'data-t1': t1, 'data-x0': x0, 'data-x1': x1,
    }, ...parts);
    plot.append(box);
    brushOn(box, brush, (px) => t0 + ((Math.min(Math.max(px, x0), x1) - x0) / (x1 - x0)) * (t1 - t0));
  }

  // brushOn lets the pointer drag a range across the strip; a click on a
  // mark selects its relation instead.
  function brushOn(box, brush, timeAt) {
    let start = null;
    const local = (e) => e.clientX - box.getBoundingClientRect().left;
    box.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      start = local(e);
      box.setPointerCapture(e.pointerId);
      brush.setAttribute('x', start);
      brush.setAttribute('width', 0);
    });
    box.addEventListener('pointermove', (e) => {
      if (start === null) return;
      const now = local(e);
      brush.setAttribute('visibility', 'visible');
      brush.setAttribute('x', Math.min(start, now));
      brush.setAttribute('width', Math.abs(now - start));
    });
    box.addEventListener('pointerup', (e) => {
      if (start === null) return;
      const end = local(e);
      const from = start;
      start = null;
      brush.setAttribute('visibility', 'hidden');
      if (Math.abs(end - from) < 4) {
        const mark = document.elementsFromPoint(e.clientX, e.clientY).find((n) => n.dataset && n.dataset.rel);
        if (mark) select(mark.dataset.rel);
        return;
      }
      setRange(dayOf(timeAt(Math.min(from, end))), dayOf(timeAt(Math.max(from, end)) - 1));
    });
  }

  // setRange applies a dragged range: as a filter of the drawing, or as the
  // As of / Reported by date (its last day).
  function setRange(from, to) {
    if ($('tl-apply').value === 'date') {
      state[state.time === 'valid' ? 'asOf' : 'reportedBy'] = to;
      state.range = '';
    } else {
      state.range = `${from}..${to}`;
    }
    state.path = 0;
    commit(true);
  }

  for (const [id, time] of [['tl-valid', 'valid'], ['tl-report', 'report']]) {
    $(id).addEventListener('click', () => {
      if (state.time === time) return;
      state.time = time;
      commit(true);
    });
  }
  $('tl-range-clear').addEventListener('click', () => {
    state.range = '';
    commit(true);
  });
  // The strip is drawn to the pane's width.
  new ResizeObserver(() => renderTimeline()).observe($('tl-plot'));

  // The strip can be folded away so that the graph takes its room: the
  // choice is remembered in this browser; without one, the strip is
  // folded in narrow windows, where the graph is short already.
  const TIMELINE_SHOWN = 'claimgraph.explorer.timeline';
  function showTimeline(shown) {
    $('timeline').classList.toggle('collapsed', !shown);
    $('tl-toggle').setAttribute('aria-expanded', String(shown));
    $('tl-toggle').title = shown ? 'Hide the timeline: the graph takes its room' : 'Show the timeline of the relations in view';
    cy.resize();
  }
  {
    let saved = null;
    try {
      saved = localStorage.getItem(TIMELINE_SHOWN);
    } catch (err) {
      // Storage may be off: the default holds.
    }
    showTimeline(saved ? saved === 'shown' : !matchMedia('(max-width: 980px)').matches);
  }
  $('tl-toggle').addEventListener('click', () => {
    const shown = $('timeline').classList.contains('collapsed');
    try {
      localStorage.setItem(TIMELINE_SHOWN, shown ? 'shown' : 'hidden');
    } catch (err) {
      // Storage may be off: the choice lasts for this page.
    }
    showTimeline(shown);
  });


  // ---- Live changes ------------------------------------------------------------------------
  // Two subscriptions over the WebSocket at /graphql (graphql-transport-ws)
  // count the claims added and the statuses changed of relations with an
  // end in view; the count shows on the toolbar's changes button, which
  // reloads the view. A dropped feed reconnects after its last event id,
  // so that nothing is missed meanwhile.

  const FEEDS = {
    claimAdded: `subscription Claims($after: ID) { claimAdded(after: $after) { id subject object relationId stance } }`,
    statusChanged: `subscription Statuses($after: ID) { statusChanged(after: $after) { id subject object relationId from to } }`,
  };
  const pending = { claimAdded: [], statusChanged: [] };
  const feeds = {}; // name → {stop, last, state}

  function startFeed(feed) {
    const f = feeds[feed] || (feeds[feed] = { last: null, state: 'closed', stop: null, retry: 0 });
    if (f.stop) f.stop();
    f.stop = ClaimgraphUI.subscribe(FEEDS[feed], { after: f.last }, (data) => {
      const e = data[feed];
      f.last = e.id;
      if (viewNodes.includes(e.subject) || viewNodes.includes(e.object)) {
        pending[feed].push(e);
        renderChanges();
      }
    }, (st) => {
      f.state = st;
      renderChanges();
      clearTimeout(f.retry);
      // A feed that failed or was dropped comes back after a pause.
      if (st.startsWith('error')) f.retry = setTimeout(() => startFeed(feed), 3000);
    });
  }

  function renderChanges() {
    const b = $('changes');
    const claims = pending.claimAdded.length;
    const statuses = pending.statusChanged.length;
    const n = claims + statuses;
    const states = Object.values(feeds).map((f) => f.state);
    b.dataset.feed = states.length && states.every((x) => x === 'open') ? 'open' : states.find((x) => x !== 'open') || 'closed';
    b.hidden = n === 0;
    b.textContent = `↻ ${n} ${n === 1 ? 'change' : 'changes'}`;
    const parts = [];
    if (claims) parts.push(`${claims} ${claims === 1 ? 'claim' : 'claims'} added`);
    if (statuses) parts.push(`${statuses} ${statuses === 1 ? 'status' : 'statuses'} changed`);
    b.title = `${parts.join(', ')} in view since it was drawn: click to update the view`;
  }

  // reloadView forgets what was loaded and draws the view again.
  function reloadView() {
    neighborhoods.clear();
    pathResults.clear();
    histories.clear();
    mergesOf.clear();
    for (const id of [...relations.keys()]) relations.delete(id);
    pending.claimAdded = [];
    pending.statusChanged = [];
    renderChanges();
    refresh();
  }

  $('changes').addEventListener('click', reloadView);
  ClaimgraphUI.onTokenChange(() => Object.keys(FEEDS).forEach(startFeed));

  // ---- Export ------------------------------------------------------------------------------

  function download(blob, filename) {
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: filename });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function exportBase() {
    const who = state.from && state.to ? `${state.from}-to-${state.to}` : state.show[0] || 'view';
    return `claimgraph-${who}`;
  }

  async function exportPNG() {
    const blob = await cy.png({ output: 'blob-promise', full: true, scale: 2, bg: '#ffffff' });
    download(blob, `${exportBase()}.png`);
    setStatus(`Exported ${exportBase()}.png`);
  }

  function exportJSON() {
    const view = {
      generator: 'claimgraph explorer',
      exported: new Date().toISOString(),
      url: location.href,
      filters: { types: state.types, status: state.status, asOf: state.asOf || null, reportedBy: state.reportedBy || null, range: state.range || null },
      entities: cy.nodes().map((n) => entities.get(n.id())).filter(Boolean),
      relations: cy.edges().map((e) => {
        const r = relations.get(e.id());
        return {
          id: r.id, type: r.type, label: r.label, from: r.subject, to: r.object, status: r.status,
          validFrom: r.validFrom, validUntil: r.validUntil, attributes: r.attributes, claims: r.claims,
        };
      }),
      paths: currentPaths && currentPaths.paths
        ? { from: state.from, to: state.to, rank: state.rank, paths: currentPaths.paths }
        : null,
    };
    download(new Blob([JSON.stringify(view, null, 2) + '\n'], { type: 'application/json' }), `${exportBase()}.json`);
    setStatus(`Exported ${exportBase()}.json`);
  }

  // ---- Start ---------------------------------------------------------------------------------

  window.addEventListener('popstate', () => {
    state = readURL();
    pendingClaim = null;
    pickedSuggestion = '';
    refresh();
  });

  async function start() {
    buildFilters();
    try {
      $('reader-token').value = sessionStorage.getItem(TOKEN) || '';
    } catch (err) {
      // Storage may be off.
    }
    try {
      const { ontology } = await gql(Q_META);
      meta = {
        entityTypes: ontology.entityTypes.map((t) => t.name),
        relationTypes: ontology.relationTypes.map((t) => t.name),
      };
      relationTypes = ontology.relationTypes;
    } catch (err) {
      setStatus(err.message, true);
    }
    buildTypeFilters();
    buildReaderLegend();
    loadSources();
    if (isEmpty(state)) await openFirstView();
    saveView();
    await refresh();
    Object.keys(FEEDS).forEach(startFeed);
  }

  // openFirstView picks what a visit to /explore with nothing in its URL
  // shows: the view left last time, or else the neighbourhood of the best
  // connected entity, so that the canvas is never empty on arrival.
  async function openFirstView() {
    const saved = savedView();
    if (saved) {
      history.replaceState(null, '', location.pathname + saved);
      state = readURL();
      if (!isEmpty(state)) return;
    }
    try {
      const data = await gql(Q_HUB);
      let best = null;
      for (const e of data.entities.nodes) {
        if (!best || e.relations.length > best.relations.length) best = e;
      }
      if (best && best.relations.length) {
        state.show = [best.id];
        state.sel = best.id;
        history.replaceState(null, '', stateURL(state));
      }
    } catch (err) {
      setStatus(err.message, true);
    }
  }

  start();
})();
