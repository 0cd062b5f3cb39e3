// Drives headless Chromium through the console for bench/console.py: per page, how long from navigation
// until the page can be used, and which JavaScript files the browser loaded for it. Prints one JSON line.
//   node scripts/console-timing.mjs BASE_URL TOKEN RUNS
import { chromium } from '@playwright/test';

const [baseUrl, token, runsText] = process.argv.slice(2);
const runs = Number(runsText ?? 10);
const PAGES = {
  login: { path: '/login', ready: '[data-testid="login-submit"]', signedIn: false },
  create: { path: '/create/titles', ready: '[data-testid="generate"]', signedIn: true },
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});

/** One navigation: ms from navigation start (the page's own clock) to the ready control being enabled. */
async function visit(context, page, spec) {
  const tab = page ?? (await context.newPage());
  await tab.goto(`${baseUrl}${spec.path}`, { waitUntil: 'commit' });
  const handle = await tab.waitForFunction(
    (selector) => {
      const element = document.querySelector(selector);
      return element && !element.disabled && element.getClientRects().length > 0 ? performance.now() : false;
    },
    spec.ready,
    { polling: 'raf', timeout: 30_000 },
  );
  const ms = await handle.jsonValue();
  const scripts = await tab.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => new URL(entry.name).pathname)
      .filter((path) => path.startsWith('/assets/') && path.endsWith('.js')),
  );
  return { tab, ms, scripts };
}

const result = {};
for (const [name, spec] of Object.entries(PAGES)) {
  const cold = [];
  const warm = [];
  let scripts = [];
  for (let i = 0; i < runs; i += 1) {
    const context = await browser.newContext();
    if (spec.signedIn) {
      await context.addInitScript((t) => window.localStorage.setItem('douflow.token', t), token);
    }
    const first = await visit(context, null, spec);
    cold.push(first.ms);
    scripts = first.scripts;
    warm.push((await visit(context, first.tab, spec)).ms);
    await context.close();
  }
  result[name] = { cold_ms: cold, warm_ms: warm, scripts: [...new Set(scripts)] };
}
await browser.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
