// Opens narrate's generated website in a real headless Chromium and prints, as JSON, what
// narrate's tests check (the tests decide what is right; this only looks and clicks).
// Usage: node site.mjs SITE_URL EPISODE_PAGE SCREENSHOT_FILE DISK_URL
//   SITE_URL: the served folder ("http://127.0.0.1:PORT/"); DISK_URL: the same folder as file://
import sparticuz from "@sparticuz/chromium";
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const [siteUrl, episodePage, screenshotFile, diskUrl] = process.argv.slice(2);
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TIMEOUT = 20_000;

// The packaged Chromium's Lambda flags, less the two that would hide cross-origin mistakes.
const lax = new Set(["--disable-web-security", "--allow-running-insecure-content"]);
const browser = await chromium.launch({
  executablePath: await sparticuz.executablePath(),
  args: sparticuz.args.filter((arg) => !lax.has(arg)),
  headless: true,
});
const report = { requests: [], consoleErrors: [], failedRequests: [] };
try {
  const context = await browser.newContext({ viewport: { width: 960, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(siteUrl).origin });
  report.episode = await checkEpisode(await watched(context), siteUrl + episodePage);
  report.index = await checkIndex(await watched(context), siteUrl);
  report.fromDisk = await checkFromDisk(await context.newPage(), diskUrl + episodePage);
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));

