// Black-box tests of Mandate's token service with client libraries nobody here wrote: oauth4webapi for the
// protocol, jose for keys and for verifying every token against the published JWKS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import * as oauth from 'oauth4webapi';
import * as jose from 'jose';
import { admin, baseUrl, createOwner, discover, insecure, unique } from './mandate.mjs';

const as = await discover();
const jwks = jose.createRemoteJWKSet(new URL(as.jwks_uri));

async function verifyAccessToken(token, audience = as.issuer) {
  const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, { issuer: as.issuer, audience, typ: 'at+jwt' });
  assert.ok(['ES256', 'EdDSA'].includes(protectedHeader.alg));
  return payload;
}

/** Registers a client with a fresh ES256 key through RFC 7591, authorized by an admin-issued initial access token. */
async function registerClient() {
  const owner = await createOwner();
  const iat = await admin('POST', '/v1/registration-tokens', { owner, kind: 'agent', max_uses: 1, expires_in: 600 });
  const { publicKey, privateKey } = await jose.generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: unique('key'), alg: 'ES256', use: 'sig' };
  const response = await oauth.dynamicClientRegistrationRequest(as, {
    client_name: 'node registered agent',
    jwks: { keys: [jwk] },
    token_endpoint_auth_method: 'private_key_jwt',
    grant_types: ['client_credentials'],
  }, { initialAccessToken: iat.token, ...insecure });
  const client = await oauth.processDynamicClientRegistrationResponse(response);
  return { client, owner, iat, key: { key: privateKey, kid: jwk.kid } };
}

