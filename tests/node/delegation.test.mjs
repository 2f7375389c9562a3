// Black-box delegation tests against a running Mandate, with client libraries nobody here wrote:
// oauth4webapi for every OAuth request (discovery, client_credentials and token exchange with private_key_jwt,
// introspection, revocation) and jose to verify every token against the published JWKS.
// Run: MANDATE_URL=http://127.0.0.1:8080 MANDATE_ADMIN_TOKEN=... node --test tests/node/delegation.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { calculateJwkThumbprint, createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';

const base = process.env.MANDATE_URL;
const adminToken = process.env.MANDATE_ADMIN_TOKEN;
assert.ok(base && adminToken, 'set MANDATE_URL and MANDATE_ADMIN_TOKEN');

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const TXN_TOKEN = 'urn:ietf:params:oauth:token-type:txn_token';
// Plain http is only for the loopback test server.
const insecure = { [oauth.allowInsecureRequests]: true };
const run = randomUUID().slice(0, 8);

const issuer = new URL(base);
const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...insecure, algorithm: 'oauth2' }));
const jwks = createRemoteJWKSet(new URL(as.jwks_uri));

async function admin(method, path, body) {
  const response = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** An identity with its own P-256 key, registered through the admin API; a human's key is a workstation key. */
async function identity(name, kind, extra = {}) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  jwk.kid = await calculateJwkThumbprint(jwk);
  const id = `${name}-${run}`;
  await admin('POST', '/v1/identities', { kind, id, display_name: name, credentials: [{ kind: 'public_key', jwk }], ...extra });
  return { id, client: { client_id: id }, auth: oauth.PrivateKeyJwt({ key: privateKey, kid: jwk.kid }) };
}

async function clientCredentials(who, parameters = {}) {
  const response = await oauth.clientCredentialsGrantRequest(as, who.client, who.auth, parameters, insecure);
  return (await oauth.processClientCredentialsResponse(as, who.client, response)).access_token;
}

async function exchange(who, parameters, options = {}) {
  const response = await oauth.genericTokenEndpointRequest(as, who.client, who.auth, TOKEN_EXCHANGE, parameters, insecure);
  return oauth.processGenericTokenEndpointResponse(as, who.client, response, options);
}

/** RFC 8693 delegation: `actor` acts for the holder of `subjectToken` with its own access token as actor_token. */
async function delegate(actor, subjectToken, extra = {}) {
  const result = await exchange(actor, {
    subject_token: subjectToken, subject_token_type: ACCESS_TOKEN,
    actor_token: await clientCredentials(actor), actor_token_type: ACCESS_TOKEN, ...extra,
  });
  assert.equal(result.issued_token_type, ACCESS_TOKEN);
  assert.equal(result.token_type, 'bearer');
  return result.access_token;
}

async function verifyAccessToken(token) {
  const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: as.issuer, typ: 'at+jwt', algorithms: ['ES256'] });
  assert.equal(protectedHeader.alg, 'ES256');
  return payload;
}

async function introspect(who, token) {
  const response = await oauth.introspectionRequest(as, who.client, who.auth, token, insecure);
  return oauth.processIntrospectionResponse(as, who.client, response);
}

// human -> agent -> sub-agent -> tool agent: alice owns the agent, the agent created the sub-agent, and the
// sub-agent names the tool agent in may_act (the tool agent is neither owned by nor created by anyone on the chain).
const alice = await identity('alice', 'human');
const agent = await identity('agent', 'agent', { owner: alice.id });
const subAgent = await identity('sub-agent', 'agent', { owner: alice.id, parent: agent.id });
const tool = await identity('tool-agent', 'agent', { owner: alice.id });

test('metadata advertises token exchange, revocation and mandate authorization details', () => {
  assert.ok(as.grant_types_supported.includes(TOKEN_EXCHANGE));
  assert.equal(as.revocation_endpoint, new URL('/oauth2/revoke', base).href);
  assert.deepEqual(as.authorization_details_types_supported, ['mandate']);
});

