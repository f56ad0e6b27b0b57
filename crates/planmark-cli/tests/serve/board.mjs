// Drives `planmark serve` as a user would, in Debian's Chromium.
// Usage: node board.mjs URL CHROMIUM PLAN_FILE SHOTS_DIR
// Exits non-zero with a message when something a user relies on fails.
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";

const [url, executablePath, planFile, shots] = process.argv.slice(2);
const base = new URL(url);
const problems = [];
const fail = (msg) => {
  throw new Error(msg);
};
const read = () => fs.readFileSync(planFile, "utf8");
const until = async (what, ok, ms) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  fail(`${what} did not happen within ${ms} ms`);
};
// The plan's text with one line changed, and nothing else.
const oneLine = (before, after, from, to) => {
  const a = before.split("\n"), b = after.split("\n");
  if (a.length !== b.length) return false;
  const changed = a.map((l, i) => [l, b[i]]).filter(([x, y]) => x !== y);
  return changed.length === 1 && changed[0][0].includes(from) && changed[0][1].includes(to);
};

const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
});
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  // Nothing leaves the machine: any request to another host is a failure.
  await context.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.host !== base.host) {
      problems.push(`request to another host: ${u.href}`);
      return route.abort();
    }
    return route.continue();
  });
  const page = await context.newPage();
  const watch = (p, name) => {
    p.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${name}: console ${m.type()}: ${m.text()}`);
    });
    p.on("pageerror", (e) => problems.push(`${name}: page error: ${e.message}`));
  };
  watch(page, "main");

  // Every page, looked at: a screenshot each, light and dark.
  for (const [name, p] of [
    ["overview", "/"],
    ["board", "/board"],
    ["timeline", "/timeline"],
    ["findings", "/findings"],
    ["task", "/task?plan=csv-importer-guide.md&id=2.2"],
  ]) {
    const res = await page.goto(new URL(p, base).href);
    if (res.status() !== 200) fail(`${p}: ${res.status()}`);
    await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto(new URL("/board", base).href);
  await page.screenshot({ path: path.join(shots, "board-dark.png"), fullPage: true });
  await page.emulateMedia({ colorScheme: "light" });

  // 1. Drag a card to Done: the file changes by exactly that checkbox.
  //    (One plan's board, so that the card and the column are in view.)
  await page.goto(new URL("/board?plan=csv-importer-guide.md", base).href);
  await page.waitForSelector("#live:has-text('live')");
  let before = read();
  const mine = '[data-plan="csv-importer-guide.md"]';
  const card = `article.card${mine}[data-id="3.1"]`;
  await page.dragAndDrop(card, 'section.column[data-status="done"]');
  await until("the drag's write", () => read() !== before, 3000);
  if (!oneLine(before, read(), "- [ ] Task 3.1:", "- [x] Task 3.1:")) fail(`drag changed more than the checkbox:\n${read()}`);
  await page.waitForSelector(`section.column[data-status="done"] ${card}`, { timeout: 2000 });

  // 2. Keyboard only: Tab to a card's menu, open it, pick "in progress".
  before = read();
  const target = `article.card${mine}[data-id="3.3"] summary`;
  let found = false;
  for (let i = 0; i < 200 && !found; i++) {
    await page.keyboard.press("Tab");
    found = await page.evaluate((sel) => document.activeElement === document.querySelector(sel), target);
  }
  if (!found) fail("Tab never reached the card's menu");
  // The menu offers the other statuses; from todo, "in progress" comes first.
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  const label = await page.evaluate(() => document.activeElement.textContent);
  if (label !== "in progress") fail(`the menu's first choice is ${label}`);
  await page.keyboard.press("Enter");
  await until("the keyboard's write", () => read() !== before, 3000);
  if (!oneLine(before, read(), "- [ ] Task 3.3:", "- [~] Task 3.3:")) fail(`keyboard change was not just 3.3's box:\n${read()}`);
  await page.waitForSelector(`section.column[data-status="in_progress"] article.card${mine}[data-id="3.3"]`, { timeout: 2000 });

  // 3. An edit on disk reaches the open page within 2 s, keeping the filters.
  await page.goto(new URL("/board?owner=lee", base).href);
  await page.waitForSelector("#live:has-text('live')");
  await page.evaluate(() => window.scrollTo(0, 40));
  fs.writeFileSync(planFile, read().replace("Docs and merchant help article", "Docs and merchant help centre article"));
  const t0 = Date.now();
  await page.waitForSelector("text=Docs and merchant help centre article", { timeout: 2000 });
  const shown = Date.now() - t0;
  if (!page.url().includes("owner=lee")) fail("the filter was lost");
  if ((await page.locator("article.card").count()) !== 1) fail("the owner filter no longer applies after the update");
  await page.screenshot({ path: path.join(shots, "board-live.png"), fullPage: true });

  // 4. A change against a task edited on disk meanwhile: the conflict is
  //    shown and nothing is lost. Live updates are held back on this page
  //    so that it keeps what it showed.
  const stale = await context.newPage();
  watch(stale, "stale");
  await stale.route("**/events", (r) => r.abort());
  await stale.goto(new URL("/task?plan=csv-importer-guide.md&id=2.3", base).href);
  await stale.fill('input[name="owner"]', "@lee");
  const edited = read().replace("Apply job with batching and retries (3d)", "Apply job with batching and retries (4d)");
  fs.writeFileSync(planFile, edited);
  await stale.click('form[action="/api/set"] button');
  await stale.waitForSelector("#notice:not([hidden])", { timeout: 3000 });
  const said = await stale.textContent("#notice");
  if (!/changed on disk/.test(said)) fail(`the conflict was not explained: ${said}`);
  if (read() !== edited) fail("the edit made on disk was overwritten");
  await stale.screenshot({ path: path.join(shots, "conflict.png"), fullPage: true });
  // On this page, the browser's own log lines for the refused request (a
  // 409 is what the server answers a conflict) and for the event stream
  // the test cut are expected; nothing else is.
  for (let i = problems.length - 1; i >= 0; i--) {
    if (problems[i].startsWith("stale:") && /status of 409|ERR_FAILED/.test(problems[i])) problems.splice(i, 1);
  }

  // Printing works.
  await page.emulateMedia({ media: "print" });
  await page.goto(new URL("/board", base).href);
  await page.pdf({ path: path.join(shots, "board.pdf") });

  if (problems.length) fail(problems.join("\n"));
  console.log(JSON.stringify({ ok: true, live_ms: shown }));
} finally {
  await browser.close();
}
