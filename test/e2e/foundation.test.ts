import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { DEMO_PASSWORD, startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * The foundation's web client in real Chromium, against the real server on a
 * fresh database with the Haiyan demo county (client/dist must be built:
 * `bash scripts/build-client.sh`).
 */

let platform: TestPlatform;
let browser: Browser;
const contexts: BrowserContext[] = [];

const SHIYAN_PRIMARY = '海盐县实验小学教育共同体';
const XIANGYANG_PRIMARY = '海盐县向阳小学教育共同体';

beforeAll(async () => {
  platform = await startTestPlatform();
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await platform?.close();
});

/** A fresh browser (no cookies, Chinese UI) signed in through the sign-in page. */
async function signedIn(username: string, viewport = { width: 1366, height: 768 }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${platform.url}/`);
  // Not signed in: the app sends us to the sign-in page.
  await page.getByTestId('sign-in-form').waitFor();
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  await page.getByTestId('sign-in-username').fill(username);
  await page.getByTestId('sign-in-password').fill(DEMO_PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('current-user').waitFor();
  return page;
}

async function communityIdByName(name: string): Promise<string> {
  const admin = await platform.signIn('admin');
  const res = await admin.call(api.listCommunities);
  if (!res.ok) throw new Error('listCommunities failed');
  const c = res.data.find((x) => x.name === name);
  if (!c) throw new Error(`no community ${name}`);
  return c.id;
}

describe('foundation web client', () => {
  it('a coordinator signs in, adds a member school to a community and sees it listed; the same coordinator cannot open another community\'s page or API', async () => {
    const page = await signedIn('coord.shiyan');
    await expect(page.getByTestId('current-role').textContent()).resolves.toBe('教共体协调员');

    // Communities → their community.
    await page.getByTestId('nav-communities').click();
    await page.getByTestId('communities-table').getByText(SHIYAN_PRIMARY).click();
    await page.getByRole('heading', { level: 1, name: SHIYAN_PRIMARY }).waitFor();
    const table = page.getByTestId('memberships-table');
    expect(await table.getByText('海盐县秦山小学').count()).toBe(0);

    // Add 秦山小学 (in no community today) as a member school.
    await page.getByTestId('add-member').click();
    const drawer = page.getByTestId('add-member-drawer');
    await drawer.waitFor();
    const option = drawer.locator('[data-testid=member-school] option', { hasText: '海盐县秦山小学' });
    await option.waitFor({ state: 'attached' });
    await drawer.getByTestId('member-school').selectOption({ value: (await option.getAttribute('value'))! });
    await drawer.getByTestId('save').click();
    await drawer.waitFor({ state: 'detached' });

    // Listed with its role, join date and status.
    const row = table.locator('tr', { hasText: '海盐县秦山小学' });
    await row.waitFor();
    expect(await row.textContent()).toContain('成员校');
    expect(await row.textContent()).toContain('在册');
    await expect(page.getByTestId('member-count').textContent()).resolves.toContain('4');

    // The server agrees.
    const shiyanId = await communityIdByName(SHIYAN_PRIMARY);
    const coordinator = await platform.signIn('coord.shiyan');
    const community = await coordinator.call(api.getCommunity, { params: { communityId: shiyanId } });
    expect(community.ok && community.data.memberships.some((m) => m.schoolName === '海盐县秦山小学' && m.role === 'member' && m.validTo === null)).toBe(true);

    // Another community: the page shows not-found and the API answers 404, in the same browser session.
    const xiangyangId = await communityIdByName(XIANGYANG_PRIMARY);
    await page.goto(`${platform.url}/communities/${xiangyangId}`);
    await page.getByTestId('not-found').waitFor();
    expect(await page.getByText(XIANGYANG_PRIMARY).count()).toBe(0);
    const apiAnswer = await page.request.get(`${platform.url}/api/communities/${xiangyangId}`);
    expect(apiAnswer.status()).toBe(404);
    // …while their own community answers 200 to the same browser session.
    expect((await page.request.get(`${platform.url}/api/communities/${shiyanId}`)).status()).toBe(200);
  });

  it('shows validation errors on the right fields and a 409 conflict prominently', async () => {
    const page = await signedIn('coord.shiyan');
    await page.getByTestId('nav-schools').click();
    await page.getByTestId('schools-table').getByText('海盐县六里小学').click();
    await page.getByRole('heading', { level: 1, name: '海盐县六里小学' }).waitFor();

    // An empty name: the server's 400 names `name`, shown under the name input.
    await page.getByTestId('add-classroom').click();
    const drawer = page.getByTestId('classroom-drawer');
    await drawer.getByTestId('classroom-capacity').fill('600');
    await drawer.getByTestId('save').click();
    const nameError = drawer.locator('[data-field=name] .field-error');
    await nameError.waitFor();
    expect(await nameError.textContent()).toBe('此项为必填项');
    expect(await drawer.locator('[data-field=name] input').getAttribute('aria-invalid')).toBe('true');
    // …and the capacity error under capacity, not under name.
    expect(await drawer.locator('[data-field=capacity] .field-error').textContent()).toBe('不能大于 500');
    expect(await drawer.locator('[data-field=hasJoinTerminal] .field-error').count()).toBe(0);

    // Editing a field clears its error.
    await drawer.getByTestId('classroom-name').fill('四年级(2)班');
    expect(await nameError.count()).toBe(0);

    // A name the school already has: 409, its description shown prominently.
    await drawer.getByTestId('classroom-capacity').fill('40');
    await drawer.getByTestId('save').click();
    const conflict = drawer.getByTestId('conflict');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain('本校已有名为“四年级(2)班”的教室');
    await drawer.getByRole('button', { name: '取消' }).click();

    // A custom server message (English on the server) is translated: leave date before join date.
    await page.goto(`${platform.url}/communities/${await communityIdByName(SHIYAN_PRIMARY)}`);
    await page.getByTestId('add-member').click();
    const add = page.getByTestId('add-member-drawer');
    const first = add.locator('[data-testid=member-school] option:not([value=""])').first();
    await first.waitFor({ state: 'attached' });
    await add.getByTestId('member-school').selectOption({ value: (await first.getAttribute('value'))! });
    await add.getByTestId('valid-from').fill('2026-03-01');
    await add.getByTestId('valid-to').fill('2026-02-01');
    await add.getByTestId('save').click();
    const validToError = add.locator('[data-field=validTo] .field-error');
    await validToError.waitFor();
    expect(await validToError.textContent()).toBe('退出日期须晚于加入日期');
    expect(await add.locator('[data-field=validFrom] .field-error').count()).toBe(0);
  });

  it('shows an error on member schools when an administrator founds a community without one', async () => {
    const page = await signedIn('admin');
    await page.getByTestId('nav-communities').click();
    await page.getByTestId('create-community').click();
    const form = page.getByTestId('create-community-form');
    await form.waitFor();
    // The demo has two counties (海盐县, 秀洲区): the administrator picks one first.
    const county = form.locator('[data-testid=community-county] option', { hasText: '海盐县' });
    await county.waitFor({ state: 'attached' });
    await form.getByTestId('community-county').selectOption({ value: (await county.getAttribute('value'))! });
    await form.getByTestId('community-name').fill('海盐县武原小学教育共同体');
    await form.getByTestId('community-type').selectOption('co_built');
    const core = form.locator('[data-testid=core-school] option', { hasText: '海盐县武原小学' });
    await core.waitFor({ state: 'attached' });
    await form.getByTestId('core-school').selectOption({ value: (await core.getAttribute('value'))! });
    await form.getByTestId('save').click();
    const error = form.locator('[data-field=memberSchoolIds] > .field-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('教共体至少需要一所成员校');
    expect(await form.locator('[data-field=name] .field-error').count()).toBe(0);
    expect(await form.locator('[data-field=coreSchoolId] .field-error').count()).toBe(0);
    // Nothing was created.
    expect(new URL(page.url()).pathname).toBe('/communities/new');
  });

  it('switches the UI to English and back, and remembers the choice', async () => {
    const page = await signedIn('teacher.wang');
    const nav = page.locator('.sidenav');
    expect(await nav.textContent()).toContain('工作台');
    expect(await page.getByTestId('current-role').textContent()).toBe('教师');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');

    await page.getByTestId('lang-switch').getByRole('radio', { name: 'English' }).click();
    await page.getByTestId('current-role').filter({ hasText: 'Teacher' }).waitFor();
    expect(await nav.textContent()).toContain('Dashboard');
    expect(await nav.textContent()).toContain('Communities');
    expect(await nav.textContent()).not.toContain('工作台');
    expect(await page.getByTestId('my-school').textContent()).toContain('My school');
    expect(await page.getAttribute('html', 'lang')).toBe('en');

    // Saved on the account too (so the server's messages follow), and kept after a reload.
    await expect.poll(async () => (await platform.signIn('teacher.wang')).me.account.locale).toBe('en');
    await page.reload();
    await page.getByTestId('current-role').filter({ hasText: 'Teacher' }).waitFor();

    await page.getByTestId('lang-switch').getByRole('radio', { name: '中文' }).click();
    await page.getByTestId('current-role').filter({ hasText: '教师' }).waitFor();
    expect(await nav.textContent()).toContain('工作台');
    await expect.poll(async () => (await platform.signIn('teacher.wang')).me.account.locale).toBe('zh-CN');
  });

  it('gives an auditor read-only pages: no create or edit controls, no accounts', async () => {
    const page = await signedIn('auditor.haiyan');
    const nav = page.locator('.sidenav');
    expect(await nav.textContent()).not.toContain('账号管理');
    expect(await page.getByTestId('nav-accounts').count()).toBe(0);

    await page.getByTestId('nav-communities').click();
    await page.getByTestId('communities-table').getByText(XIANGYANG_PRIMARY).waitFor();
    expect(await page.getByTestId('create-community').count()).toBe(0);

    await page.getByTestId('communities-table').getByText(SHIYAN_PRIMARY).click();
    await page.getByTestId('memberships-table').getByText('海盐县六里小学').waitFor();
    for (const id of ['edit-community', 'add-member', 'end-membership']) expect(await page.getByTestId(id).count(), id).toBe(0);

    await page.getByTestId('memberships-table').getByText('海盐县六里小学').click();
    await page.getByTestId('classrooms-table').getByText('四年级(2)班').waitFor();
    await page.getByTestId('teachers-table').getByText('吴海燕').waitFor();
    for (const id of ['edit-school', 'add-classroom', 'add-teacher', 'edit-classroom', 'edit-teacher']) expect(await page.getByTestId(id).count(), id).toBe(0);

    await page.getByTestId('nav-schools').click();
    await page.getByTestId('schools-table').getByText('海盐县武原小学').waitFor();
    expect(await page.getByTestId('create-school').count()).toBe(0);

    // The accounts page is not theirs: not found.
    await page.goto(`${platform.url}/accounts`);
    await page.getByTestId('not-found').waitFor();
  });

  it('sends a signed-out browser back to sign in and returns to the page asked for', async () => {
    const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, locale: 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${platform.url}/schools`);
    await page.getByTestId('sign-in-form').waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/schools');
    await page.getByTestId('sign-in-username').fill('coord.xiangyang');
    await page.getByTestId('sign-in-password').fill('wrong-password-123');
    await page.getByTestId('sign-in-submit').click();
    expect(await page.getByTestId('sign-in-error').textContent()).toBe('用户名或密码错误');
    await page.getByTestId('sign-in-password').fill(DEMO_PASSWORD);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('schools-table').getByText('海盐县沈荡小学').waitFor();
    expect(new URL(page.url()).pathname).toBe('/schools');

    // The session ends under the app (cookie gone): the next call's 401 brings the sign-in page back.
    const cookies = await context.cookies();
    await context.clearCookies();
    // Tablet width: the side navigation opens from the menu button.
    await page.getByRole('button', { name: '菜单' }).click();
    await page.getByTestId('nav-communities').click();
    await page.getByTestId('sign-in-form').waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/communities');
    await page.getByText('登录已过期，请重新登录。').waitFor();
    await context.addCookies(cookies);
    await page.reload();
    await page.getByTestId('communities-table').getByText(XIANGYANG_PRIMARY).waitFor();

    // Signing out ends the session: the API refuses and the app shows the sign-in page.
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-form').waitFor();
    expect((await page.request.get(`${platform.url}/api/auth/me`)).status()).toBe(401);
  });
});