async function watched(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on("console", (message) => {
    if (message.type() === "error") report.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => report.consoleErrors.push(String(error)));
  page.on("request", (request) => report.requests.push(request.url()));
  page.on("requestfailed", (request) => {
    const reason = request.failure()?.errorText ?? "";
    // a media request is aborted once the player has read what it needs: that is normal
    if (request.resourceType() === "media" && reason.includes("ERR_ABORTED")) return;
    report.failedRequests.push(`${request.url()} ${reason}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) report.failedRequests.push(`${response.url()} ${response.status()}`);
  });
  return page;
}

async function checkEpisode(page, url) {
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => document.getElementById("player").readyState >= 1);
  const seen = {};
  seen.duration = await page.evaluate(() => document.getElementById("player").duration);
  seen.heading = await page.evaluate(() => {
    const h1 = document.querySelector("h1");
    return { text: h1.textContent, elementsInside: h1.querySelectorAll("*").length, dir: h1.dir };
  });
  seen.documentTitle = await page.title();
  seen.scripts = await page.evaluate(() => document.scripts.length);
  seen.chapters = await page.$$eval(".chapter", (items) =>
    items.map((item) => ({ text: item.textContent, start: Number(item.dataset.start) })));
  seen.transcript = await page.$$eval(".cue", (items) => items.map((item) => item.textContent));
  // Chromium's own reading of the VTT, through the player's captions track.
  seen.trackCues = await page.evaluate(async () => {
    const track = document.querySelector("track");
    track.track.mode = "hidden";
    const until = Date.now() + 10_000;
    while (track.readyState < 2 && Date.now() < until) await new Promise((done) => setTimeout(done, 50));
    if (track.readyState !== 2) return [];  // 3: the VTT failed to load or parse
    return [...track.track.cues].map((cue) => ({ start: cue.startTime, end: cue.endTime, text: cue.getCueAsHTML().textContent }));
  });

  // A click on chapter 3 seeks the player there and highlights it.
  // The player's time once it has seeked (null if it never does).
  const seeked = () => page.evaluate(() => new Promise((done) => {
    const player = document.getElementById("player");
    player.addEventListener("seeked", () => done(player.currentTime), { once: true });
    setTimeout(() => done(null), 5000);
  }));
  let landed = seeked();
  await page.locator(".chapter").nth(2).click();
  seen.chapterClick = { currentTime: await landed, highlighted: await highlighted(page, ".chapter") };
  await pause(page);

  // Keyboard only: Tab to the first chapter, Tab once more, Enter.
  for (let presses = 0; presses < 40; presses += 1) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement.classList.contains("chapter"))) break;
  }
  await page.keyboard.press("Tab");
  landed = seeked();
  await page.keyboard.press("Enter");
  seen.chapterKey = { currentTime: await landed, highlighted: await highlighted(page, ".chapter") };
  await pause(page);

  // Playing (muted) from just before the last cue: the transcript follows the voice.
  const last = seen.trackCues.at(-1) ?? { start: 0 };
  seen.playback = await page.evaluate(async ({ start, timeout }) => {
    const player = document.getElementById("player");
    const track = document.querySelector("track").track;
    const box = document.querySelector(".transcript");
    player.muted = true;
    player.currentTime = Math.max(0, start - 0.6);
    await new Promise((done) => player.addEventListener("seeked", done, { once: true }));
    const from = player.currentTime;
    await player.play();
    const until = Date.now() + timeout;
    while (Date.now() < until && !(track.activeCues.length && player.currentTime > start + 0.3)) {
      await new Promise((done) => setTimeout(done, 50));
    }
    player.pause();
    await new Promise((done) => setTimeout(done, 300)); // let the page react to the last update
    const now = document.querySelector('.cue[aria-current="true"]');
    const active = track.activeCues[0];
    const inBox = (element) => {
      const outer = box.getBoundingClientRect();
      const inner = element.getBoundingClientRect();
      return inner.top >= outer.top - 1 && inner.bottom <= outer.bottom + 1;
    };
    return {
      from,
      currentTime: player.currentTime,
      activeCue: active ? { start: active.startTime, text: active.getCueAsHTML().textContent } : null,
      highlightedStart: now ? Number(now.dataset.start) : null,
      highlightedText: now ? now.textContent : null,
      highlightedCount: document.querySelectorAll('.cue[aria-current="true"]').length,
      transcriptScrolls: box.scrollHeight > box.clientHeight,
      transcriptScrollTop: box.scrollTop,
      highlightedInView: now ? inBox(now) : false,
    };
  }, { start: last.start, timeout: TIMEOUT - 5000 });

  await page.evaluate(() => document.activeElement.blur());
  await page.screenshot({ path: screenshotFile, fullPage: true });
  seen.axe = await axe(page);
  seen.phone = await phoneWidth(page);
  return seen;
}

async function checkIndex(page, url) {
  await page.goto(url, { waitUntil: "load" });
  const seen = {};
  seen.heading = await page.evaluate(() => document.querySelector("h1").textContent);
  seen.feeds = await page.$$eval('link[rel="alternate"]', (links) =>
    links.map((link) => ({ type: link.type, href: link.href, title: link.title })));
  seen.episodes = await page.$$eval(".episodes h3 a", (links) =>
    links.map((link) => ({ text: link.textContent, href: link.getAttribute("href") })));
  seen.cover = await page.evaluate(() => {
    const image = document.querySelector("img.cover");
    return { loaded: image.complete && image.naturalWidth > 0, alt: image.alt };
  });
  await page.getByRole("button", { name: "Copy" }).click();
  await page.waitForFunction(() => document.getElementById("copy-status").textContent !== "");
  seen.copied = await page.evaluate(() => navigator.clipboard.readText());
  seen.copyStatus = await page.evaluate(() => document.getElementById("copy-status").textContent);
  seen.axe = await axe(page);
  seen.phone = await phoneWidth(page);
  return seen;
}

async function checkFromDisk(page, url) {
  // Opened straight from disk: the relative links to the CSS, JS and audio still work.
  const errors = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("requestfailed", (request) => errors.push(`${request.url()} ${request.failure()?.errorText}`));
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => document.getElementById("player").readyState >= 1);
  await page.locator(".chapter").nth(1).click();
  return {
    styled: await page.evaluate(() => getComputedStyle(document.body).maxWidth !== "none"),
    duration: await page.evaluate(() => document.getElementById("player").duration),
    highlighted: await highlighted(page, ".chapter"),
    errors,
  };
}

async function highlighted(page, selector) {
  return page.$$eval(selector, (items) =>
    items.flatMap((item, index) => (item.getAttribute("aria-current") === "true" ? [index] : [])));
}

async function pause(page) {
  await page.evaluate(() => document.getElementById("player").pause());
}

async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const results = await window.axe.run(document, { resultTypes: ["violations"] });
    return results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
  });
}

async function phoneWidth(page) {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.waitForTimeout(100);
  const widths = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  await page.setViewportSize({ width: 960, height: 900 });
  return widths;
}
