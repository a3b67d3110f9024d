// schema.test.mjs - the responses of the running eeum-api match docs/openapi.json.
//
// The document is fetched from the server (GET /backend-docs-json, HTTP Basic auth), so what is
// checked is what the server embeds. Each response below is looked up in the document by
// method, path and status (paths[p][method].responses[status]), its body is validated with ajv
// against the documented schema, its Content-Type against the documented media types and its
// headers against the documented header schemas. A status the document does not list for the
// operation is a failure, not a skip.
//
// Run: EEUM_E2E_BASE_URL=http://127.0.0.1:18080 DOCS_USER=... DOCS_PASSWORD=... \
//      node --test tests/docs/
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { before, describe, test } from 'node:test';

const require = createRequire(new URL('../../tools/package.json', import.meta.url));
const Ajv = require('ajv').default ?? require('ajv');
const addFormatsMod = require('ajv-formats');
const addFormats = addFormatsMod.default ?? addFormatsMod;

const REQUIRED_ENV = ['EEUM_E2E_BASE_URL', 'DOCS_USER', 'DOCS_PASSWORD'];
const missingEnv = REQUIRED_ENV.filter((k) => !process.env[k]);
const inCI = !!process.env.CI && !['0', 'false', 'no'].includes(process.env.CI.toLowerCase());

const BASE = (process.env.EEUM_E2E_BASE_URL ?? '').replace(/\/+$/, '');
const DOCS_AUTH =
    'Basic ' +
    Buffer.from(`${process.env.DOCS_USER ?? ''}:${process.env.DOCS_PASSWORD ?? ''}`).toString(
        'base64',
    );
const TIMEOUT = 60_000;
const PASSWORD = 'Docs-test-2026!';
const ONE_MIB = 1024 * 1024;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// ---- OpenAPI 3.0 -> JSON Schema (draft-07, what ajv 8 speaks) --------------------------------

// `nullable: true` becomes a type union (or anyOf with null for $ref/composed schemas); OpenAPI
// 3.0's boolean exclusiveMinimum/exclusiveMaximum become the draft-07 numeric form. Example
// values are copied untouched.
function toJsonSchema(node, parentKey = '') {
    if (Array.isArray(node)) return node.map((v) => toJsonSchema(v));
    if (!node || typeof node !== 'object') return node;
    const out = {};
    for (const [k, v] of Object.entries(node)) {
        const literal = parentKey !== 'properties' && (k === 'example' || k === 'examples');
        out[k] = literal ? v : toJsonSchema(v, k);
    }
    if (parentKey === 'properties') return out; // a map of property names, not a schema
    for (const [ex, lim] of [
        ['exclusiveMinimum', 'minimum'],
        ['exclusiveMaximum', 'maximum'],
    ]) {
        if (typeof out[ex] === 'boolean') {
            if (out[ex] && typeof out[lim] === 'number') {
                out[ex] = out[lim];
                delete out[lim];
            } else {
                delete out[ex];
            }
        }
    }
    if (out.nullable === true) {
        delete out.nullable;
        if (typeof out.type === 'string') {
            out.type = [out.type, 'null'];
            if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
        } else if (out.$ref || out.allOf || out.anyOf || out.oneOf) {
            return { anyOf: [out, { type: 'null' }] };
        }
    } else if (out.nullable === false) {
        delete out.nullable;
    }
    return out;
}

// ---- helpers -----------------------------------------------------------------------------------

