// The reference side of Mandate's differential Cedar tests: reads cases as NDJSON on stdin and answers each
// with cedar-wasm's validation and authorization results, one JSON line per case on stdout.
//
// Case:   {"schema": "<cedar schema>", "policies": "<policy text>", "entities": [...], "requests": [{principal, action, resource, context}]}
// Answer: {"validation": ["policy ids with errors"] | {"failure": "..."}, "responses": [{"decision", "reasons", "errors", "messages"} | {"failure": "..."}]}
//
// Numbers are read with lossless-json: JSON.parse would silently round a 64-bit integer beyond JavaScript's safe
// range, and cedar-wasm takes entity and context data as JavaScript values and accepts only safe integers, so a
// case holding any other integer is refused rather than compared wrongly. (Policy text carries the full range.)
import { createInterface } from 'node:readline';
import { parse, isLosslessNumber } from 'lossless-json';
import cedar from '@cedar-policy/cedar-wasm/nodejs';

function exactNumbers(value) {
  if (isLosslessNumber(value)) {
    const text = value.toString();
    const number = Number(text);
    if (/^-?\d+$/.test(text) && !Number.isSafeInteger(number)) {
      throw new Error(`the integer ${text} cannot be passed to cedar-wasm exactly`);
    }
    return number;
  }
  if (Array.isArray(value)) return value.map(exactNumbers);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, exactNumbers(v)]));
  }
  return value;
}

function validation(testCase) {
  const answer = cedar.validate({
    schema: testCase.schema,
    policies: { staticPolicies: testCase.policies },
    validationSettings: { mode: 'strict' },
  });
  if (answer.type !== 'success') return { failure: answer.errors.map(e => e.message).join('; ') };
  return [...new Set(answer.validationErrors.map(e => e.policyId))].sort();
}

function authorize(testCase, request) {
  const answer = cedar.isAuthorized({
    principal: request.principal,
    action: request.action,
    resource: request.resource,
    context: request.context,
    policies: { staticPolicies: testCase.policies },
    entities: testCase.entities,
  });
  if (answer.type !== 'success') return { failure: answer.errors.map(e => e.message).join('; ') };
  const { decision, diagnostics } = answer.response;
  return {
    decision,
    reasons: [...diagnostics.reason].sort(),
    errors: [...new Set(diagnostics.errors.map(e => e.policyId))].sort(),
    messages: diagnostics.errors.map(e => `${e.policyId}: ${e.error.message}`),
  };
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === '') continue;
  let output;
  try {
    const testCase = exactNumbers(parse(line));
    output = { validation: validation(testCase), responses: testCase.requests.map(r => authorize(testCase, r)) };
  } catch (error) {
    output = { failure: String(error.message ?? error) };
  }
  process.stdout.write(JSON.stringify(output) + '\n');
}
