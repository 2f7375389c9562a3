// Times the Cedar reference implementation (cedar-wasm, statefulIsAuthorized over a pre-parsed policy set) on
// the agent-fleet workload that `mandate-benchmarks cedar-fleet` wrote, checks it reaches the same decisions as
// Mandate, and prints the per-decision percentiles and Mandate's ratio. Each request carries the slice of
// entities it touches (principal, resource, initiator and their ancestors), as a caller of a stateless engine
// would send; Mandate decides against its whole prepared entity store.
//
// usage: node bench/cedar-wasm/bench.mjs DIR
import fs from 'node:fs';
import path from 'node:path';
import cedar from '@cedar-policy/cedar-wasm/nodejs';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench/cedar-wasm/bench.mjs DIR (written by: mandate-benchmarks cedar-fleet --out DIR)');
  process.exit(2);
}

const policies = fs.readFileSync(path.join(dir, 'policies.cedar'), 'utf8');
const requests = fs.readFileSync(path.join(dir, 'requests.jsonl'), 'utf8').split('\n').filter(l => l.trim()).map(l => JSON.parse(l));
const expected = JSON.parse(fs.readFileSync(path.join(dir, 'mandate-decisions.json'), 'utf8'));
const mandate = JSON.parse(fs.readFileSync(path.join(dir, 'mandate-summary.json'), 'utf8'));

const parsed = cedar.preparsePolicySet('fleet', { staticPolicies: policies });
if (parsed.type !== 'success') throw new Error(JSON.stringify(parsed.errors));

function decide(r) {
  const answer = cedar.statefulIsAuthorized({
    principal: r.principal, action: r.action, resource: r.resource, context: r.context,
    preparsedPolicySetId: 'fleet', entities: r.entities,
  });
  if (answer.type !== 'success') throw new Error(JSON.stringify(answer.errors));
  return answer.response.decision;
}

for (const r of requests.slice(0, 50)) decide(r);
let mismatches = 0;
const samples = [];
for (let round = 0; round < 3; round++) {
  requests.forEach((r, i) => {
    const start = process.hrtime.bigint();
    const decision = decide(r);
    samples.push(Number(process.hrtime.bigint() - start));
    if (round === 0 && decision !== expected[i]) mismatches++;
  });
}

samples.sort((a, b) => a - b);
const at = q => samples[Math.floor(q * (samples.length - 1))];
const wasmP50 = at(0.5);
const ours = mandate['10000'];
console.log(`cedar-wasm ${cedar.getCedarVersion()}: ${requests.length} requests x 3, 10,000 policies: p50 ${(wasmP50 / 1000).toFixed(1)} us, p99 ${(at(0.99) / 1000).toFixed(1)} us`);
console.log(`Mandate (same requests' workload): p50 ${ours.p50_ns.toFixed(0)} ns, p99 ${ours.p99_ns.toFixed(0)} ns, ${ours.bytes_per_decision} bytes/decision`);
console.log(`ratio (cedar-wasm p50 / Mandate p50): ${(wasmP50 / ours.p50_ns).toFixed(0)}x; decisions differing from Mandate: ${mismatches} of ${requests.length}`);
if (mismatches > 0) process.exit(1);
