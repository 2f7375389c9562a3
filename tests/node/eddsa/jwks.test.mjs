// Run against a server started with EdDSA signing keys (NodeClientTests starts one): jose verifies its tokens
// by the published JWKS alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as jose from 'jose';
import { discover } from '../mandate.mjs';

test('an EdDSA issuer publishes an OKP key and its tokens verify with jose', async () => {
  const as = await discover();
  const jwks = await (await fetch(as.jwks_uri)).json();
  assert.ok(jwks.keys.some((k) => k.kty === 'OKP' && k.crv === 'Ed25519' && k.alg === 'EdDSA'));

  const token = process.env.MANDATE_TEST_TOKEN;
  assert.ok(token, 'the runner passes a token issued by the server');
  const { payload, protectedHeader } = await jose.jwtVerify(token, jose.createRemoteJWKSet(new URL(as.jwks_uri)),
    { issuer: as.issuer, audience: as.issuer, typ: 'at+jwt', algorithms: ['EdDSA'] });
  assert.equal(protectedHeader.alg, 'EdDSA');
  assert.equal(payload.sub, 'eddsa-bot');
});
