// claimgraph GraphiQL playground. Loaded by /assets/index.html after the
// vendored React, ReactDOM and GraphiQL UMD bundles (globals React, ReactDOM,
// GraphiQL). It lives in its own file because the page's Content-Security-Policy
// forbids inline scripts.
(function () {
  'use strict';

  var defaultQuery = [
    '# claimgraph: every relation is a statement carrying its claims —',
    '# who said it, where, asserting or denying. Press ▶ to run.',
    '{',
    '  entity(id: "india") {',
    '    name',
    '    relations(types: ["accused-of-backing"]) {',
    '      type',
    '      to { id name }',
    '      status',
    '      claims { stance claimant { id name } source { title } quote }',
    '    }',
    '  }',
    '}',
    ''
  ].join('\n');

  var root = document.getElementById('graphiql');
  if (!window.React || !window.ReactDOM || !window.GraphiQL) {
    root.textContent = 'The claimgraph playground failed to load its scripts.';
    return;
  }

  // Same origin as the page, so connect-src 'self' allows it.
  var fetcher = GraphiQL.createFetcher({ url: '/graphql' });

  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false
    })
  );
})();
