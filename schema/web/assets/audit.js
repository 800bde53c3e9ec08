// claimgraph audit log page: the latest writes from auditLog, a page at a
// time, newest first, for admins. Loaded by audit.html after common.js.
(() => {
  'use strict';

  const { gql, el, authMessage, onTokenChange } = window.ClaimgraphUI;
  const PAGE = 20;
  const SHOWN_IDS = 6;
  const Q_AUDIT = `query Audit($first: Int, $after: String, $user: String) {
    auditLog(first: $first, after: $after, user: $user) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { id user at operation ids added changed removed changes { change id fields } } } }`;

  const $ = (id) => document.getElementById(id);
  // afters[i] is the cursor page i starts after (null: the newest).
  let afters = [null];
  let user = '';

  function message(text, isError) {
    const m = $('audit-message');
    m.hidden = !text;
    m.textContent = text;
    m.classList.toggle('error', !!isError);
  }

  // when shows an RFC 3339 time to the second, in UTC.
  function when(at) {
    return `${at.slice(0, 19).replace('T', ' ')} UTC`;
  }

  function counts(e) {
    const parts = [];
    if (e.added) parts.push(`${e.added} added`);
    if (e.changed) parts.push(`${e.changed} changed`);
    if (e.removed) parts.push(`${e.removed} removed`);
    return parts.join(', ') || 'nothing changed';
  }

  function change(c) {
    const fields = c.fields && c.fields.length ? ` (${c.fields.join(', ')})` : '';
    return el('li', { class: `change ${c.change}` }, el('span', { class: 'kind', text: c.change }), ' ', el('code', { text: c.id }), fields);
  }

  function entry(e) {
    const changes = e.changes || [];
    const first = changes.slice(0, SHOWN_IDS);
    const rest = changes.slice(SHOWN_IDS);
    return el('tr', { dataset: { id: e.id } },
      el('td', { class: 'at' }, el('time', { datetime: e.at, text: when(e.at) })),
      el('td', { class: 'who', text: e.user || 'unknown' }),
      el('td', { class: 'op' }, el('strong', { text: e.operation }), el('span', { class: 'counts', text: counts(e) })),
      el('td', { class: 'what' },
        el('ul', { class: 'changes' }, first.map(change)),
        rest.length ? el('details', {}, el('summary', { text: `and ${rest.length} more` }), el('ul', { class: 'changes' }, rest.map(change))) : null));
  }

  async function load() {
    document.body.dataset.busy = 'true';
    const page = afters.length - 1;
    const list = $('audit-list');
    try {
      const data = await gql(Q_AUDIT, { first: PAGE, after: afters[page], user: user || null });
      const log = data.auditLog;
      message('');
      list.replaceChildren();
      if (!log.nodes.length) {
        list.append(el('p', { class: 'help', text: user ? `No write by “${user}”.` : 'No write yet.' }));
      } else {
        list.append(el('table', { class: 'audit' },
          el('caption', { class: 'visually-hidden', text: 'Writes, newest first' }),
          el('thead', {}, el('tr', {}, ['When', 'Who', 'Operation', 'What it changed'].map((h) => el('th', { scope: 'col', text: h })))),
          el('tbody', {}, log.nodes.map(entry))));
      }
      const from = page * PAGE + 1;
      $('audit-count').textContent = log.nodes.length
        ? `${from}–${from + log.nodes.length - 1} of ${log.totalCount}` : '';
      document.querySelector('.pager').hidden = false;
      $('audit-newer').disabled = page === 0;
      $('audit-older').disabled = !log.pageInfo.hasNextPage;
      $('audit-older').dataset.after = log.pageInfo.endCursor || '';
    } catch (err) {
      list.replaceChildren();
      $('audit-count').textContent = '';
      document.querySelector('.pager').hidden = true;
      message(authMessage(err, 'admin') || err.message, true);
    }
    document.body.dataset.busy = 'false';
  }

  $('audit-older').addEventListener('click', () => {
    afters.push($('audit-older').dataset.after);
    load();
  });
  $('audit-newer').addEventListener('click', () => {
    if (afters.length > 1) afters.pop();
    load();
  });
  $('audit-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    user = $('audit-user').value.trim();
    afters = [null];
    load();
  });
  onTokenChange(() => {
    afters = [null];
    load();
  });

  load();
})();
