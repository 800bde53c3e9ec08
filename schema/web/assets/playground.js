// claimgraph GraphiQL playground. Loaded by /assets/index.html after the
// vendored React, ReactDOM and GraphiQL UMD bundles (globals React, ReactDOM,
// GraphiQL). It lives in its own file because the page's Content-Security-Policy
// forbids inline scripts.
//
// The playground opens with example tabs drawn from the built-in seed (the
// article's facts). GraphiQL shows them on a first visit; afterwards it
// restores the user's own tabs from localStorage. Each tab's title is its
// operation name.
//
// Keep the example queries ASCII: graphql-go v0.8.1 miscounts a multi-byte
// character in a comment and then fails to parse a named operation after it.
(function () {
  'use strict';

  var lines = function () {
    return Array.prototype.slice.call(arguments).join('\n') + '\n';
  };

  // An entity and its relations, each with the claims for and against it.
  var entityQuery = lines(
    '# claimgraph: every relation is a statement',
    '# carrying its claims: who said it, where,',
    '# asserting or denying. Run it with Ctrl-Enter.',
    '# More examples in the other tabs; the Docs',
    '# button lists every field. The visual',
    '# explorer is at /explore.',
    'query EntityWithClaims {',
    '  entity(id: "india") {',
    '    name',
    '    relations(types: ["accused-of-backing"]) {',
    '      type',
    '      to { id name }',
    '      status',
    '      claims { stance claimant { id name } source { title } quote }',
    '    }',
    '  }',
    '}'
  );

  // The statements that are both asserted and denied.
  var disputesQuery = lines(
    '# The disputes: statements that are asserted',
    '# and denied, with who is on each side and in',
    '# which words.',
    'query Disputes {',
    '  disputes(first: 10) {',
    '    nodes {',
    '      id',
    '      label',
    '      from { id name }',
    '      to { id name }',
    '      assertedBy { name }',
    '      deniedBy { name }',
    '      claims { stance claimant { name } source { title } quote }',
    '    }',
    '    pageInfo { hasNextPage endCursor }',
    '  }',
    '}'
  );

  // A path with the evidence of every hop.
  var pathQuery = lines(
    '# How is India connected to the Afghan Taliban,',
    '# and how well is each hop supported?',
    '# mode: SHORTEST (fewest hops first) or',
    '# CREDIBLE (best supported first).',
    '# Add status: [REPORTED, ALLEGED] to walk only',
    '# undisputed statements.',
    'query PathIndiaToAfghanTaliban($from: ID!, $to: ID!) {',
    '  paths(from: $from, to: $to, k: 3, mode: SHORTEST) {',
    '    length',
    '    cost',
    '    hops {',
    '      explanation',
    '      relation {',
    '        type',
    '        status',
    '        claims { stance claimant { name } source { title } quote }',
    '      }',
    '    }',
    '  }',
    '}'
  );
  var pathVariables = JSON.stringify({ from: 'india', to: 'afghan-taliban' }, null, 2);

  // Importing a fact file; a dry run checks and counts without writing.
  var importMutation = lines(
    '# Import facts in the seed file format',
    '# (seed/FORMAT.md). dryRun: true checks them',
    '# against the ontology and counts them; it',
    '# writes nothing, so it needs no token.',
    '#',
    '# Writing (dryRun: false) needs a bearer token:',
    '# the Headers tab below holds',
    '#   {"Authorization": "Bearer <token>"}',
    '# Replace <token> with the server\'s token.',
    'mutation ImportFactsDryRun {',
    '  importFacts(format: "yaml", dryRun: true, data: """',
    'sources:',
    '  - id: src-example',
    '    title: An example report',
    'entities:',
    '  - {id: lashkar, type: Group, name: Lashkar}',
    'statements:',
    '  - subject: lashkar',
    '    relation: operating-from',
    '    object: pakistan',
    '    claims:',
    '      - source: src-example',
    '        by: india',
    '        stance: ASSERTS',
    '        quote: "the words of the report"',
    '  """) {',
    '    added',
    '    changed',
    '    unchanged',
    '    dryRun',
    '  }',
    '}'
  );
  var importHeaders = JSON.stringify({ Authorization: 'Bearer <token>' }, null, 2);

  // The change feed: each change of a relation's status, as it is written.
  var subscriptionQuery = lines(
    '# Live changes, over a WebSocket: run it, then add a denial in another tab',
    '# (addClaim with stance: DENIES). Pass after: "ID" to resume after an event.',
    'subscription StatusChanges {',
    '  statusChanged {',
    '    id',
    '    from',
    '    to',
    '    relationId',
    '    claim { stance claimant { name } quote }',
    '  }',
    '}'
  );

  var root = document.getElementById('graphiql');
  if (!window.React || !window.ReactDOM || !window.GraphiQL) {
    root.textContent = 'The claimgraph playground failed to load its scripts.';
    return;
  }

  // Same origin as the page, so connect-src 'self' allows it.
  var sameOrigin = GraphiQL.createFetcher({ url: '/graphql' });

  var byName = function (a, b) {
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  };

  // sortTypes puts the types of an introspection answer in name order, so
  // that the Docs explorer lists them sorted (the server gives them in no
  // particular order).
  var sortTypes = function (result) {
    var schema = result && result.data && result.data.__schema;
    if (schema && Array.isArray(schema.types)) schema.types.sort(byName);
    return result;
  };

  // definesOperation reports whether the document names an operation name
  // (comments aside; good enough to spot a stale name).
  var definesOperation = function (query, name) {
    var re = /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/g;
    var text = String(query || '').replace(/#[^\n\r]*/g, '');
    var m;
    while ((m = re.exec(text)) !== null) {
      if (m[1] === name) return true;
    }
    return false;
  };

  // operationType returns the type (query, mutation, subscription) of the
  // operation named name, or of the first one; comments aside.
  var operationType = function (query, name) {
    var text = String(query || '').replace(/#[^\n\r]*/g, '');
    var re = /(^|[\s}])(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?/g;
    var m, first = null;
    while ((m = re.exec(text)) !== null) {
      if (first === null) first = m[2];
      if (name && m[3] === name) return m[2];
    }
    return first || 'query';
  };

  // subscribe runs one operation over a WebSocket with the
  // graphql-transport-ws protocol (the one the graphql-ws client speaks) and
  // returns its results as an async iterator, which GraphiQL shows one by
  // one. The Authorization header of the headers tab goes in the
  // connection_init payload: browsers cannot set headers on a WebSocket.
  var subscribe = function (params, headers) {
    var scheme = window.location.protocol === 'https:' ? 'wss://' : 'ws://';
    var ws = new WebSocket(scheme + window.location.host + '/graphql', 'graphql-transport-ws');
    var queue = [];
    var waiting = null;
    var done = false;
    var deliver = function (item) {
      if (waiting) {
        var w = waiting;
        waiting = null;
        w(item);
      } else {
        queue.push(item);
      }
    };
    var finish = function () {
      if (!done) {
        done = true;
        deliver({ done: true, value: undefined });
      }
    };
    var send = function (msg) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
    };
    ws.onopen = function () {
      var auth = headers && (headers.Authorization || headers.authorization);
      send({ type: 'connection_init', payload: auth ? { authorization: auth } : {} });
    };
    ws.onmessage = function (event) {
      var msg = JSON.parse(event.data);
      switch (msg.type) {
        case 'connection_ack':
          send({ id: '1', type: 'subscribe', payload: params });
          break;
        case 'ping':
          send({ type: 'pong' });
          break;
        case 'next':
          deliver({ done: false, value: msg.payload });
          break;
        case 'error':
          deliver({ done: false, value: { errors: msg.payload } });
          finish();
          ws.close(1000);
          break;
        case 'complete':
          finish();
          ws.close(1000);
          break;
      }
    };
    ws.onclose = function (event) {
      if (!done) {
        deliver({ done: false, value: { errors: [{ message: 'the connection closed: ' + event.code + ' ' + event.reason }] } });
        finish();
      }
    };
    var iterator = {
      next: function () {
        if (queue.length > 0) return Promise.resolve(queue.shift());
        if (done) return Promise.resolve({ done: true, value: undefined });
        return new Promise(function (resolve) { waiting = resolve; });
      },
      return: function () {
        send({ id: '1', type: 'complete' });
        done = true;
        ws.close(1000);
        return Promise.resolve({ done: true, value: undefined });
      }
    };
    iterator[Symbol.asyncIterator] = function () { return iterator; };
    return iterator;
  };

  // GraphiQL 3.9 can send the operation name of the tab it has just left
  // when Run is pressed right after switching tabs; the server would answer
  // "no operation named". Drop a name the document does not define: with one
  // operation, the server runs it.
  var fetcher = function (params, options) {
    if (params && params.operationName && !definesOperation(params.query, params.operationName)) {
      params = Object.assign({}, params, { operationName: undefined });
    }
    if (operationType(params && params.query, params && params.operationName) === 'subscription') {
      return subscribe(params, options && options.headers);
    }
    return Promise.resolve(sameOrigin(params, options)).then(sortTypes);
  };

  // Long lines wrap in every editor instead of running off its right edge.
  var wrapLines = function () {
    var editors = root.querySelectorAll('.CodeMirror');
    for (var i = 0; i < editors.length; i++) {
      var cm = editors[i].CodeMirror;
      if (cm && !cm.getOption('lineWrapping')) cm.setOption('lineWrapping', true);
    }
  };
  new MutationObserver(wrapLines).observe(root, { childList: true, subtree: true });

  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: entityQuery,
      defaultTabs: [
        { query: entityQuery },
        { query: disputesQuery },
        { query: pathQuery, variables: pathVariables },
        { query: importMutation, headers: importHeaders },
        { query: subscriptionQuery }
      ],
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false
    })
  );
})();