test('a 3-hop chain, a transaction token, introspection and cascading revocation', async (t) => {
  const details = [{ type: 'mandate', actions: ['read'], resources: ['Table::"invoices"'], purpose: 'monthly-close' }];
  const root = await clientCredentials(alice, { scope: 'invoices:read invoices:write', authorization_details: JSON.stringify(details) });
  const hop1 = await delegate(agent, root);
  const hop2 = await delegate(subAgent, hop1, { scope: 'invoices:read', may_act: tool.id });
  const hop3 = await delegate(tool, hop2);

  await t.test('every token verifies against the JWKS and carries the nested act chain', async () => {
    const claims = await Promise.all([root, hop1, hop2, hop3].map(verifyAccessToken));
    for (const c of claims) {
      assert.equal(c.sub, alice.id);
      assert.equal(c.sub_kind, 'Human');
      assert.ok(c.exp <= claims[0].exp, 'a delegated token never outlives its parent');
    }

    assert.equal(claims[0].act, undefined);
    assert.deepEqual(claims[3].act, { sub: tool.id, act: { sub: subAgent.id, act: { sub: agent.id } } });
    assert.equal(claims[3].client_id, tool.id);
    assert.equal(claims[3].scope, 'invoices:read');
    assert.deepEqual(claims[3].authorization_details, details);
    assert.deepEqual(claims[2].may_act, { sub: tool.id });
  });

  await t.test('widening at any hop is refused with the right OAuth error', async () => {
    await assert.rejects(delegate(tool, hop2, { scope: 'invoices:write' }), (e) => e.error === 'invalid_scope');
    await assert.rejects(
      delegate(tool, hop2, { authorization_details: JSON.stringify([{ ...details[0], actions: ['read', 'write'] }]) }),
      (e) => e.error === 'invalid_authorization_details');
    await assert.rejects(delegate(tool, hop2, { resource: 'https://elsewhere.example/' }), (e) => e.error === 'invalid_target');
    // hop1's holder (the agent) named nobody, and the tool agent is not the agent's sub-agent: policy refuses.
    await assert.rejects(delegate(tool, hop1), (e) => e.error === 'unauthorized_client');
  });

  await t.test('a transaction token carries the transaction, initiator and context, and is not an access token', async () => {
    const response = await oauth.genericTokenEndpointRequest(as, tool.client, tool.auth, TOKEN_EXCHANGE, {
      requested_token_type: TXN_TOKEN, audience: as.issuer, scope: 'invoices:read',
      subject_token: hop3, subject_token_type: ACCESS_TOKEN,
      request_context: JSON.stringify({ req_ip: '192.0.2.10' }), request_details: JSON.stringify({ invoice: 'INV-7' }),
    }, insecure);
    const result = await oauth.processGenericTokenEndpointResponse(as, tool.client, response, { recognizedTokenTypes: { n_a: () => {} } });
    assert.equal(result.token_type, 'n_a');
    assert.equal(result.issued_token_type, TXN_TOKEN);

    const { payload } = await jwtVerify(result.access_token, jwks, { issuer: as.issuer, audience: as.issuer, typ: 'txntoken+jwt', algorithms: ['ES256'] });
    assert.match(payload.txn, /^[0-9a-f-]{36}$/);
    assert.equal(payload.sub, alice.id);
    assert.equal(payload.req_wl, tool.id);
    assert.equal(payload.scope, 'invoices:read');
    assert.deepEqual(payload.act, { sub: tool.id, act: { sub: subAgent.id, act: { sub: agent.id } } });
    assert.deepEqual(payload.rctx, { req_ip: '192.0.2.10' });
    assert.deepEqual(payload.tctx, { invoice: 'INV-7' });
    assert.ok(payload.exp - payload.iat <= 60);

    await assert.rejects(jwtVerify(result.access_token, jwks, { typ: 'at+jwt' }));
    assert.equal((await introspect(alice, result.access_token)).active, false);
  });

  await t.test('introspection reports the chain', async () => {
    const active = await introspect(agent, hop3);
    assert.equal(active.active, true);
    assert.equal(active.sub, alice.id);
    assert.equal(active.client_id, tool.id);
    assert.deepEqual(active.act, { sub: tool.id, act: { sub: subAgent.id, act: { sub: agent.id } } });
    assert.deepEqual(active.authorization_details, details);
  });

  await t.test("another client cannot revoke a token that is not its own", async () => {
    const response = await oauth.revocationRequest(as, agent.client, agent.auth, root, insecure);
    await assert.rejects(oauth.processRevocationResponse(response), (e) => e.error === 'invalid_grant');
    assert.equal((await introspect(alice, hop3)).active, true);
  });

  await t.test('revoking the root makes every descendant inactive', async () => {
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, alice.client, alice.auth, root, insecure));
    for (const token of [root, hop1, hop2, hop3]) {
      assert.deepEqual(await introspect(alice, token), { active: false });
    }

    await assert.rejects(delegate(tool, hop3), (e) => e.error === 'invalid_request');
  });
});
