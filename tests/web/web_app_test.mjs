// Browser tests of the web app against the real daemon and the fake platform server (harness.mjs), driven
// by playwright-core in Debian's chromium.
//
// usage: node web_app_test.mjs ODZIV [SCREENSHOT_DIR]
// Exits 77 (skipped) when chromium or playwright-core is missing, except under CI, where that fails.

import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdirSync} from 'node:fs';
import path from 'node:path';
import {BRAND_A, BRAND_B, PASSWORD, ROOT, Setup, XSS_TEXT} from './harness.mjs';

const CHROMIUM = '/usr/bin/chromium';
const odziv = process.argv[2];
const shots = path.resolve(process.argv[3] ?? path.join(ROOT, 'build', 'screenshots'));
if (!odziv) {
  console.error('usage: node web_app_test.mjs ODZIV [SCREENSHOT_DIR]');
  process.exit(2);
}
let chromium;
try {
  ({chromium} = await import('playwright-core'));
} catch {
  chromium = null;
}
if (!chromium || !existsSync(CHROMIUM)) {
  console.error(`skipped: needs ${CHROMIUM} and playwright-core (scripts/install-deps installs both)`);
  process.exit(process.env.CI ? 1 : 77);
}

const WAIT = {timeout: 60_000};
let setup;
let browser;

before(async () => {
  setup = new Setup(odziv);
  await setup.start();
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await setup?.stop();
});

// A fresh browser (no cookies) signed in as `login`, on the queue. Page errors fail the test that reads
// `page.problems`.
async function signedIn(login, viewport = {width: 1280, height: 800}) {
  const context = await browser.newContext({viewport});
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    page.problems.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  await page.goto(`${setup.base}/app/queue`);
  await page.waitForSelector('#login', WAIT);
  await page.fill('#login', login);
  await page.fill('#password', PASSWORD);
  await page.press('#password', 'Enter');
  await page.waitForSelector('#queue-status:not(:empty)', WAIT);
  return page;
}

const itemCount = (page) => page.locator('.queue-item').count();
async function waitForItems(page, n) {
  await page.waitForFunction((want) => document.querySelectorAll('.queue-item').length === want, n, WAIT);
}
const selectedText = (page) => page.locator('.queue-item[aria-selected="true"]').innerText();

// Moves the selection with j until it is on an ordinary post (not the one full of markup).
async function selectOrdinary(page) {
  for (let i = 0; i < 10 && (await selectedText(page)).includes('<script>'); ++i) await page.keyboard.press('j');
  assert.ok(!(await selectedText(page)).includes('<script>'), 'an ordinary post to select');
  // The case (thread, history) has arrived for the selected draft.
  await page.waitForFunction(() => {
    const li = document.querySelector('.queue-item[aria-selected="true"]');
    return li && document.querySelector('#queue-detail')?.dataset.loaded === li.dataset.draft;
  }, null, WAIT);
}

const pendingOf = (brand) => setup.queue().filter((d) => d.brand === brand);

