// claimgraph explorer pages: what the explorer, the review queue and the
// audit log share. It defines one global, ClaimgraphUI, before the page's
// own script runs (both are deferred, in order):
//
//   gql(query, variables)   POSTs to the same-origin /graphql with the
//                           bearer token, if one is set; throws a GraphQLError
//                           whose codes are the errors' extensions.code
//   subscribe(query, variables, onNext, onState)
//                           runs a subscription over a WebSocket with the
//                           graphql-transport-ws protocol; returns a stop function
//   el, badge               DOM builders
//   authMessage(err, role)  words for a refusal: no token, or too low a role
//   onTokenChange(fn)       calls fn when the token is saved or forgotten
//
// The bearer token is kept in sessionStorage only (gone with the tab), sent
// as "Authorization: Bearer TOKEN" with every request and in the
// connection_init payload of a WebSocket, which cannot carry headers. The
// top bar's Token button sets and forgets it.
(() => {
  'use strict';

  const TOKEN_KEY = 'claimgraph.token';
  const listeners = [];

  function token() {
    try {
      return sessionStorage.getItem(TOKEN_KEY) || '';
    } catch (err) {
      return '';
    }
  }

  function setToken(t) {
    try {
      if (t) sessionStorage.setItem(TOKEN_KEY, t);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch (err) {
      // Storage may be off: the token then lasts until the page is left.
      memoryToken = t;
    }
    showTokenState();
    for (const fn of listeners) fn(t);
  }
  let memoryToken = '';
  const currentToken = () => token() || memoryToken;

  // GraphQLError carries the codes of a GraphQL answer's errors.
  class GraphQLError extends Error {
    constructor(message, codes) {
      super(message);
      this.name = 'GraphQLError';
      this.codes = codes;
    }
  }

  // gql posts one operation to /graphql and returns its data, or throws a
  // GraphQLError. It asks for application/json so a request error is still a
  // 200 with errors, not a failed load in the console. It sends the token
  // the user set, or the one given (the reader's, for its writes).
  async function gql(query, variables, token) {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const t = token || currentToken();
    if (t) headers.Authorization = `Bearer ${t}`;
    let res;
    try {
      res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    } catch (err) {
      throw new GraphQLError('The claimgraph server cannot be reached.', ['UNAVAILABLE']);
    }
    let body;
    try {
      body = await res.json();
    } catch (err) {
      const code = res.status === 401 ? 'UNAUTHENTICATED' : res.status === 403 ? 'FORBIDDEN' : `HTTP_${res.status}`;
      throw new GraphQLError(`The server answered ${res.status} ${res.statusText}.`, [code]);
    }
    if (body.errors && body.errors.length) {
      throw new GraphQLError(body.errors.map((e) => e.message).join('; '),
        body.errors.map((e) => (e.extensions && e.extensions.code) || 'ERROR'));
    }
    return body.data;
  }

  // authMessage words a refusal for someone who needs role, or returns ''
  // when err is no refusal.
  function authMessage(err, role) {
    const codes = (err && err.codes) || [];
    if (codes.includes('UNAUTHENTICATED')) {
      return currentToken()
        ? `The token is not accepted. Set a token with the ${role} role (Token, top right).`
        : `This needs a token with the ${role} role: set one with Token, top right.`;
    }
    if (codes.includes('FORBIDDEN')) {
      return `Your token's user may not do this: it needs the ${role} role. Set another token with Token, top right.`;
    }
    return '';
  }

  // subscribe runs one subscription over its own WebSocket and calls onNext
  // with each result's data and onState with "open", "error MESSAGE" or
  // "closed". It returns a function that ends it.
  function subscribe(query, variables, onNext, onState) {
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    let ws;
    try {
      ws = new WebSocket(`${scheme}${location.host}/graphql`, 'graphql-transport-ws');
    } catch (err) {
      onState(`error ${err.message}`);
      return () => {};
    }
    const send = (msg) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
    };
    ws.addEventListener('open', () => {
      const t = currentToken();
      send({ type: 'connection_init', payload: t ? { authorization: `Bearer ${t}` } : {} });
    });
    ws.addEventListener('message', (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch (err) {
        return;
      }
      switch (msg.type) {
        case 'connection_ack':
          send({ id: '1', type: 'subscribe', payload: { query, variables } });
          onState('open');
          break;
        case 'ping':
          send({ type: 'pong' });
          break;
        case 'next':
          if (msg.payload && msg.payload.data) onNext(msg.payload.data);
          break;
        case 'error':
          onState(`error ${(msg.payload || []).map((e) => e.message).join('; ')}`);
          ws.close(1000);
          break;
        default:
      }
    });
    ws.addEventListener('close', (e) => onState(e.code === 1000 ? 'closed' : `error closed (${e.code}${e.reason ? `: ${e.reason}` : ''})`));
    return () => {
      send({ id: '1', type: 'complete' });
      ws.close(1000);
    };
  }

  // el builds an element: attrs sets properties (class, text, on*, dataset,
  // aria-* and other attributes); children are nodes or strings (as text).
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k === 'dataset') Object.assign(node.dataset, v);
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function badge(text) {
    return el('span', { class: `badge ${text}`, text });
  }

  // ---- The Token control in the top bar -------------------------------------------

  let button = null;

  function showTokenState() {
    if (!button) return;
    const set = !!currentToken();
    button.textContent = set ? 'Token set' : 'Token';
    button.classList.toggle('token-set', set);
    button.title = set ? 'A bearer token is sent with every request; click to change or forget it'
      : 'Set a bearer token for writes and admin pages';
  }

  function buildTokenControl() {
    const nav = document.querySelector('.topbar nav');
    if (!nav) return;
    const input = el('input', {
      id: 'token-input', type: 'password', autocomplete: 'off', spellcheck: 'false',
      'aria-describedby': 'token-help', placeholder: 'Bearer token',
    });
    const dialog = el('dialog', { id: 'token-dialog', 'aria-labelledby': 'token-title' },
      el('form', { method: 'dialog', class: 'token-form' },
        el('h2', { id: 'token-title', text: 'Bearer token' }),
        el('label', { for: 'token-input', class: 'visually-hidden', text: 'Bearer token' }),
        input,
        el('p', { id: 'token-help', class: 'help', text: 'Sent as Authorization: Bearer with every request from these pages. Kept for this tab only (sessionStorage).' }),
        el('div', { class: 'actions' },
          el('button', { type: 'submit', class: 'primary', id: 'token-save', value: 'save' }, 'Save'),
          el('button', { type: 'submit', id: 'token-forget', value: 'forget' }, 'Forget'),
          el('button', { type: 'submit', id: 'token-cancel', value: 'cancel' }, 'Cancel'))));
    dialog.addEventListener('close', () => {
      if (dialog.returnValue === 'save') setToken(input.value.trim());
      else if (dialog.returnValue === 'forget') setToken('');
      input.value = '';
    });
    button = el('button', { type: 'button', id: 'token-button', class: 'token-button', onclick: () => {
      input.value = currentToken();
      dialog.showModal();
      input.focus();
    } });
    nav.append(button);
    document.body.append(dialog);
    showTokenState();
  }

  window.ClaimgraphUI = Object.freeze({
    gql,
    subscribe,
    el,
    badge,
    authMessage,
    hasToken: () => !!currentToken(),
    onTokenChange: (fn) => listeners.push(fn),
  });

  buildTokenControl();
})();
