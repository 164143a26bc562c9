#!/usr/bin/env node
// A small in-memory stand-in for `xietong serve`, covering the part of the API contract the
// web UI uses, so the UI and its end-to-end test can run before (or without) the Rust server:
//   XIETONG_BIN=e2e/mock-xietong.mjs npm run e2e
// It is not the server: the real one decides every rule; keep this one simple.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
if (args[0] !== 'serve') {
  console.error('usage: mock-xietong serve [--data-dir DIR] [--listen HOST:PORT]');
  process.exit(2);
}
const [host, port] = arg('--listen', '127.0.0.1:8080').split(':');
const webDir = process.env.XIETONG_WEB_DIR;
const now = () => new Date().toISOString();

const tenant = { id: randomUUID(), name: '示例科技有限公司', time_zone: 'Asia/Shanghai' };
const settings = {
  password: {
    min_length: 8,
    min_classes: 3,
    forbid_sequences: true,
    forbid_username: true,
    forbid_common: true,
  },
  require_totp_all: false,
  require_totp_roles: [],
};
const totpRequired = (u) =>
  !u.totp_enabled &&
  (settings.require_totp_all || u.roles.some((r) => settings.require_totp_roles.includes(r)));
const companies = [
  { id: randomUUID(), name: '示例科技有限公司', kind: 'hq', parent_id: null, sort_order: 0 },
];
const departments = [];
const posts = [{ id: randomUUID(), name: '总经理', rank: 10, company_id: null }];
const ALL_PERMS = [
  'org.read',
  'org.write',
  'user.read',
  'user.write',
  'user.reset_password',
  'role.assign',
  'audit.read',
  'report.read',
  'tenant.settings',
];
const users = [];
const sessions = new Map();
const audit = [];
const logins = [];

function addUser(u) {
  const user = {
    id: randomUUID(),
    email: null,
    phone: null,
    status: 'active',
    post_id: null,
    supervisor_id: null,
    roles: ['member'],
    part_time: [],
    last_login_at: null,
    created_at: now(),
    locale: 'zh-CN',
    totp_enabled: false,
    must_change_password: true,
    department_id: null,
    ...u,
  };
  users.push(user);
  return user;
}
addUser({
  username: 'admin',
  display_name: '系统管理员',
  password: process.env.XIETONG_ADMIN_PASSWORD ?? 'admin',
  roles: ['sysadmin'],
});

function base32(bytes) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  return (bits.match(/.{1,5}/g) ?? [])
    .map((c) => alphabet[Number.parseInt(c.padEnd(5, '0'), 2)])
    .join('');
}
/** The current TOTP code (SHA-1, 6 digits, 30 s) of a base32 secret. */
function totpNow(secret) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => Number.parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

const msg = (lang, zh, en) => (lang === 'en' ? en : zh);
const deptName = (id) => departments.find((d) => d.id === id)?.name ?? null;
const permsOf = (u) =>
  u.roles.includes('sysadmin')
    ? ALL_PERMS
    : u.roles.includes('hr')
      ? ['org.read', 'org.write', 'user.read', 'user.write', 'user.reset_password']
      : ['org.read', 'user.read'];
const meOf = (u) => ({
  id: u.id,
  username: u.username,
  display_name: u.display_name,
  email: u.email,
  phone: u.phone,
  locale: u.locale,
  must_change_password: u.must_change_password,
  totp_enabled: u.totp_enabled,
  department_id: u.department_id,
  department_name: deptName(u.department_id),
  roles: u.roles,
  permissions: permsOf(u),
  is_department_head: departments.some((d) => d.head_user_id === u.id),
  tenant,
});
const userOf = (u) => ({
  id: u.id,
  username: u.username,
  display_name: u.display_name,
  email: u.email,
  phone: u.phone,
  status: u.status,
  department_id: u.department_id ?? '',
  department_name: deptName(u.department_id) ?? '',
  post_id: u.post_id,
  post_name: posts.find((p) => p.id === u.post_id)?.name ?? null,
  supervisor_id: u.supervisor_id,
  supervisor_name: users.find((x) => x.id === u.supervisor_id)?.display_name ?? null,
  roles: u.roles,
  part_time: u.part_time,
  last_login_at: u.last_login_at,
  created_at: u.created_at,
});
const deptOut = (d) => ({
  ...d,
  head_name: users.find((u) => u.id === d.head_user_id)?.display_name ?? null,
  leader_name: users.find((u) => u.id === d.leader_user_id)?.display_name ?? null,
  member_count: users.filter((u) => u.department_id === d.id).length,
});

