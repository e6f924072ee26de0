#!/usr/bin/env node
// The hubness rescorer through the official OpenSearch Node.js client (@opensearch-project/opensearch).
//
//   node hubness-search.js --url http://localhost:9200 --index images --bank captions-v1 \
//        --vector 0.7,0.3,0.2,0.4 [--field embedding] [--method dual_is] [--size 10] [--window 100] [--json]
//
// The client passes any search body through, so the "hubness" rescorer is written as plain JSON next to the knn
// query. Prints one line per hit (id, score), or with --json one JSON object {took, hits: [{id, score}]}.
'use strict';

const { Client } = require('@opensearch-project/opensearch');

function parseArgs(argv) {
  const opts = { url: 'http://localhost:9200', field: 'embedding', method: 'dual_is', size: 10, window: 100, json: false };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (key === 'json') { opts.json = true; continue; }
    if (i + 1 >= argv.length) throw new Error(`--${key} needs a value`);
    opts[key] = argv[++i];
  }
  for (const required of ['index', 'bank', 'vector']) {
    if (!opts[required]) throw new Error(`--${required} is required`);
  }
  opts.vector = opts.vector.split(',').map(Number);
  opts.size = Number(opts.size);
  opts.window = Number(opts.window);
  return opts;
}

// The search: a knn query, re-ranked by the hubness rescorer over its top `window` hits per shard.
async function hubnessSearch(client, { index, field, bank, method, vector, size, window }) {
  const response = await client.search({
    index,
    body: {
      size,
      _source: false,
      query: { knn: { [field]: { vector, k: window } } },
      rescore: {
        window_size: window,
        hubness: { bank, method, query_vector: vector },
      },
    },
  });
  return response.body;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const client = new Client({ node: opts.url });
  try {
    const body = await hubnessSearch(client, opts);
    const hits = body.hits.hits.map((h) => ({ id: h._id, score: h._score }));
    if (opts.json) {
      console.log(JSON.stringify({ took: body.took, hits }));
    } else {
      for (const h of hits) console.log(`${h.id}\t${h.score}`);
    }
  } finally {
    await client.close();
  }
}

if (require.main === module) {
  main().catch((e) => {
    // the client's ResponseError carries OpenSearch's error body: show its reason
    const reason = e.meta && e.meta.body && e.meta.body.error ? JSON.stringify(e.meta.body.error.reason || e.meta.body.error) : e.message;
    console.error(`hubness search failed: ${reason}`);
    process.exit(1);
  });
}

module.exports = { hubnessSearch };