const escPointer = (s) => encodeURIComponent(String(s).replace(/~/g, '~0').replace(/\//g, '~1'));
const mediaEssence = (ct) => (ct ?? '').split(';')[0].trim().toLowerCase();
const unique = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

function signUpBody(email, nickname) {
    return {
        email,
        password: PASSWORD,
        firstName: '문서',
        lastName: '검',
        nickname,
        phoneNumber: '010-2345-6789',
        gender: 'FEMALE',
        birthYear: 1994,
        birthMonth: 5,
        birthDate: 21,
        zipCode: '06035',
        mainAddress: '서울특별시 강남구 테헤란로 1',
        detailAddress: '101동 1001호',
    };
}

/** One HTTP exchange: status, headers, raw text and parsed JSON (when the body is JSON). */
async function call(method, path, { json, body, headers = {}, token, docsAuth } = {}) {
    const h = { ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    if (docsAuth) h.Authorization = docsAuth;
    let payload = body;
    if (json !== undefined) {
        payload = JSON.stringify(json);
        h['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(BASE + path, {
        method,
        headers: h,
        body: payload,
        signal: AbortSignal.timeout(TIMEOUT / 2),
    });
    const text = await res.text();
    let parsed;
    if (mediaEssence(res.headers.get('content-type')) === 'application/json' && text) {
        try {
            parsed = JSON.parse(text);
        } catch (e) {
            assert.fail(`${method} ${path}: answered ${res.status} with invalid JSON: ${e.message}`);
        }
    }
    return { method, path, status: res.status, headers: res.headers, text, json: parsed };
}

/** ajv errors as "<where> <what> {params}; ..." */
function describeErrors(errors) {
    return (errors ?? [])
        .map((e) => {
            const params = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '';
            return `${e.instancePath || '(root)'} ${e.message}${params}`;
        })
        .join('; ');
}

// ---- the contract checker ----------------------------------------------------------------------

class Contract {
    constructor(doc) {
        this.doc = doc;
        this.ajv = new Ajv({ strict: false, allErrors: true, logger: false });
        addFormats(this.ajv);
        this.ajv.addSchema(toJsonSchema(doc), 'openapi');
        this.validators = new Map();
    }

    /** Follow a local $ref ('#/components/...'); returns [node, pointer segments]. */
    deref(node, segs) {
        for (let hops = 0; node && typeof node === 'object' && typeof node.$ref === 'string'; hops++) {
            assert.ok(hops < 16, `docs/openapi.json: $ref loop at #/${segs.join('/')}`);
            const ref = node.$ref;
            assert.ok(ref.startsWith('#/'), `docs/openapi.json: only local $refs are supported, got ${ref}`);
            segs = ref
                .slice(2)
                .split('/')
                .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
            node = segs.reduce((n, s) => (n == null ? undefined : n[s]), this.doc);
            assert.ok(node !== undefined, `docs/openapi.json: unresolvable $ref ${ref}`);
        }
        return [node, segs];
    }

    validator(segs) {
        const ref = 'openapi#/' + segs.map(escPointer).join('/');
        let v = this.validators.get(ref);
        if (!v) {
            v = this.ajv.compile({ $ref: ref });
            this.validators.set(ref, v);
        }
        return v;
    }

    /** The response object documented for method/path/status, or a clear failure. */
    response(method, docPath, status) {
        const m = method.toLowerCase();
        const op = this.doc.paths?.[docPath]?.[m];
        assert.ok(op, `docs/openapi.json documents no operation ${method} ${docPath}`);
        const responses = op.responses ?? {};
        const key = [String(status), `${String(status)[0]}XX`].find((k) => k in responses);
        assert.ok(
            key,
            `docs/openapi.json does not document status ${status} for ${method} ${docPath} ` +
                `(documented: ${Object.keys(responses).join(', ') || 'none'})`,
        );
        return this.deref(responses[key], ['paths', docPath, m, 'responses', key]);
    }

    /** A response under components.responses (for answers no single operation owns). */
    component(name) {
        const r = this.doc.components?.responses?.[name];
        assert.ok(r, `docs/openapi.json has no components.responses.${name}`);
        return this.deref(r, ['components', 'responses', name]);
    }

    /**
     * Check `res` against the documented response [resp, segs]: status, Content-Type, body
     * schema, headers. `where` names the documented place in failure messages.
     */
    check(res, expectedStatus, [resp, segs], where) {
        const label = `${res.method} ${res.path} -> ${res.status} (documented as ${where})`;
        assert.equal(
            res.status,
            expectedStatus,
            `${res.method} ${res.path}: expected ${expectedStatus}, got ${res.status}: ${res.text.slice(0, 500)}`,
        );
        const problems = [];

        // headers
        const docHeaders = resp.headers ?? {};
        const docHeaderName = (n) =>
            Object.keys(docHeaders).find((k) => k.toLowerCase() === n.toLowerCase());
        const mandatory = ['X-Request-Id'];
        if (res.status === 201) mandatory.push('Location');
        if (res.status === 401) mandatory.push('WWW-Authenticate');
        if (res.status === 405) mandatory.push('Allow');
        for (const name of mandatory) {
            if (!docHeaderName(name))
                problems.push(`header ${name} is not documented for this response`);
            if (!res.headers.has(name)) problems.push(`header ${name} is missing from the response`);
        }
        for (const [name, h0] of Object.entries(docHeaders)) {
            const [h, hsegs] = this.deref(h0, [...segs, 'headers', name]);
            const value = res.headers.get(name);
            if (value === null) {
                if (h.required === true) problems.push(`required header ${name} is missing`);
                continue;
            }
            if (!h.schema) continue;
            const t = h.schema.type;
            let v = value;
            if (t === 'integer' || t === 'number') v = Number(value);
            else if (t === 'boolean') v = value === 'true' ? true : value === 'false' ? false : value;
            const validate = this.validator([...hsegs, 'schema']);
            if (!validate(v))
                problems.push(
                    `header ${name}: ${JSON.stringify(value)} does not match its schema: ` +
                        this.ajv.errorsText(validate.errors, { dataVar: name }),
                );
        }

        // body
        const content = resp.content;
        const ctype = res.headers.get('content-type');
        if (!content) {
            if (res.text.length) problems.push(`the response has a body but none is documented`);
        } else {
            const essence = mediaEssence(ctype);
            const mt = Object.keys(content).find((k) => mediaEssence(k) === essence);
            if (!mt) {
                problems.push(
                    `Content-Type ${ctype} is not documented (documented: ${Object.keys(content).join(', ')})`,
                );
            } else if (essence === 'application/json' || essence.endsWith('+json')) {
                if (!content[mt].schema) {
                    problems.push(`no schema documented for ${mt}`);
                } else {
                    const validate = this.validator([...segs, 'content', mt, 'schema']);
                    if (!validate(res.json))
                        problems.push(
                            `body does not match the documented schema: ${describeErrors(validate.errors)}` +
                                `\n    body: ${res.text.slice(0, 800)}`,
                        );
                }
            }
        }
        // Error bodies repeat the request id of the header.
        if (res.json && typeof res.json === 'object' && 'requestId' in res.json)
            if (res.json.requestId !== res.headers.get('x-request-id'))
                problems.push(
                    `body requestId ${JSON.stringify(res.json.requestId)} != X-Request-Id ` +
                        `${JSON.stringify(res.headers.get('x-request-id'))}`,
                );

        assert.ok(problems.length === 0, `${label}:\n  - ${problems.join('\n  - ')}`);
        return res;
    }

    /** Fetch-and-check shorthand for an operation of the document. */
    expect(res, status, docPath) {
        const found = this.response(res.method, docPath, status);
        return this.check(res, status, found, `${res.method} ${docPath} ${status}`);
    }
}

// ---- the tests -----------------------------------------------------------------------------------

if (missingEnv.length && inCI) {
    test('environment for the docs contract tests', () => {
        assert.fail(`CI is set but ${missingEnv.join(', ')} ${missingEnv.length > 1 ? 'are' : 'is'} not`);
    });
} else {
    const skip = missingEnv.length
        ? `set ${missingEnv.join(', ')} to run (a stack with DOCS_USER/DOCS_PASSWORD: scripts/eeum start)`
        : false;

    describe('responses match docs/openapi.json', { skip, timeout: 10 * TIMEOUT }, () => {
        let contract;
        let docResponse; // the answer of GET /backend-docs-json in before()
        const run = unique();
        const users = {}; // a, b: {email, nickname, id, token}

        before(async () => {
            const r = await call('GET', '/backend-docs-json', { docsAuth: DOCS_AUTH });
            assert.equal(r.status, 200, `GET /backend-docs-json with credentials: ${r.status} ${r.text.slice(0, 300)}`);
            assert.ok(r.json && typeof r.json === 'object', 'GET /backend-docs-json is not JSON');
            assert.match(String(r.json.openapi), /^3\.0\./, 'expected an OpenAPI 3.0.x document');
            assert.ok(
                Object.keys(r.json.paths ?? {}).length > 0,
                'docs/openapi.json has no paths (still the placeholder?)',
            );
            contract = new Contract(r.json);
            docResponse = r;
        }, { timeout: TIMEOUT });

        test('GET /backend-docs-json 200 with credentials', { timeout: TIMEOUT }, () => {
            contract.expect(docResponse, 200, '/backend-docs-json');
        });

        test('every documented JSON response schema compiles', { timeout: TIMEOUT }, () => {
            const broken = [];
            let n = 0;
            for (const [p, item] of Object.entries(contract.doc.paths))
                for (const [m, op] of Object.entries(item ?? {})) {
                    if (!HTTP_METHODS.includes(m)) continue;
                    for (const status of Object.keys(op.responses ?? {})) {
                        const [resp, segs] = contract.response(m.toUpperCase(), p, status);
                        for (const mt of Object.keys(resp.content ?? {})) {
                            if (mediaEssence(mt) !== 'application/json' || !resp.content[mt].schema) continue;
                            try {
                                contract.validator([...segs, 'content', mt, 'schema']);
                                n++;
                            } catch (e) {
                                broken.push(`${m.toUpperCase()} ${p} ${status}: ${e.message}`);
                            }
                        }
                    }
                }
            assert.deepEqual(broken, [], `schemas that do not compile:\n  ${broken.join('\n  ')}`);
            assert.ok(n > 0, 'no JSON response schema documented');
        });

        test('GET /backend-docs-json 401 without or with wrong credentials', { timeout: TIMEOUT }, async () => {
            const none = await call('GET', '/backend-docs-json');
            contract.expect(none, 401, '/backend-docs-json');
            assert.match(none.headers.get('www-authenticate'), /^Basic realm="eeum-docs"/);
            const wrong = await call('GET', '/backend-docs-json', {
                docsAuth: 'Basic ' + Buffer.from(`${process.env.DOCS_USER}:not-the-password`).toString('base64'),
            });
            contract.expect(wrong, 401, '/backend-docs-json');
        });

        test('GET /healthz 200 (and X-Request-Id is echoed)', { timeout: TIMEOUT }, async () => {
            const r = contract.expect(await call('GET', '/healthz'), 200, '/healthz');
            assert.equal(r.json.item.status, 'ok');
            const rid = `docs-test.${run}`;
            const echoed = await call('GET', '/healthz', { headers: { 'X-Request-Id': rid } });
            contract.expect(echoed, 200, '/healthz');
            assert.equal(echoed.headers.get('x-request-id'), rid);
        });

        test('GET /readyz 200', { timeout: TIMEOUT }, async () => {
            const r = contract.expect(await call('GET', '/readyz'), 200, '/readyz');
            assert.equal(r.json.item.status, 'ready');
        });

        test('GET /metrics 200 (text/plain)', { timeout: TIMEOUT }, async () => {
            const r = contract.expect(await call('GET', '/metrics'), 200, '/metrics');
            assert.equal(mediaEssence(r.headers.get('content-type')), 'text/plain');
            assert.match(r.text, /^# (HELP|TYPE) /m);
        });

        test('unknown route 404 (components.responses.NotFound)', { timeout: TIMEOUT }, async () => {
            const r = await call('GET', `/api/no-such-route-${run}`);
            contract.check(r, 404, contract.component('NotFound'), 'components.responses.NotFound');
        });

        test('wrong method 405 (components.responses.MethodNotAllowed)', { timeout: TIMEOUT }, async () => {
            const r = await call('GET', '/api/users/sign-up');
            contract.check(r, 405, contract.component('MethodNotAllowed'), 'components.responses.MethodNotAllowed');
            const allow = r.headers.get('allow').split(/\s*,\s*/);
            assert.ok(allow.includes('POST'), `Allow should list POST: ${r.headers.get('allow')}`);
            const documented = Object.keys(contract.doc.paths['/api/users/sign-up'])
                .filter((k) => HTTP_METHODS.includes(k))
                .map((m) => m.toUpperCase());
            for (const m of documented)
                assert.ok(allow.includes(m), `Allow (${r.headers.get('allow')}) lacks documented ${m}`);
        });

        test('POST /api/users/sign-up 201', { timeout: TIMEOUT }, async () => {
            // Both sign-ups first (later tests need the users even when a check below fails).
            const answers = {};
            for (const who of ['a', 'b']) {
                const email = `docs-${who}-${run}@example.com`;
                const nickname = `d${who}${run}`.slice(0, 20);
                const r = await call('POST', '/api/users/sign-up', { json: signUpBody(email, nickname) });
                if (r.status === 201 && r.json?.item?.id) users[who] = { email, nickname, id: r.json.item.id };
                answers[who] = r;
            }
            for (const who of ['a', 'b']) {
                const r = contract.expect(answers[who], 201, '/api/users/sign-up');
                assert.equal(r.json.item.email, users[who].email);
                assert.equal(r.headers.get('location'), `/api/users/${r.json.item.id}`);
            }
        });

        test('POST /api/users/sign-up 400 (validation, errors[])', { timeout: TIMEOUT }, async () => {
            const r = contract.expect(
                await call('POST', '/api/users/sign-up', {
                    json: { ...signUpBody('not-an-email', 'x'), password: 'short' },
                }),
                400,
                '/api/users/sign-up',
            );
            assert.ok(Array.isArray(r.json.errors) && r.json.errors.length > 0, 'errors[] expected');
            const fields = r.json.errors.map((e) => e.field);
            for (const f of ['email', 'password', 'nickname'])
                assert.ok(fields.includes(f), `errors[] should name ${f}: ${JSON.stringify(fields)}`);
        });

        test('POST /api/users/sign-up 409 (same email again)', { timeout: TIMEOUT }, async () => {
            assert.ok(users.a, 'needs the sign-up test');
            const r = contract.expect(
                await call('POST', '/api/users/sign-up', {
                    json: signUpBody(users.a.email, `dc${run}`.slice(0, 20)),
                }),
                409,
                '/api/users/sign-up',
            );
            assert.deepEqual(r.json.errors?.map((e) => e.field), ['email']);
        });

        test('POST /api/users/login 200 and 401', { timeout: TIMEOUT }, async () => {
            assert.ok(users.a && users.b, 'needs the sign-up test');
            const answers = [];
            for (const u of [users.a, users.b]) {
                const r = await call('POST', '/api/users/login', { json: { email: u.email, password: PASSWORD } });
                if (r.status === 200 && r.json?.item?.jwtToken) u.token = r.json.item.jwtToken;
                answers.push(r);
            }
            for (const r of answers) contract.expect(r, 200, '/api/users/login');
            const bad = await call('POST', '/api/users/login', {
                json: { email: users.a.email, password: 'Wrong-password-1!' },
            });
            contract.expect(bad, 401, '/api/users/login');
        });

        test('GET /api/users/me 200 and 401', { timeout: TIMEOUT }, async () => {
            assert.ok(users.a?.token, 'needs the login test');
            const r = contract.expect(
                await call('GET', '/api/users/me', { token: users.a.token }),
                200,
                '/api/users/me',
            );
            assert.equal(r.json.item.id, users.a.id);
            contract.expect(await call('GET', '/api/users/me'), 401, '/api/users/me');
            contract.expect(
                await call('GET', '/api/users/me', { token: 'not.a.token' }),
                401,
                '/api/users/me',
            );
        });

        test('POST /api/users/profile 200', { timeout: TIMEOUT }, async () => {
            assert.ok(users.a?.token, 'needs the login test');
            const r = contract.expect(
                await call('POST', '/api/users/profile', { token: users.a.token }),
                200,
                '/api/users/profile',
            );
            assert.equal(r.json.item.id, users.a.id);
        });

        test('PUT /api/users/{id} 200, 403 (other id), 400 (empty update)', { timeout: TIMEOUT }, async () => {
            const { a, b } = users;
            assert.ok(a?.token && b?.id, 'needs the login test');
            const nickname = `dn${run}`.slice(0, 20);
            const ok = contract.expect(
                await call('PUT', `/api/users/${a.id}`, { token: a.token, json: { nickname } }),
                200,
                '/api/users/{id}',
            );
            assert.equal(ok.json.item.nickname, nickname);
            contract.expect(
                await call('PUT', `/api/users/${b.id}`, { token: a.token, json: { nickname: `dx${run}`.slice(0, 20) } }),
                403,
                '/api/users/{id}',
            );
            const empty = contract.expect(
                await call('PUT', `/api/users/${a.id}`, { token: a.token, json: {} }),
                400,
                '/api/users/{id}',
            );
            assert.ok(Array.isArray(empty.json.errors) && empty.json.errors.length > 0, 'errors[] expected');
        });

        test('POST /api/users/sign-up 413 (body over 1 MiB) and 415 (text/plain)', { timeout: TIMEOUT }, async () => {
            const big = JSON.stringify({ ...signUpBody(`docs-big-${run}@example.com`, 'big'), pad: 'x'.repeat(ONE_MIB) });
            assert.ok(Buffer.byteLength(big) > ONE_MIB);
            contract.expect(
                await call('POST', '/api/users/sign-up', { body: big, headers: { 'Content-Type': 'application/json' } }),
                413,
                '/api/users/sign-up',
            );
            contract.expect(
                await call('POST', '/api/users/sign-up', {
                    body: JSON.stringify(signUpBody(`docs-txt-${run}@example.com`, `dt${run}`.slice(0, 20))),
                    headers: { 'Content-Type': 'text/plain' },
                }),
                415,
                '/api/users/sign-up',
            );
        });

        test('DELETE /api/users/{id} 403 (other id) and 200', { timeout: TIMEOUT }, async () => {
            const { a, b } = users;
            assert.ok(a?.token && b?.token, 'needs the login test');
            contract.expect(
                await call('DELETE', `/api/users/${b.id}`, { token: a.token }),
                403,
                '/api/users/{id}',
            );
            for (const u of [a, b]) {
                const r = contract.expect(
                    await call('DELETE', `/api/users/${u.id}`, { token: u.token }),
                    200,
                    '/api/users/{id}',
                );
                assert.deepEqual(r.json.item, { id: u.id, deleted: true });
            }
            // The deleted user's token no longer works.
            contract.expect(await call('GET', '/api/users/me', { token: a.token }), 401, '/api/users/me');
        });
    });
}
