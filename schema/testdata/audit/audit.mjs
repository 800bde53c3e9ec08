// Runs the graphql-http server audits (serverAudits) against the GraphQL
// endpoint in the URL argument, then builds a client schema from its
// introspection with graphql-js buildClientSchema. Prints one JSON line:
// {"results":[{"id","name","status","reason"}...],"clientSchema":{"ok","types","error"}}.
// Exits non-zero only when the script itself fails.
import { serverAudits } from 'graphql-http';
import { buildClientSchema, getIntrospectionQuery, assertValidSchema } from 'graphql';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://HOST:PORT/graphql');
  process.exit(2);
}

const results = [];
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const r = await audit.fn();
  results.push({ id: audit.id, name: audit.name, status: r.status, reason: r.reason ?? '' });
}

let clientSchema;
try {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: getIntrospectionQuery() }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  const schema = buildClientSchema(body.data);
  assertValidSchema(schema);
  clientSchema = { ok: true, types: Object.keys(schema.getTypeMap()).length };
} catch (e) {
  clientSchema = { ok: false, error: String(e && e.stack || e) };
}
console.log(JSON.stringify({ results, clientSchema }));
