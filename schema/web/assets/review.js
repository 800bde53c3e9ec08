// claimgraph review queue: the candidate pairs of duplicateCandidates side
// by side, judged Same, Different or Unsure (judgeCandidate), and merged
// (mergeEntities) when they are the same. Loaded by review.html after
// common.js.
(() => {
  'use strict';

  const { gql, el, badge, authMessage, onTokenChange } = window.ClaimgraphUI;
  const Q_CANDIDATES = `query Candidates($type: EntityTypeName) {
    duplicateCandidates(first: 100, type: $type) {
      totalCount nodes { type score a { id } b { id } reasons { kind detail weight } } } }`;
  const ENTITY = `id type name aliases description createdBy createdAt
    relations { id label status from { id name } to { id name } claims { source { id title } } }`;
  const Q_PAIR = `query Pair($a: ID!, $b: ID!) { a: entity(id: $a) { ${ENTITY} } b: entity(id: $b) { ${ENTITY} } }`;
  const M_JUDGE = `mutation Judge($a: ID!, $b: ID!, $verdict: Verdict!) {
    judgeCandidate(a: $a, b: $b, verdict: $verdict) { a b verdict by at } }`;
  const M_MERGE = `mutation Merge($keep: ID!, $merge: [ID!]!) {
    mergeEntities(keep: $keep, merge: $merge) { id keep { id name } merged statements joined by at } }`;
  const Q_TYPES = '{ ontology { entityTypes { name } } }';
  const VERDICT_TEXT = { SAME: 'the same', DIFFERENT: 'different', UNSURE: 'unsure' };

  const $ = (id) => document.getElementById(id);
  const skipped = new Set(); // pairs passed over in this visit: "a|b"
  let pair = null; // {candidate, a, b, remaining}
  let sameJudged = false; // the pair shown was judged the same: offer the merge

  function message(text, isError) {
    const m = $('review-message');
    m.hidden = !text;
    m.replaceChildren(...[text].flat());
    m.classList.toggle('error', !!isError);
  }

  function busy(on) {
    document.body.dataset.busy = on ? 'true' : 'false';
    document.querySelectorAll('#review-pair button').forEach((b) => { b.disabled = on; });
  }

  const key = (c) => `${c.a.id}|${c.b.id}`;

  // next loads the best candidate not passed over, with both entities.
  async function next() {
    busy(true);
    sameJudged = false;
    try {
      const type = $('review-type').value || null;
      const data = await gql(Q_CANDIDATES, { type });
      const open = data.duplicateCandidates.nodes.filter((c) => !skipped.has(key(c)));
      const c = open[0];
      if (!c) {
        pair = null;
        $('review-progress').textContent = '';
        $('review-pair').replaceChildren(el('p', { class: 'empty-queue', text: data.duplicateCandidates.nodes.length
          ? 'You passed over every pair left. Reload the page to see them again.'
          : 'No pair left to review. Every candidate has been judged.' }));
        busy(false);
        return;
      }
      const ents = await gql(Q_PAIR, { a: c.a.id, b: c.b.id });
      pair = { candidate: c, a: ents.a, b: ents.b, remaining: data.duplicateCandidates.totalCount };
      render();
    } catch (err) {
      message(err.message, true);
    }
    busy(false);
  }

  function sources(e) {
    const seen = new Map();
    for (const r of e.relations) {
      for (const c of r.claims) seen.set(c.source.id, c.source.title);
    }
    return [...seen.values()].sort();
  }

  function side(e, which) {
    const rels = e.relations.map((r) => {
      const out = r.from.id === e.id;
      const other = out ? r.to : r.from;
      // Incoming relations read from their subject: "India accused of backing it".
      return el('li', {}, badge(r.status), ' ', out ? `${r.label} → ${other.name}` : `${other.name} ${r.label} it`);
    });
    const srcs = sources(e);
    return el('article', { class: 'candidate', id: `candidate-${which}`, 'aria-labelledby': `candidate-${which}-name` },
      el('h3', { id: `candidate-${which}-name`, text: e.name }),
      el('dl', { class: 'facts' },
        el('dt', { text: 'Id' }), el('dd', {}, el('code', { text: e.id })),
        el('dt', { text: 'Type' }), el('dd', { class: 'type', text: e.type }),
        el('dt', { text: 'Aliases' }), el('dd', { class: 'aliases', text: e.aliases.length ? e.aliases.join(', ') : 'none' }),
        e.description ? [el('dt', { text: 'About' }), el('dd', { text: e.description })] : null,
        el('dt', { text: 'Added' }), el('dd', { text: e.createdBy ? `by ${e.createdBy}${e.createdAt ? ` on ${e.createdAt.slice(0, 10)}` : ''}` : 'not known' })),
      el('h4', { text: `Relations (${rels.length})` }),
      rels.length ? el('ul', { class: 'list relations' }, rels) : el('p', { class: 'help', text: 'None.' }),
      el('h4', { text: `Sources (${srcs.length})` }),
      srcs.length ? el('ul', { class: 'list sources' }, srcs.map((s) => el('li', { text: s }))) : el('p', { class: 'help', text: 'None.' }),
      el('p', {}, el('a', { href: `/explore?show=${encodeURIComponent(e.id)}&sel=${encodeURIComponent(e.id)}`, text: 'Open in the explorer' })));
  }

  function render() {
    const { candidate: c, a, b, remaining } = pair;
    $('review-progress').textContent = `${remaining} ${remaining === 1 ? 'pair' : 'pairs'} to review`;
    const score = el('div', { class: 'score' },
      el('strong', { text: `Score ${c.score.toFixed(2)}` }),
      el('meter', { min: 0, max: 1, value: c.score, 'aria-label': 'Score' }),
      el('span', { class: 'help', text: `both ${c.type}` }));
    const reasons = el('ul', { class: 'reasons', 'aria-label': 'Why they may be one' },
      c.reasons.map((r) => el('li', {}, el('span', { class: 'reason-kind', text: r.kind }), ' ', r.detail,
        el('span', { class: 'meta', text: `+${r.weight.toFixed(2)}` }))));
    const actions = sameJudged
      ? el('div', { class: 'actions verdicts', role: 'group', 'aria-label': 'Merge' },
        el('span', { class: 'help', text: 'Judged the same. Merge them now?' }),
        el('button', { type: 'button', class: 'primary', id: 'merge-into-a', onclick: () => merge(a, b) }, `Merge into ${a.name} (keep the left)`),
        el('button', { type: 'button', class: 'primary', id: 'merge-into-b', onclick: () => merge(b, a) }, `Merge into ${b.name} (keep the right)`),
        el('button', { type: 'button', id: 'merge-later', onclick: () => next() }, 'Not now: next pair'))
      : el('div', { class: 'actions verdicts', role: 'group', 'aria-label': 'Your judgement' },
        el('button', { type: 'button', class: 'primary', id: 'verdict-same', onclick: () => judge('SAME') }, 'Same'),
        el('button', { type: 'button', id: 'verdict-different', onclick: () => judge('DIFFERENT') }, 'Different'),
        el('button', { type: 'button', id: 'verdict-unsure', onclick: () => judge('UNSURE') }, 'Unsure'),
        el('button', { type: 'button', class: 'link', id: 'verdict-skip', onclick: () => { skipped.add(key(c)); message(''); next(); } }, 'Skip for now'));
    $('review-pair').replaceChildren(
      el('div', { class: 'pair-head' }, score, reasons),
      el('div', { class: 'pair' }, side(a, 'a'), side(b, 'b')),
      actions);
  }

  async function judge(verdict) {
    const { a, b } = pair;
    busy(true);
    try {
      const { judgeCandidate: j } = await gql(M_JUDGE, { a: a.id, b: b.id, verdict });
      const text = `Recorded: ${a.name} and ${b.name} are ${VERDICT_TEXT[verdict]} (by ${j.by}).`;
      message(text);
      if (verdict === 'SAME') {
        sameJudged = true;
        render();
        busy(false);
        return;
      }
      await next();
    } catch (err) {
      message(authMessage(err, 'editor') || err.message, true);
      busy(false);
    }
  }

  async function merge(keep, other) {
    busy(true);
    try {
      const { mergeEntities: m } = await gql(M_MERGE, { keep: keep.id, merge: [other.id] });
      message([`Merged ${other.name} into `,
        el('a', { href: `/explore?show=${encodeURIComponent(m.keep.id)}&sel=${encodeURIComponent(m.keep.id)}`, text: m.keep.name }),
        `: ${m.statements} ${m.statements === 1 ? 'statement' : 'statements'} moved, ${m.joined} joined.`]);
      await next();
    } catch (err) {
      message(authMessage(err, 'editor') || err.message, true);
      busy(false);
    }
  }

  $('review-type').addEventListener('change', () => {
    message('');
    next();
  });
  onTokenChange(() => message(''));

  async function start() {
    try {
      const { ontology } = await gql(Q_TYPES);
      for (const t of ontology.entityTypes) $('review-type').append(el('option', { value: t.name, text: t.name }));
    } catch (err) {
      message(err.message, true);
    }
    await next();
  }
  start();
})();
