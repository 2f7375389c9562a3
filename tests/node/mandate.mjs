// Shared setup of the black-box Node tests: the server under test comes from the environment
// (MANDATE_URL, MANDATE_ADMIN_TOKEN), and admin calls are plain fetches of the documented admin API.
import * as oauth from 'oauth4webapi';

export const baseUrl = required('MANDATE_URL').replace(/\/$/, '');
export const adminToken = required('MANDATE_ADMIN_TOKEN');
export const insecure = { [oauth.allowInsecureRequests]: baseUrl.startsWith('http:') };

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

/** RFC 8414 discovery through oauth4webapi, which checks that the issuer matches. */
export async function discover() {
  const issuer = new URL(baseUrl);
  const response = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure });
  return oauth.processDiscoveryResponse(issuer, response);
}

/** An admin API call; throws with the problem details when the status is not the expected one. */
export async function admin(method, path, body, expected = [200, 201]) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!expected.includes(response.status)) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A unique id for this run, so tests can share one server. */
export function unique(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A human owner for the identities a test registers. */
export async function createOwner() {
  const id = unique('owner');
  await admin('POST', '/v1/identities', { kind: 'human', id, display_name: 'Node test owner' });
  return id;
}