test('the sign-in page says when the password is wrong', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${setup.base}/`);
  await page.fill('#login', 'ana');
  await page.fill('#password', 'not the password');
  await page.press('#password', 'Enter');
  await page.waitForSelector('#signin-error:not(:empty)', WAIT);
  assert.match(await page.locator('#signin-error').innerText(), /wrong|pogrešn/i);
  await context.close();
});

test('an agent of one brand sees nothing of another brand in the queue, dashboard or settings', async () => {
  const page = await signedIn('ana');
  await waitForItems(page, pendingOf(BRAND_A.slug).length);
  const theirs = pendingOf(BRAND_B.slug);
  assert.ok(theirs.length > 0, 'the other brand has drafts waiting');
  const secrets = [BRAND_B.slug, BRAND_B.name, ...theirs.map((d) => d.post.text).filter((x) => x.length > 24)];
  const leaks = async (where) => {
    const text = (await page.locator('body').innerText()).toLowerCase();
    const html = (await page.content()).toLowerCase();
    for (const s of secrets) {
      assert.ok(!text.includes(s.toLowerCase()) && !html.includes(s.toLowerCase()), `${where} shows "${s}"`);
    }
  };
  await page.waitForSelector('.assessment', WAIT);
  await leaks('the queue');
  await page.click('nav a[href="/app/dashboard"]');
  await page.waitForSelector('svg.chart', WAIT);
  await leaks('the dashboard');
  await page.click('nav a[href="/app/settings"]');
  await page.waitForSelector('#tokens h2', WAIT);
  await leaks('the settings');
  await page.goto(`${setup.base}/app/cases/${theirs[0].case.id}`);
  await page.waitForSelector('#not-found', WAIT);
  await leaks('their case');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a post full of markup and a javascript: link renders as inert text', async () => {
  const page = await signedIn('ana');
  const item = page.locator('.queue-item', {hasText: '@mallory'});
  await item.waitFor(WAIT);
  await item.click();
  await page.waitForSelector('.post.current .text', WAIT);
  const shown = await page.locator('.post.current .text').innerText();
  assert.ok(shown.includes('<script>window.__pwned = 1</script>'), `the markup is shown as text: ${shown}`);
  assert.ok(shown.includes('<img src=x onerror='), 'the img is shown as text');
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no script of the post ran');
  assert.equal(await page.locator('#main img').count(), 0, 'no img element from the post');
  assert.equal(await page.locator('a[href^="javascript:" i]').count(), 0, 'no javascript: link');
  assert.equal(await page.locator('#main script').count(), 0, 'no script element from the post');
  const safe = page.locator('.post.current .text a');
  assert.equal(await safe.count(), 1, 'only the https address is a link');
  assert.equal(await safe.getAttribute('href'), 'https://example.com/ok?x=1');
  assert.equal(await safe.getAttribute('target'), '_blank');
  assert.deepEqual((await safe.getAttribute('rel')).split(' ').sort(), ['nofollow', 'noopener', 'noreferrer']);
  assert.ok(XSS_TEXT.includes('javascript:window.__pwned=4') && shown.includes('javascript:window.__pwned=4'));
  assert.deepEqual(page.problems, [], 'no dialog opened and no page error');
  await page.context().close();
});

test('a viewer is offered no action, and the API refuses an approval forced from the page', async () => {
  const page = await signedIn('vera');
  await waitForItems(page, pendingOf(BRAND_A.slug).length);
  await page.waitForSelector('#draft-text', WAIT);
  assert.equal(await page.locator('#approve, #reject, #reassign, #close-case, #save-approve').count(), 0);
  assert.equal(await page.locator('#draft-text').getAttribute('readonly'), '');
  const before = await itemCount(page);
  await page.keyboard.press('a');
  await page.waitForSelector('#toast.show', WAIT);
  assert.equal(await itemCount(page), before);
  const draftId = await page.locator('.queue-item[aria-selected="true"]').getAttribute('data-draft');
  const status = await page.evaluate(async (id) => {
    const session = await (await fetch('/api/v1/session')).json();
    const draft = await (await fetch(`/api/v1/drafts/${id}`)).json();
    const answer = await fetch(`/api/v1/drafts/${id}/approve`, {
      method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token},
      body: JSON.stringify({version: draft.draft.version})});
    return answer.status;
  }, draftId);
  assert.equal(status, 403);
  assert.ok(setup.queue().some((d) => String(d.id) === draftId), 'the draft still waits');
  await page.context().close();
});

test('screenshots of the queue and the dashboard', async () => {
  mkdirSync(shots, {recursive: true});
  const page = await signedIn('root');
  await waitForItems(page, setup.queue().length);
  await page.waitForSelector('.assessment', WAIT);
  const queuePng = path.join(shots, 'queue.png');
  await page.screenshot({path: queuePng});
  await page.click('nav a[href="/app/dashboard"]');
  await page.waitForSelector('svg.chart', WAIT);
  const dashboardPng = path.join(shots, 'dashboard.png');
  await page.screenshot({path: dashboardPng, fullPage: true});
  console.log(`screenshot: ${queuePng}\nscreenshot: ${dashboardPng}`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('approving a draft someone else changed meanwhile reloads it and says so', async () => {
  const page = await signedIn('ana');
  // The change feed stays quiet, so that the page still holds the old version when the approval goes out.
  await page.route('**/api/v1/changes*', (route) => route.fulfill({
    status: 200, contentType: 'application/json', body: JSON.stringify({token: 'quiet', queue_changed: false})}));
  await waitForItems(page, pendingOf(BRAND_A.slug).length);
  await selectOrdinary(page);
  const id = await page.locator('.queue-item[aria-selected="true"]').getAttribute('data-draft');
  const changed = 'Izvinite na cekanju, provjeravamo vasu narudzbu (changed elsewhere).';
  setup.cli(['queue', 'edit', id, '--text', changed, '--as', 'ana']);
  await page.keyboard.press('a');
  await page.waitForFunction(() => /someone else|neko drugi/i.test(document.querySelector('#toast')?.textContent ?? ''),
                             null, WAIT);
  await page.waitForFunction((text) => document.querySelector('#draft-text')?.value === text, changed, WAIT);
  assert.ok(setup.queue().some((d) => String(d.id) === id), 'the changed draft still waits');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('an agent works through the queue with the keyboard alone and the platform gets the edited reply', async () => {
  const page = await signedIn('ana');
  let left = pendingOf(BRAND_A.slug).length;
  await waitForItems(page, left);
  await page.waitForSelector('#draft-text', WAIT);

  // j and k move the selection.
  const first = await page.locator('.queue-item[aria-selected="true"]').getAttribute('data-draft');
  await page.keyboard.press('j');
  assert.notEqual(await page.locator('.queue-item[aria-selected="true"]').getAttribute('data-draft'), first);
  await page.keyboard.press('k');
  assert.equal(await page.locator('.queue-item[aria-selected="true"]').getAttribute('data-draft'), first);

  // e, typing (shortcut letters included), ctrl+enter: the edit is saved and approved.
  await selectOrdinary(page);
  const marker = ' Javicemo se brzo.';  // j, a, c, s, r, e …: letters that are shortcuts elsewhere
  await page.keyboard.press('e');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'draft-text');
  await page.keyboard.type(marker);
  assert.equal(await itemCount(page), left, 'typing a, r, c … in the draft fired no shortcut');
  await page.keyboard.press('Control+Enter');
  await waitForItems(page, --left);
  const replies = await setup.replies(1);
  assert.ok(replies.some((r) => r.text.includes(marker.trim())), `the edited text was posted: ${JSON.stringify(replies)}`);

  // a approves the next one as drafted.
  await selectOrdinary(page);
  await page.keyboard.press('a');
  await waitForItems(page, --left);
  assert.equal((await setup.replies(2)).length >= 2, true);

  // r asks for a reason; Enter rejects.
  await selectOrdinary(page);
  const rejected = await page.locator('.queue-item[aria-selected="true"]').getAttribute('data-draft');
  await page.keyboard.press('r');
  await page.waitForSelector('#reject-reason', WAIT);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'reject-reason');
  await page.keyboard.type('Ton nije dobar');
  await page.keyboard.press('Enter');
  await waitForItems(page, --left);
  assert.ok(!setup.queue().some((d) => String(d.id) === rejected), 'the rejected draft left the queue');

  // ? shows the shortcuts; Esc closes them.
  await page.keyboard.press('?');
  await page.waitForSelector('dialog[open] table.shortcuts', WAIT);
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('dialog[open]'), null, WAIT);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
