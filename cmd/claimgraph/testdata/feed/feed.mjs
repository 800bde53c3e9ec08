// Subscribes to statusChanged(entity: ENTITY) on the claimgraph serve at
// URL (ws://HOST:PORT/graphql) with the graphql-ws client, in two
// connections:
//
//  1. from the start of the feed (after: "0"), until the first event;
//     then it closes the connection and prints its id;
//  2. when a line "resume" arrives on stdin, a new connection whose
//     connection_init payload carries that id as "after", until COUNT
//     events arrived: the ones written while it was away.
//
// Each step prints one JSON line on stdout, with t, the time in ms:
// {"connected":1}, {"event":{...}}, {"closed":true,"last":ID},
// {"event":{...},"resumed":true}, {"done":true}. Exits non-zero on an error.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import readline from 'node:readline';

const [url, entity, count] = process.argv.slice(2);
const out = (o) => console.log(JSON.stringify({ ...o, t: Date.now() }));
const fail = (e) => {
  console.error(e instanceof Error ? e.stack : JSON.stringify(e));
  process.exit(1);
};
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

const fields = 'id from to claimRemoved claim { stance claimant { id } }';

function client(params, connected) {
  return createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: params,
    on: { connected, error: fail },
  });
}

// Resolves after n events of the subscription, printing each.
function events(c, query, n, extra) {
  return new Promise((resolve, reject) => {
    let seen = [];
    c.subscribe({ query }, {
      next: (r) => {
        if (r.errors) return reject(r.errors);
        out({ event: r.data.statusChanged, ...extra });
        seen.push(r.data.statusChanged);
        if (seen.length === n) resolve(seen);
      },
      error: reject,
      complete: () => resolve(seen),
    });
  });
}

try {
  const first = client(undefined, () => out({ connected: 1 }));
  const [ev] = await events(first, `subscription { statusChanged(entity: "${entity}", after: "0") { ${fields} } }`, 1, {});
  await first.dispose();
  out({ closed: true, last: ev.id });

  const line = await lines.next();
  if (line.value !== 'resume') fail(`expected "resume" on stdin, got ${line.value}`);
  const again = client({ after: ev.id }, () => {});
  await events(again, `subscription { statusChanged(entity: "${entity}") { ${fields} } }`, Number(count), { resumed: true });
  await again.dispose();
  out({ done: true });
  process.exit(0);
} catch (e) {
  fail(e);
}
