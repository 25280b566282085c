import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { spreadsheetCell } from '../http/spreadsheetCell.ts';
import type { PlannedAccount } from './plan.ts';

/**
 * C-ROSTER-CREDENTIALS: a new account gets a one-time sign-in code (128 random bits, 32 hex digits), not a
 * password. Only its SHA-256 is stored (`account_activations`): a code that long cannot be
 * guessed, so a fast hash is as safe as argon2 is for chosen passwords — and 4,000 accounts
 * need no 4,000 argon2 hashes. The owner chooses their password with the code (argon2 then,
 * one at a time). The codes are handed out once, as a printable sheet per school: the sheet is
 * kept encrypted (AES-256-GCM) with a key only the importer got, fetched once and erased.
 * Nothing here is logged.
 */

export interface Credential {
  readonly schoolCode: string;
  readonly schoolName: string;
  readonly displayName: string;
  readonly username: string;
  readonly role: PlannedAccount['role'];
  readonly code: string;
}

export const hashCode = (code: string) => createHash('sha256').update(code, 'utf8').digest('hex');

/** Codes for the new accounts, and the hashes to store. */
export function issueCodes(planned: readonly PlannedAccount[]): { credentials: Credential[]; hashes: Map<string, string> } {
  const credentials: Credential[] = [];
  const hashes = new Map<string, string>();
  for (const a of planned) {
    const code = randomBytes(16).toString('hex');
    hashes.set(a.id, hashCode(code));
    credentials.push({ schoolCode: a.schoolCode, schoolName: a.schoolName, displayName: a.displayName, username: a.username, role: a.role, code });
  }
  return { credentials, hashes };
}

/** The sheet encrypted under a fresh key: `iv.tag.ciphertext` (base64url) to store, the key for the importer. */
export function sealSheet(credentials: readonly Credential[]): { sealed: string; key: string } {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return { sealed: [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.'), key: key.toString('base64url') };
}

/** The sheet back, or null when the key does not open it. */
export function openSheet(sealed: string, key: string): Credential[] | null {
  try {
    const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(key, 'base64url'), iv!);
    decipher.setAuthTag(tag!);
    return JSON.parse(Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8')) as Credential[];
  } catch {
    return null;
  }
}

const ROLE_ZH: Record<Credential['role'], string> = { teacher: '教师', classroom: '教室终端', auditor: '审计员', coordinator: '协调员' };

function bySchool(credentials: readonly Credential[]) {
  const groups = new Map<string, Credential[]>();
  for (const c of credentials) groups.set(c.schoolCode, [...(groups.get(c.schoolCode) ?? []), c]);
  return [...groups.values()].map((list) => ({ code: list[0]!.schoolCode, name: list[0]!.schoolName, list: list.sort((a, b) => a.username.localeCompare(b.username)) }));
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** Where an owner chooses a password: the code travels in the fragment, which no server or log sees. */
const activationLink = (publicUrl: string, code: string) => `${publicUrl.replace(/\/$/, '')}/activate#${code}`;

/** A printable page: one section per school, each starting on a new page. */
export function credentialsHtml(credentials: readonly Credential[], publicUrl: string, expiresOn: string): string {
  const sections = bySchool(credentials).map(
    (s) => `<section><h1>${escapeHtml(s.name)} <small>${escapeHtml(s.code)}</small></h1>
<p>新账号的一次性登录码：请本人在 ${escapeHtml(expiresOn)} 前打开链接（或在登录页选择"首次登录"并输入登录码）设置密码。登录码只能使用一次。</p>
<table><thead><tr><th>姓名 / 教室</th><th>角色</th><th>用户名</th><th>一次性登录码</th><th>链接</th></tr></thead><tbody>
${s.list.map((c) => `<tr><td>${escapeHtml(c.displayName)}</td><td>${ROLE_ZH[c.role]}</td><td>${escapeHtml(c.username)}</td><td><code>${escapeHtml(c.code)}</code></td><td>${escapeHtml(activationLink(publicUrl, c.code))}</td></tr>`).join('\n')}
</tbody></table></section>`,
  );
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>账号登录码</title><style>
body{font-family:sans-serif;margin:2em}section{page-break-after:always}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #999;padding:4px 6px;text-align:left;font-size:12px}code{font-size:13px}small{color:#666;font-weight:normal}
</style></head><body>${sections.join('\n')}</body></html>`;
}

/** The same as a workbook: one worksheet per school, set up to print on A4. */
export async function credentialsXlsx(credentials: readonly Credential[], publicUrl: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'tongbu';
  const used = new Set<string>();
  for (const s of bySchool(credentials)) {
    // Sheet names: at most 31 characters, unique, none of : \ / ? * [ ].
    let name = `${s.name.replace(/[:\\/?*[\]]/g, ' ')}`.slice(0, 31);
    while (used.has(name)) name = `${name.slice(0, 27)} ${used.size}`;
    used.add(name);
    const sheet = wb.addWorksheet(name, { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
    sheet.addRow([spreadsheetCell(`${s.name} ${s.code}`)]).font = { bold: true, size: 14 };
    sheet.addRow(['姓名 / 教室', '角色', '用户名', '一次性登录码', '链接']).font = { bold: true };
    for (const c of s.list) sheet.addRow([c.displayName, ROLE_ZH[c.role], c.username, c.code, activationLink(publicUrl, c.code)].map(spreadsheetCell));
    sheet.columns = [{ width: 24 }, { width: 10 }, { width: 20 }, { width: 28 }, { width: 60 }];
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
