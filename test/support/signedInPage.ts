import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestPlatform } from './platform.ts';

export interface SignedInPage {
  page: Page;
  context: BrowserContext;
  /** Page errors and console errors seen so far (a test expects none). */
  errors: string[];
}

/**
 * A new browser context signed in as a demo account (its session cookie set), at a laptop's
 * size and in Chinese unless asked otherwise, with one page that records its errors; console
 * errors matching `ignore` (e.g. an expected 404) are not recorded. The caller closes the context.
 */
export async function signedInPage(
  browser: Browser,
  platform: Pick<TestPlatform, 'url' | 'signIn'>,
  username: string,
  options: { viewport?: { width: number; height: number }; locale?: string; ignore?: RegExp } = {},
): Promise<SignedInPage> {
  const user = await platform.signIn(username);
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1366, height: 900 }, locale: options.locale ?? 'zh-CN' });
  const [name, ...rest] = user.cookie.split('=');
  await context.addCookies([{ name: name!, value: rest.join('='), url: platform.url }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !options.ignore?.test(msg.text())) errors.push(`console: ${msg.text()}`);
  });
  return { page, context, errors };
}