function passwordProblems(pw, user, lang) {
  const out = [];
  const f = (code, zh, en) => out.push({ field: 'new_password', code, message: msg(lang, zh, en) });
  const n = settings.password.min_length;
  if ([...pw].length < n)
    f('password.too_short', `密码至少需要 ${n} 个字符`, `Use at least ${n} characters`);
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(pw)).length;
  if (classes < 3)
    f('password.classes', '密码需包含至少 3 类字符', 'Use at least 3 character classes');
  if (/(.)\1\1\1/.test(pw) || /1234|2345|3456|4567|5678|6789|abcd|bcde|cdef|qwer|asdf/i.test(pw))
    f('password.sequence', '密码不能含连续或重复字符', 'No runs or repeats');
  if (pw.toLowerCase().includes(user.username.toLowerCase()))
    f('password.contains_username', '密码不能包含用户名', 'Must not contain the username');
  if (pw === user.password)
    f('password.same_as_old', '新密码不能与旧密码相同', 'Must differ from the old password');
  return out;
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}
function fail(res, req, status, code, zh, en, extra = {}) {
  send(res, status, { code, message: msg(req.lang, zh, en), request_id: randomUUID(), ...extra });
}
function cookies(req) {
  return Object.fromEntries(
    (req.headers.cookie ?? '')
      .split(';')
      .filter(Boolean)
      .map((c) => c.trim().split('=').map(decodeURIComponent)),
  );
}
async function readJson(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const raw = Buffer.concat(chunks).toString();
  return raw ? JSON.parse(raw) : {};
}
const page = (items, q) => {
  const p = Number(q.get('page') ?? 1);
  const s = Number(q.get('page_size') ?? 20);
  return { items: items.slice((p - 1) * s, p * s), total: items.length, page: p, page_size: s };
};

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};
function serveStatic(res, path) {
  if (!webDir) return send(res, 404, { code: 'not_found', message: 'no web dir' });
  let file = normalize(join(webDir, path));
  if (!file.startsWith(webDir) || !existsSync(file) || statSync(file).isDirectory())
    file = join(webDir, 'index.html');
  res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://x');
  const path = url.pathname;
  req.lang = (req.headers['accept-language'] ?? '').startsWith('en') ? 'en' : 'zh-CN';
  if (path === '/healthz') return send(res, 200, { status: 'ok' });
  if (!path.startsWith('/api/')) return serveStatic(res, path);
  const m = req.method;
  const c = cookies(req);
  const session = sessions.get(c.xt_session);
  const me = session ? users.find((u) => u.id === session.userId) : undefined;

  if (path === '/api/v1/auth/password-policy') return send(res, 200, settings.password);
  if (path === '/api/v1/auth/login' && m === 'POST') {
    const body = await readJson(req);
    const u = users.find((x) => x.username === body.username);
    const ok = u && u.password === body.password;
    logins.push({
      at: now(),
      user_id: u?.id ?? null,
      username: body.username,
      ip: '127.0.0.1',
      user_agent: req.headers['user-agent'] ?? '',
      method: 'password',
      success: Boolean(ok),
    });
    if (!ok)
      return fail(
        res,
        req,
        401,
        'auth.invalid_credentials',
        '用户名或密码错误',
        'Wrong username or password',
      );
    if (u.status !== 'active')
      return fail(res, req, 403, 'auth.disabled', '账号已停用', 'Account disabled');
    const id = randomBytes(16).toString('hex');
    const csrf = randomBytes(16).toString('hex');
    sessions.set(id, { userId: u.id, csrf, created_at: now() });
    u.last_login_at = now();
    return send(
      res,
      200,
      {
        must_change_password: u.must_change_password,
        must_enroll_totp: totpRequired(u),
        user: meOf(u),
      },
      {
        'set-cookie': [
          `xt_session=${id}; Path=/; HttpOnly; SameSite=Lax`,
          `xt_csrf=${csrf}; Path=/; SameSite=Lax`,
        ],
      },
    );
  }
  if (!me) return fail(res, req, 401, 'auth.unauthenticated', '请先登录', 'Please sign in');
  if (m !== 'GET' && req.headers['x-csrf-token'] !== session.csrf)
    return fail(res, req, 403, 'auth.csrf', 'CSRF 校验失败', 'CSRF check failed');
  if (path === '/api/v1/auth/logout' && m === 'POST') {
    sessions.delete(c.xt_session);
    return send(res, 204);
  }
  if (path === '/api/v1/auth/password' && m === 'POST') {
    const body = await readJson(req);
    if (body.old_password !== me.password)
      return fail(
        res,
        req,
        401,
        'auth.wrong_password',
        '当前密码不正确',
        'The current password is wrong',
      );
    const fields = passwordProblems(body.new_password ?? '', me, req.lang);
    if (fields.length)
      return fail(
        res,
        req,
        422,
        'validation_failed',
        '新密码不符合要求',
        'The new password breaks the rules',
        { fields },
      );
    me.password = body.new_password;
    me.must_change_password = false;
    return send(res, 204);
  }
  if (me.must_change_password)
    return fail(
      res,
      req,
      403,
      'auth.password_change_required',
      '请先修改初始密码',
      'Change your initial password first',
    );

  if (path === '/api/v1/me' && m === 'GET') return send(res, 200, meOf(me));
  if (path === '/api/v1/me/totp/setup' && m === 'POST') {
    me.pending_totp = base32(randomBytes(20));
    return send(res, 200, {
      secret: me.pending_totp,
      otpauth_url: `otpauth://totp/Xietong:${me.username}?secret=${me.pending_totp}`,
      qr_svg: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
    });
  }
  if (path === '/api/v1/me/totp/enable' && m === 'POST') {
    const { code } = await readJson(req);
    if (!me.pending_totp || code !== totpNow(me.pending_totp))
      return fail(res, req, 422, 'auth.totp_invalid', '验证码不正确', 'Wrong code');
    me.totp_enabled = true;
    return send(res, 200, { recovery_codes: ['abcd-efgh-1', 'abcd-efgh-2'] });
  }
  if (totpRequired(me))
    return fail(
      res,
      req,
      403,
      'auth.totp_enrollment_required',
      '本单位要求启用两步验证，请先完成设置',
      'Your organisation requires two-factor sign-in; set it up first',
    );
  if (path === '/api/v1/tenant' && m === 'GET')
    return send(res, 200, { ...tenant, slug: 'default', settings });
  if (path === '/api/v1/tenant' && m === 'PATCH') {
    if (!me.roles.includes('sysadmin'))
      return fail(res, req, 403, 'auth.forbidden', '没有权限', 'Not allowed');
    const body = await readJson(req);
    const fields = [];
    if (body.time_zone) {
      try {
        new Intl.DateTimeFormat('en', { timeZone: body.time_zone });
      } catch {
        fields.push({
          field: 'time_zone',
          code: 'tenant.time_zone',
          message: msg(req.lang, '未知的时区', 'Unknown time zone'),
        });
      }
    }
    const p = body.settings?.password;
    if (p && (p.min_length < 8 || p.min_length > 64 || p.min_classes < 1 || p.min_classes > 4))
      fields.push({
        field: 'settings.password',
        code: 'tenant.password_policy',
        message: msg(
          req.lang,
          '密码最短长度须为 8–64，字符类别须为 1–4',
          'Minimum length must be 8–64 and classes 1–4',
        ),
      });
    if (fields.length)
      return fail(res, req, 422, 'validation_failed', '输入有误', 'Invalid input', { fields });
    if (body.name) tenant.name = body.name;
    if (body.time_zone) tenant.time_zone = body.time_zone;
    if (body.settings) Object.assign(settings, body.settings);
    return send(res, 200, { ...tenant, slug: 'default', settings });
  }
  if (path === '/api/v1/me' && m === 'PATCH') {
    Object.assign(me, await readJson(req));
    return send(res, 200, meOf(me));
  }
  if (path === '/api/v1/me/sessions')
    return send(
      res,
      200,
      [...sessions.entries()]
        .filter(([, s]) => s.userId === me.id)
        .map(([id, s]) => ({
          id,
          created_at: s.created_at,
          last_seen_at: now(),
          ip: '127.0.0.1',
          user_agent: 'Chromium',
          current: id === c.xt_session,
        })),
    );
  if (path === '/api/v1/me/tokens') return send(res, 200, []);
  if (path === '/api/v1/me/account-events')
    return send(
      res,
      200,
      page(
        audit.filter((a) => a.target_id === me.id),
        url.searchParams,
      ),
    );
  if (path === '/api/v1/companies' && m === 'GET') return send(res, 200, companies);
  if (path === '/api/v1/companies' && m === 'POST') {
    const body = await readJson(req);
    const c = { id: randomUUID(), parent_id: null, sort_order: 0, ...body };
    c.sort_order ??= 0;
    companies.push(c);
    return send(res, 200, c);
  }
  if (path.startsWith('/api/v1/companies/') && m === 'PATCH') {
    const c = companies.find((x) => x.id === path.split('/').pop());
    if (!c) return fail(res, req, 404, 'org.company_not_found', '公司不存在', 'No such company');
    for (const [k, v] of Object.entries(await readJson(req))) if (v != null) c[k] = v;
    return send(res, 200, c);
  }
  if (path === '/api/v1/org/import' && m === 'POST') {
    // Only what the UI shows: rows whose company is unknown are rejected (the body is multipart).
    const chunks = [];
    for await (const ch of req) chunks.push(ch);
    const lines = Buffer.concat(chunks).toString().split(/\r?\n/);
    const start = lines.findIndex((l) => l.startsWith('姓名,') || l.startsWith('name,'));
    const rows = [];
    for (let i = start + 1; start >= 0 && i < lines.length; i++) {
      const cells = lines[i].split(',');
      if (cells.length < 3) break;
      const company = cells[2].split('/')[0];
      if (!companies.some((c) => c.name === company))
        rows.push({
          row: i - start + 1,
          column: 'department_path',
          message: msg(req.lang, `公司「${company}」不存在`, `Company "${company}" does not exist`),
        });
    }
    if (rows.length)
      return fail(
        res,
        req,
        422,
        'org.import_rejected',
        `有 ${rows.length} 处错误，未导入任何数据`,
        `${rows.length} problems found; nothing was imported`,
        { details: { rows } },
      );
    return send(res, 200, {
      created: 0,
      updated: 0,
      departments_created: 0,
      posts_created: 0,
      initial_passwords: [],
    });
  }
  if (path === '/api/v1/roles')
    return send(res, 200, [
      { key: 'sysadmin', name: msg(req.lang, '系统管理员', 'System administrator') },
      { key: 'oa_admin', name: msg(req.lang, 'OA 管理员', 'OA administrator') },
      { key: 'hr', name: msg(req.lang, '人事', 'HR') },
      { key: 'member', name: msg(req.lang, '员工', 'Member') },
    ]);
  if (path === '/api/v1/posts' && m === 'GET') return send(res, 200, posts);
  if (path === '/api/v1/departments' && m === 'GET')
    return send(res, 200, departments.map(deptOut));
  if (path === '/api/v1/departments' && m === 'POST') {
    const b = await readJson(req);
    if (!b.name?.trim())
      return fail(res, req, 422, 'validation_failed', '输入有误', 'Invalid input', {
        fields: [{ field: 'name', code: 'required', message: msg(req.lang, '必填', 'Required') }],
      });
    const d = {
      id: randomUUID(),
      company_id: b.company_id,
      parent_id: b.parent_id ?? null,
      name: b.name,
      sort_order: b.sort_order ?? departments.length,
      head_user_id: null,
      leader_user_id: null,
    };
    departments.push(d);
    audit.unshift({
      id: randomUUID(),
      at: now(),
      actor_id: me.id,
      actor_name: me.display_name,
      action: 'department.create',
      target_type: 'department',
      target_id: d.id,
      summary: d.name,
    });
    return send(res, 200, deptOut(d));
  }
  const dm = path.match(/^\/api\/v1\/departments\/([^/]+)$/);
  if (dm) {
    const d = departments.find((x) => x.id === dm[1]);
    if (!d) return fail(res, req, 404, 'not_found', '不存在', 'Not found');
    if (m === 'PATCH') {
      Object.assign(d, await readJson(req));
      return send(res, 200, deptOut(d));
    }
    if (m === 'DELETE') {
      if (
        users.some((u) => u.department_id === d.id) ||
        departments.some((x) => x.parent_id === d.id)
      )
        return fail(
          res,
          req,
          409,
          'org.department_not_empty',
          '部门下还有成员或下级部门',
          'The department has members or sub-departments',
        );
      departments.splice(departments.indexOf(d), 1);
      return send(res, 204);
    }
  }
  if (path === '/api/v1/users' && m === 'GET') {
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    const list = users
      .filter((u) => !q || u.username.includes(q) || u.display_name.includes(q))
      .map(userOf);
    return send(res, 200, page(list, url.searchParams));
  }
  if (path === '/api/v1/users' && m === 'POST') {
    const b = await readJson(req);
    if (users.some((u) => u.username === b.username))
      return fail(res, req, 422, 'validation_failed', '输入有误', 'Invalid input', {
        fields: [
          {
            field: 'username',
            code: 'user.username_taken',
            message: msg(req.lang, '用户名已存在', 'Username taken'),
          },
        ],
      });
    const initial = `Tmp-${randomBytes(4).toString('hex')}#9`;
    const u = addUser({ ...b, password: initial, roles: b.roles ?? ['member'] });
    return send(res, 200, { user: userOf(u), initial_password: initial });
  }
  if (path === '/api/v1/audit') return send(res, 200, page(audit, url.searchParams));
  if (path === '/api/v1/login-records')
    return send(res, 200, page([...logins].reverse(), url.searchParams));
  if (path === '/api/v1/reports/logins') {
    const days = [];
    for (
      let d = new Date(url.searchParams.get('from'));
      d <= new Date(url.searchParams.get('to'));
      d.setUTCDate(d.getUTCDate() + 1)
    )
      days.push(d.toISOString().slice(0, 10));
    const rows = users.map((u) => {
      const per_day = days.map(
        (day) =>
          logins.filter((l) => l.success && l.user_id === u.id && l.at.startsWith(day)).length,
      );
      return {
        user_id: u.id,
        display_name: u.display_name,
        department_name: deptName(u.department_id) ?? '',
        per_day,
        total: per_day.reduce((a, b) => a + b, 0),
      };
    });
    return send(res, 200, {
      days,
      rows,
      per_department: departments.map((d) => ({
        department_id: d.id,
        department_name: d.name,
        per_day: days.map(() => 0),
      })),
    });
  }
  return fail(res, req, 404, 'not_found', '接口不存在', 'No such endpoint');
}

const server = createServer((req, res) => {
  handle(req, res).catch((e) => {
    console.error(e);
    send(res, 500, { code: 'internal', message: 'internal error' });
  });
});
server.listen(Number(port), host, () =>
  console.log(`mock xietong listening on http://${host}:${port}`),
);
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
