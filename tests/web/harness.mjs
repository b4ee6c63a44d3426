// What the browser tests run against: the fake platform server and the real daemon (the binary under
// test), with two brands, their sources, people made with the CLI, and drafts waiting in the queue.
//
//   zrno  "Zrno Kafa"       X search (synthetic, replies kept by the fake server) + one X feed whose only post
//                           carries markup and script (served at /xss/… so it is a source of its own)
//   kvaka "Kvaka Hardware"  Mastodon mentions (synthetic)
//   people: ana (agent of zrno), vera (viewer of zrno), boris (agent of kvaka), root (instance admin)

import {spawn, execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import {fileURLToPath} from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
const DEADLINE_MS = 120_000;  // for each condition waited on: a failure, not a hang

export const PASSWORD = 'correct horse battery staple';
export const BRAND_A = {slug: 'zrno', name: 'Zrno Kafa'};
export const BRAND_B = {slug: 'kvaka', name: 'Kvaka Hardware'};
export const A_POSTS = 4;      // synthetic X posts of zrno
export const B_POSTS = 3;      // synthetic Mastodon posts of kvaka
export const XSS_TEXT = 'Pwn <script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 2"> ' +
  '<a href="javascript:window.__pwned = 3">klik</a> javascript:window.__pwned=4 vidi https://example.com/ok?x=1';

// Lines of a child's stream that tests can wait for.
class LineLog {
  constructor(stream) {
    this.lines = [];
    this.waiters = [];
    this.closed = false;
    const rl = readline.createInterface({input: stream});
    rl.on('line', (line) => {
      this.lines.push(line);
      for (const w of [...this.waiters]) w.check();
    });
    rl.on('close', () => {
      this.closed = true;
      for (const w of [...this.waiters]) w.check();
    });
  }

  // Resolves with the first match of `pattern` in a line from index `from` on; rejects after the deadline or
  // when the stream ends without one.
  waitFor(pattern, from = 0) {
    return new Promise((resolve, reject) => {
      let next = from;
      const waiter = {
        check: () => {
          for (; next < this.lines.length; ++next) {
            const match = this.lines[next].match(pattern);
            if (match) {
              done();
              resolve({match, index: next});
              return;
            }
          }
          if (this.closed) {
            done();
            reject(new Error(`stream ended before a line matching ${pattern}`));
          }
        },
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no line matching ${pattern} within ${DEADLINE_MS} ms:\n${this.lines.slice(-20).join('\n')}`));
      }, DEADLINE_MS);
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      this.waiters.push(waiter);
      waiter.check();
    });
  }
}

async function fakeCall(fake, route, body) {
  const response = await fetch(fake + route, body === undefined ? {} : {
    method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
  if (!response.ok) throw new Error(`fake server ${route}: HTTP ${response.status}`);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

export class Setup {
  constructor(odziv) {
    this.odziv = path.resolve(odziv);
    this.dir = mkdtempSync(path.join(tmpdir(), 'odziv-web-'));
    this.db = path.join(this.dir, 'odziv.db');
    this.env = {...process.env, ODZIV_DB: this.db, ODZIV_FAKE_TOKEN: 'fake-token-for-tests'};
  }

  cli(args, input) {
    return execFileSync(this.odziv, args, {env: this.env, input, encoding: 'utf8', timeout: 120_000,
                                           stdio: ['pipe', 'pipe', 'pipe']});
  }

  async start() {
    this.fakeProc = spawn('python3', [path.join(ROOT, 'tests/fake_platform/fake_platform.py')],
                          {stdio: ['ignore', 'pipe', 'inherit']});
    const fakeLog = new LineLog(this.fakeProc.stdout);
    this.fake = (await fakeLog.waitFor(/^READY (\S+)/)).match[1];
    const past = Date.now() / 1000 - 3600;
    await fakeCall(this.fake, '/_fake/synthetic', {platform: 'x', path: '/2/tweets/search/recent', rate_per_second: 100,
                                                   seed: 7, start_epoch: past, total: A_POSTS});
    await fakeCall(this.fake, '/_fake/replies', {platform: 'x', brand_handle: 'zrno', brand_user_id: '99'});
    await fakeCall(this.fake, '/_fake/synthetic', {platform: 'mastodon', path: '/api/v1/notifications',
                                                   rate_per_second: 100, seed: 11, start_epoch: past, total: B_POSTS});
    const id = '1950000000000000001';
    await fakeCall(this.fake, '/_fake/route', {method: 'GET', path: '/xss/2/tweets/search/recent', status: 200, body: {
      data: [{id, text: XSS_TEXT, lang: 'en', author_id: '4242', created_at: new Date(past * 1000).toISOString(),
              conversation_id: id, edit_history_tweet_ids: [id]}],
      includes: {users: [{id: '4242', username: 'mallory', name: 'Mallory', public_metrics: {followers_count: 12}}]},
      meta: {result_count: 1, newest_id: id, oldest_id: id}}});

    const everything = JSON.stringify({triage: {answer_labels: ['neg', 'neu', 'pos']}});
    this.cli(['brand', 'add', BRAND_A.slug, '--name', BRAND_A.name, '--settings', everything]);
    this.cli(['brand', 'add', BRAND_B.slug, '--name', BRAND_B.name, '--settings', everything]);
    const x = ['--platform', 'x', '--set', 'token=env:ODZIV_FAKE_TOKEN', '--set', 'query=zrno',
               '--set', 'brand_handle=zrno', '--set', 'user_id=99'];
    this.cli(['source', 'add', 'zrno-x', '--brand', BRAND_A.slug, '--set', `base_url=${this.fake}`, ...x]);
    this.cli(['source', 'add', 'zrno-x-odd', '--brand', BRAND_A.slug, '--set', `base_url=${this.fake}/xss`, ...x]);
    this.cli(['source', 'add', 'kvaka-mastodon', '--brand', BRAND_B.slug, '--platform', 'mastodon',
              '--set', `base_url=${this.fake}`, '--set', 'token=env:ODZIV_FAKE_TOKEN', '--set', 'account_id=77']);
    const person = (login, name, ...more) => this.cli(['user', 'add', login, '--name', name, ...more, '--password-stdin'],
                                                      `${PASSWORD}\n`);
    person('ana', 'Ana Agentić', '--brand', `${BRAND_A.slug}:agent`);
    person('vera', 'Vera Viewer', '--brand', `${BRAND_A.slug}:viewer`);
    person('boris', 'Boris Kvakić', '--brand', `${BRAND_B.slug}:agent`);
    person('root', 'Root Admin', '--admin');

    this.daemon = spawn(this.odziv, ['run', '--db', this.db, '--log-format', 'text', '--http.listen', '127.0.0.1:0',
                                     '--web-root', path.join(ROOT, 'web')],
                        {env: this.env, stdio: ['ignore', 'ignore', 'pipe']});
    this.log = new LineLog(this.daemon.stderr);
    const port = (await this.log.waitFor(/HTTP server listening on \S+ \(port (\d+)\)/)).match[1];
    this.base = `http://127.0.0.1:${port}`;
    let queued = 0;
    let from = 0;
    while (queued < A_POSTS + 1 + B_POSTS) {
      const {match, index} = await this.log.waitFor(/(\d+) drafts queued/, from);
      queued += Number(match[1]);
      from = index + 1;
    }
  }

  // Every draft waiting, as `odziv queue list --json` tells it (the operator's view of every brand).
  queue() {
    return JSON.parse(this.cli(['queue', 'list', '--json'])).drafts;
  }

  // The replies the fake platform has received, once there are at least `n`.
  replies(n) {
    return fakeCall(this.fake, `/_fake/replies?at_least=${n}`);
  }

  async stop() {
    if (this.daemon && this.daemon.exitCode === null) {
      const exited = new Promise((resolve) => this.daemon.once('exit', resolve));
      this.daemon.kill('SIGTERM');
      await exited;
    }
    if (this.fakeProc && this.fakeProc.exitCode === null) this.fakeProc.kill('SIGTERM');
    rmSync(this.dir, {recursive: true, force: true});
  }
}