test('discovery advertises only what works', () => {
  assert.equal(as.issuer, baseUrl);
  assert.deepEqual(as.grant_types_supported,
    ['client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'urn:ietf:params:oauth:grant-type:token-exchange']);
  assert.deepEqual(as.authorization_details_types_supported, ['mandate']);
  assert.ok(as.token_endpoint_auth_methods_supported.includes('private_key_jwt'));
  assert.ok(as.token_endpoint_auth_signing_alg_values_supported.includes('ES256'));
  assert.ok(as.dpop_signing_alg_values_supported.includes('ES256'));
  assert.ok(as.introspection_endpoint_auth_methods_supported.includes('private_key_jwt'));
  assert.ok(!as.token_endpoint_auth_signing_alg_values_supported.some((alg) => alg === 'none' || alg.startsWith('HS')));
  for (const endpoint of ['token_endpoint', 'jwks_uri', 'introspection_endpoint', 'revocation_endpoint', 'registration_endpoint']) {
    assert.ok(as[endpoint].startsWith(baseUrl + '/'), endpoint);
  }
});

test('registration, then client_credentials with private_key_jwt, then introspection', async () => {
  const { client, owner, iat, key } = await registerClient();
  assert.equal(client.token_endpoint_auth_method, 'private_key_jwt');
  assert.equal(client.mandate_owner, owner);

  // The initial access token allowed one registration.
  const again = await fetch(as.registration_endpoint, {
    method: 'POST',
    headers: { authorization: `Bearer ${iat.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ jwks: { keys: [] } }),
  });
  assert.equal(again.status, 400, 'bad metadata is refused before the token is spent');
  const spent = await fetch(as.registration_endpoint, {
    method: 'POST',
    headers: { authorization: `Bearer ${iat.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ jwks: client.jwks }),
  });
  assert.equal(spent.status, 401);

  const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.PrivateKeyJwt(key),
    new URLSearchParams({ scope: 'read write', resource: 'https://api.example/' }), insecure);
  const tokens = await oauth.processClientCredentialsResponse(as, client, response);
  assert.equal(tokens.token_type, 'bearer');
  assert.equal(tokens.expires_in, 300);
  const claims = await verifyAccessToken(tokens.access_token, 'https://api.example/');
  assert.equal(claims.sub, client.client_id);
  assert.equal(claims.client_id, client.client_id);
  assert.equal(claims.scope, 'read write');
  assert.equal(claims.cnf, undefined);

  // The registered agent introspects with its own client authentication (RFC 7662 section 2.1).
  const introspection = await oauth.processIntrospectionResponse(as, client,
    await oauth.introspectionRequest(as, client, oauth.PrivateKeyJwt(key), tokens.access_token, insecure));
  assert.equal(introspection.active, true);
  assert.equal(introspection.sub, client.client_id);
  assert.equal(introspection.scope, 'read write');
  assert.equal(introspection.token_type, 'Bearer');
  assert.equal(introspection.cnf, undefined);
});

test('DPoP-bound tokens: nonce, cnf.jkt, token_type DPoP, and use at an AuthZEN endpoint', async () => {
  const { client, key } = await registerClient();
  const proofKey = await jose.generateKeyPair('ES256', { extractable: true });
  const dpop = oauth.DPoP(client, proofKey);

  const request = () => oauth.clientCredentialsGrantRequest(as, client, oauth.PrivateKeyJwt(key), new URLSearchParams(), { DPoP: dpop, ...insecure });
  let tokens;
  try {
    tokens = await oauth.processClientCredentialsResponse(as, client, await request());
    assert.fail('the server requires a DPoP nonce at the token endpoint');
  } catch (error) {
    assert.ok(oauth.isDPoPNonceError(error), String(error));
    tokens = await oauth.processClientCredentialsResponse(as, client, await request());
  }

  assert.equal(tokens.token_type, 'dpop');
  const claims = await verifyAccessToken(tokens.access_token);
  assert.equal(claims.cnf.jkt, await jose.calculateJwkThumbprint(await jose.exportJWK(proofKey.publicKey)));

  const url = new URL('/access/v1/evaluation', baseUrl);
  const body = JSON.stringify({ subject: { type: 'Agent', id: client.client_id }, action: { name: 'read' }, resource: { type: 'Table', id: 'invoices' } });
  const headers = new Headers({ 'content-type': 'application/json' });
  const decided = await oauth.protectedResourceRequest(tokens.access_token, 'POST', url, headers, body, { DPoP: dpop, ...insecure })
    .catch((error) => assert.fail(`refused: ${JSON.stringify(error.cause)}`));
  assert.equal(decided.status, 200, await decided.clone().text());
  assert.equal(typeof (await decided.json()).decision, 'boolean');

  const introspected = await oauth.processIntrospectionResponse(as, client,
    await oauth.introspectionRequest(as, client, oauth.PrivateKeyJwt(key), tokens.access_token, insecure));
  assert.equal(introspected.active, true);
  assert.equal(introspected.token_type, 'DPoP');
  assert.equal(introspected.cnf.jkt, claims.cnf.jkt);

  // The same token as a bearer token is refused: it is bound to the proof key.
  const asBearer = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' }, body });
  assert.equal(asBearer.status, 401);

  // Another key's proof does not unlock it.
  const thief = oauth.DPoP(client, await jose.generateKeyPair('ES256'));
  await assert.rejects(oauth.protectedResourceRequest(tokens.access_token, 'POST', url, new Headers({ 'content-type': 'application/json' }), body, { DPoP: thief, ...insecure }),
    (error) => error instanceof oauth.WWWAuthenticateChallengeError && error.status === 401
      && error.cause.some((c) => c.scheme === 'dpop' && c.parameters.error === 'invalid_dpop_proof'));
});

test('jwt-bearer: a workload federated from an issuer this test runs gets a token; replays are refused', async (t) => {
  const issuerKey = await jose.generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await jose.exportJWK(issuerKey.publicKey)), kid: 'ci-key-1', alg: 'RS256', use: 'sig' };
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/jwks' ? 200 : 404, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
    res.end(req.url === '/jwks' ? JSON.stringify({ keys: [publicJwk] }) : '{}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const issuer = `http://127.0.0.1:${server.address().port}`;

  const owner = await createOwner();
  const workload = unique('ci-deployer');
  await admin('POST', '/v1/identities', {
    kind: 'workload', id: workload, display_name: 'CI deployer', owner,
    credentials: [{ kind: 'federated_trust', issuer, subject: 'repo:acme/app:ref:refs/heads/*', jwks_uri: `${issuer}/jwks` }],
  });

  const assertion = await new jose.SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: 'ci-key-1', typ: 'JWT' })
    .setIssuer(issuer).setSubject('repo:acme/app:ref:refs/heads/main').setAudience(as.issuer)
    .setIssuedAt().setExpirationTime('5m').setJti(unique('jti'))
    .sign(issuerKey.privateKey);
  const client = { client_id: workload };
  const grant = () => oauth.genericTokenEndpointRequest(as, client, oauth.None(), 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    new URLSearchParams({ assertion }), insecure);
  const tokens = await oauth.processGenericTokenEndpointResponse(as, client, await grant());
  const claims = await verifyAccessToken(tokens.access_token);
  assert.equal(claims.sub, workload);

  await assert.rejects(async () => oauth.processGenericTokenEndpointResponse(as, client, await grant()),
    (error) => error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant' && /already used/.test(error.error_description));

  const wrongSubject = await new jose.SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: 'ci-key-1' })
    .setIssuer(issuer).setSubject('repo:evil/app:ref:refs/heads/main').setAudience(as.issuer)
    .setIssuedAt().setExpirationTime('5m').setJti(unique('jti'))
    .sign(issuerKey.privateKey);
  await assert.rejects(async () => oauth.processGenericTokenEndpointResponse(as, client, await oauth.genericTokenEndpointRequest(as, client, oauth.None(),
    'urn:ietf:params:oauth:grant-type:jwt-bearer', new URLSearchParams({ assertion: wrongSubject }), insecure)),
  (error) => error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant');
});
