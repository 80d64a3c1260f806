// remedy's static site in a real browser: Debian's Chromium driven by playwright-core, with
// axe-core. No test framework: each check is a function; the run ends with "N passed, N failed".
//
//   node tests/browser/site.test.mjs SITE_DIR                  every check on a built site
//   node tests/browser/site.test.mjs SITE_DIR --hostile        a hostile guide's site: axe, no
//                                                              outside request, nothing injected
//   … --screenshots DIR                                        also write site-guide.png and
//                                                              site-index.png into DIR
//
// CHROMIUM overrides the browser (default /usr/bin/chromium).

import { readdirSync, readFileSync, mkdirSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve("axe-core/axe.min.js");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

const args = process.argv.slice(2);
const siteArg = args.find((arg) => !arg.startsWith("--") && args[args.indexOf(arg) - 1] !== "--screenshots");
if (!siteArg || !existsSync(join(siteArg, "index.html"))) {
  console.error("usage: node site.test.mjs SITE_DIR [--hostile] [--screenshots DIR]; SITE_DIR must hold index.html");
  process.exit(2);
}
const site = resolve(siteArg);
const siteUrl = pathToFileURL(site).href + "/";
const hostile = args.includes("--hostile");
const shotsAt = args.indexOf("--screenshots");
const screenshots = shotsAt >= 0 ? resolve(args[shotsAt + 1] ?? "") : null;

const pages = readdirSync(site).filter((name) => name.endsWith(".html")).sort();
const guidePages = pages.filter((name) => name !== "index.html");

let passed = 0;
let failed = 0;

async function check(name, body) {
  try {
    await body();
    passed += 1;
    console.log(`ok ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAILED ${name}\n  ${String(error && error.stack ? error.message : error).replace(/\n/g, "\n  ")}`);
  }
}

function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: process.getuid && process.getuid() === 0 ? ["--no-sandbox"] : [],
});

// Every request any page makes, by page: anything outside the site folder is a failure.
const outside = [];
async function newContext(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, ...options });
  context.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(siteUrl) && !url.startsWith("data:") && url !== "about:blank") {
      outside.push(url);
    }
  });
  return context;
}

async function open(context, name, hash = "") {
  const page = await context.newPage();
  const dialogs = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  page.dialogs = dialogs;
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.errors = errors;
  await page.goto(siteUrl + name + hash, { waitUntil: "load" });
  return page;
}

async function axe(page) {
  await page.addScriptTag({ content: readFileSync(AXE_PATH, "utf8") });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
    AXE_TAGS,
  );
  return result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("\n    ")}`,
  );
}

const context = await newContext();

for (const scheme of ["light", "dark"]) {
  for (const name of pages) {
    await check(`axe finds no WCAG 2.2 A/AA violation on ${name} (${scheme})`, async () => {
      const page = await open(context, name);
      await page.emulateMedia({ colorScheme: scheme });
      const violations = await axe(page);
      await page.close();
      assert(violations.length === 0, violations.join("\n"));
    });
  }
}

await check("every page declares its language on <html>", async () => {
  for (const name of pages) {
    const page = await open(context, name);
    const lang = await page.evaluate(() => document.documentElement.lang);
    await page.close();
    assert(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(lang), `${name}: lang="${lang}"`);
  }
});

await check("no script error on any page", async () => {
  const errors = [];
  for (const name of pages) {
    const page = await open(context, name);
    await page.waitForTimeout(50);
    errors.push(...page.errors.map((e) => `${name}: ${e}`));
    await page.close();
  }
  assert(errors.length === 0, errors.join("\n"));
});

if (hostile) {
  await check("guide text shows as text: nothing it holds runs or becomes markup", async () => {
    for (const name of pages) {
      const page = await open(context, name);
      await page.waitForTimeout(100);
      const state = await page.evaluate(() => ({
        pwned: window.__pwned === true,
        // Only the site's own scripts: search-index.js and site.js.
        scripts: [...document.scripts].map((s) => s.getAttribute("src")),
        handlers: [...document.querySelectorAll("*")].some((el) => [...el.attributes].some((a) => /^on/i.test(a.name))),
        javascriptLinks: [...document.querySelectorAll("a[href]")].filter((a) => /^\s*(javascript|data|vbscript):/i.test(a.getAttribute("href"))).length,
        text: document.body.innerText,
      }));
      // Clicking every link would also run a `javascript:` one: there must be none to click.
      await page.close();
      assert(!state.pwned, `${name}: a script from the guide ran`);
      assert(page.dialogs.length === 0, `${name}: a dialog opened: ${page.dialogs.join(", ")}`);
      assert(state.scripts.every((src) => src === "site.js" || src === "search-index.js"), `${name}: scripts ${state.scripts}`);
      assert(!state.handlers, `${name}: an element has an on… attribute`);
      assert(state.javascriptLinks === 0, `${name}: ${state.javascriptLinks} javascript:/data: links`);
      if (name !== "index.html") {
        assert(state.text.includes("<script>"), `${name}: the text "<script>" is not shown as text`);
      }
    }
  });
  await check("searching a hostile word shows it as text", async () => {
    const page = await open(context, "index.html");
    await page.fill("#search_input", "script");
    await page.waitForTimeout(50);
    const state = await page.evaluate(() => ({
      pwned: window.__pwned === true,
      results: document.querySelectorAll("#search_results > li").length,
      injected: document.querySelectorAll("#search_results script, #search_results img, #search_results b").length,
    }));
    await page.close();
    assert(!state.pwned && page.dialogs.length === 0, "a script from the guide ran");
    assert(state.results > 0, "the hostile guide is not found by a word of its text");
    assert(state.injected === 0, "guide text became elements in the results");
  });
} else {
  await check("search finds each guide by a word from its steps", async () => {
    const page = await open(context, "index.html");
    assert(await page.isVisible("#search_input"), "the search box is not shown");
    const index = await page.evaluate(() => self.remedySearchIndex);
    assert(index && index.guides.length === guidePages.length, "the search index does not hold every guide");
    for (const guide of index.guides) {
      // A word from the steps of the guide's last method that its title and summary lack, so
      // that only the steps can have found it.
      const guidePage = await open(context, guide.url);
      const stepWords = await guidePage.evaluate(() =>
        [...document.querySelectorAll("section.method:last-of-type ol.steps .step-text p")].map((p) => p.textContent).join(" "),
      );
      await guidePage.close();
      const known = (guide.title + " " + guide.summary + " " + guide.about).toLowerCase();
      const word = stepWords
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .find((w) => w.length >= 5 && !known.includes(w));
      assert(word, `${guide.url}: no step word to search for`);
      await page.fill("#search_input", word);
      const found = await page.$$eval("#search_results > li > a", (links) => links.map((a) => a.getAttribute("href")));
      assert(found.includes(guide.url), `searching "${word}" did not find ${guide.url} (found ${found.join(", ") || "nothing"})`);
      const status = await page.textContent("#search_status");
      assert(/found/.test(status), `the search status says "${status}"`);
    }
    // A whole title, punctuation and all ("Wi-Fi", "iPhone's"), finds its guide first.
    for (const guide of index.guides) {
      await page.fill("#search_input", guide.title);
      const first = await page.$eval("#search_results > li > a", (a) => a.getAttribute("href")).catch(() => null);
      assert(first === guide.url, `searching the title "${guide.title}" found ${first} first`);
    }
    await page.fill("#search_input", "zzqqxxnotaword");
    const none = await page.$$eval("#search_results > li", (items) => items.length);
    const status = await page.textContent("#search_status");
    assert(none === 0 && /No guide/.test(status), `a word in no guide: ${none} results, "${status}"`);
    await page.close();
  });

  await check("search results link to the guide and the method that matched", async () => {
    const page = await open(context, "index.html");
    const index = await page.evaluate(() => self.remedySearchIndex);
    const guide = index.guides[0];
    const section = guide.sections[guide.sections.length - 1];
    await page.fill("#search_input", section.title);
    const links = await page.$$eval("#search_results a", (as) => as.map((a) => a.getAttribute("href")));
    await page.close();
    assert(links.includes(`${guide.url}#${section.anchor}`), `no link to ${guide.url}#${section.anchor}: ${links}`);
  });

  for (const name of guidePages) {
    await check(`${name}: a "did this fix it?" prompt per method; no jumps to the next, yes is done`, async () => {
      const page = await open(context, name);
      const methods = await page.$$eval("section.method", (sections) => sections.map((s) => s.id));
      const prompts = await page.$$("section.method .fix-prompt");
      assert(methods.length > 0, "no method");
      assert(prompts.length === methods.length, `${prompts.length} prompts for ${methods.length} methods`);
      for (let i = 0; i < methods.length; i += 1) {
        const prompt = page.locator(`section.method#${methods[i]} .fix-prompt`);
        assert(/Did this fix it\?/.test(await prompt.locator("h4").textContent()), "no question");
        const no = prompt.locator("button[data-answer=no]");
        assert(await no.isVisible(), `method ${methods[i]}: the answers are not shown`);
        await no.click();
        if (i + 1 < methods.length) {
          const state = await page.evaluate(() => ({
            hash: location.hash,
            focus: document.activeElement && document.activeElement.closest("section.method")?.id,
          }));
          assert(state.hash === `#${methods[i + 1]}`, `no after ${methods[i]}: hash ${state.hash}`);
          assert(state.focus === methods[i + 1], `no after ${methods[i]}: focus in ${state.focus}`);
        } else {
          const said = await prompt.locator(".fix-result").textContent();
          assert(/last method/.test(said), `no after the last method says "${said}"`);
        }
      }
      const first = page.locator(`section.method#${methods[0]} .fix-prompt`);
      await first.locator("button[data-answer=yes]").click();
      const said = await first.locator(".fix-result").textContent();
      assert(/fixed/.test(said) && /done/.test(said), `yes says "${said}"`);
      await page.close();
    });

    await check(`${name}: "where to start" answers jump to their method`, async () => {
      const page = await open(context, name);
      const links = await page.$$eval(".scenarios a[href^='#']", (as) => as.map((a) => a.getAttribute("href")));
      for (const href of links) {
        await page.click(`.scenarios a[href='${href}']`);
        // The page scrolls smoothly unless the reader asked for reduced motion: wait for it.
        await page
          .waitForFunction(() => Math.abs(document.getElementById(location.hash.slice(1))?.getBoundingClientRect().top ?? 1e9) < 900, null, { timeout: 3000 })
          .catch(() => {});
        const state = await page.evaluate(() => ({
          hash: location.hash,
          focus: document.activeElement && document.activeElement.closest("section.method")?.id,
          top: document.getElementById(location.hash.slice(1)).getBoundingClientRect().top,
        }));
        assert(state.hash === href, `clicked ${href}: hash ${state.hash}`);
        assert(`#${state.focus}` === href, `clicked ${href}: focus in ${state.focus}`);
        assert(Math.abs(state.top) < 900, `clicked ${href}: the method is not in view (top ${state.top})`);
      }
      await page.close();
    });

    await check(`${name}: step check-boxes survive a reload`, async () => {
      const page = await open(context, name);
      const boxes = await page.$$eval("input.done", (inputs) => inputs.map((i) => i.id));
      assert(boxes.length >= 2, `${boxes.length} check-boxes`);
      const steps = await page.$$eval("ol.steps > li", (items) => items.length);
      assert(boxes.length === steps, `${boxes.length} check-boxes for ${steps} steps`);
      await page.check(`#${boxes[0]}`);
      await page.check(`#${boxes[boxes.length - 1]}`);
      await page.reload({ waitUntil: "load" });
      const checked = await page.$$eval("input.done", (inputs) => inputs.filter((i) => i.checked).map((i) => i.id));
      assert(checked.length === 2 && checked[0] === boxes[0] && checked[1] === boxes[boxes.length - 1], `after a reload: ${checked}`);
      await page.uncheck(`#${boxes[0]}`);
      await page.uncheck(`#${boxes[boxes.length - 1]}`);
      await page.reload({ waitUntil: "load" });
      const after = await page.$$eval("input.done:checked", (inputs) => inputs.length);
      assert(after === 0, `${after} still checked after unticking`);
      await page.close();
    });
  }

  await check("keyboard: the skip link comes first, shows, and leads to the content; focus is visible", async () => {
    const page = await open(context, guidePages[0]);
    await page.keyboard.press("Tab");
    const skip = await page.evaluate(() => {
      const el = document.activeElement;
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return { cls: el.className, href: el.getAttribute("href"), top: box.top, height: box.height, outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    });
    assert(skip.cls === "skip", `the first Tab stop is ${skip.cls}`);
    assert(skip.top >= 0 && skip.height > 0, `the focused skip link is not in view (top ${skip.top})`);
    assert(skip.outline !== "none" && skip.width >= 2, `no visible focus on the skip link (${skip.outline} ${skip.width}px)`);
    await page.keyboard.press("Enter");
    const afterSkip = await page.evaluate(() => document.activeElement.id || document.activeElement.tagName);
    assert(afterSkip === "main_content", `Enter on the skip link focused ${afterSkip}`);
    // Walk the page by Tab: every stop shows a focus ring.
    const unmarked = [];
    for (let i = 0; i < 25; i += 1) {
      await page.keyboard.press("Tab");
      const stop = await page.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return { what: el.tagName + (el.id ? "#" + el.id : ""), visible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2 };
      });
      if (!stop.visible) {
        unmarked.push(stop.what);
      }
    }
    await page.close();
    assert(unmarked.length === 0, `no visible focus on ${unmarked.join(", ")}`);
  });

  await check("keyboard: a step is ticked and a method answered with keys alone", async () => {
    const page = await open(context, guidePages[0]);
    await page.focus("input.done");
    await page.keyboard.press("Space");
    assert(await page.isChecked("input.done"), "Space did not tick the step");
    await page.keyboard.press("Space");
    const methods = await page.$$eval("section.method", (s) => s.map((x) => x.id));
    if (methods.length > 1) {
      await page.focus(`section.method#${methods[0]} button[data-answer=no]`);
      await page.keyboard.press("Enter");
      const focus = await page.evaluate(() => document.activeElement.closest("section.method")?.id);
      assert(focus === methods[1], `Enter on "no" left the focus in ${focus}`);
    }
    await page.close();
  });

  await check("without script every step, the prompt and its link to the next method are there", async () => {
    const noScript = await newContext({ javaScriptEnabled: false });
    for (const name of guidePages) {
      const page = await open(noScript, name);
      const state = await page.evaluate(() => ({
        steps: document.querySelectorAll("ol.steps > li").length,
        methods: document.querySelectorAll("section.method").length,
        statics: [...document.querySelectorAll(".fix-static")].filter((p) => p.offsetParent !== null).length,
        nextLinks: document.querySelectorAll(".fix-static a[href^='#']").length,
        answersShown: [...document.querySelectorAll(".fix-answers")].filter((p) => p.offsetParent !== null).length,
      }));
      await page.close();
      assert(state.steps > 0, `${name}: no steps`);
      assert(state.statics === state.methods, `${name}: ${state.statics} prompts shown for ${state.methods} methods`);
      assert(state.nextLinks === state.methods - 1, `${name}: ${state.nextLinks} links to a next method`);
      assert(state.answersShown === 0, `${name}: buttons that need the script are shown without it`);
    }
    const index = await open(noScript, "index.html");
    const listed = await index.$$eval(".guide-list > li > a", (as) => as.length);
    const searchShown = await index.isVisible("form.search");
    await index.close();
    await noScript.close();
    assert(listed === guidePages.length, `the index lists ${listed} of ${guidePages.length} guides`);
    assert(!searchShown, "the search box is shown without the script that makes it work");
  });

  await check("every link inside the site leads to a page and an element that exist", async () => {
    const ids = {};
    const links = [];
    for (const name of pages) {
      const page = await open(context, name);
      const state = await page.evaluate(() => ({
        ids: [...document.querySelectorAll("[id]")].map((el) => el.id),
        hrefs: [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")),
      }));
      await page.close();
      ids[name] = new Set(state.ids);
      for (const href of state.hrefs) {
        if (!/^(https?|mailto):/i.test(href)) {
          links.push([name, href]);
        }
      }
    }
    const broken = links.filter(([from, href]) => {
      const [file, hash] = href.split("#");
      const target = file === "" ? from : decodeURIComponent(file);
      return !ids[target] || (hash !== undefined && hash !== "" && !ids[target].has(decodeURIComponent(hash)));
    });
    assert(links.length > 0, "no link inside the site");
    assert(broken.length === 0, broken.map(([from, href]) => `${from} -> ${href}`).join("\n"));
  });

  await check("printed, a page keeps every step and warning and drops what only works on screen", async () => {
    const page = await open(context, guidePages[0]);
    await page.emulateMedia({ media: "print" });
    const state = await page.evaluate(() => {
      const shown = (selector) => [...document.querySelectorAll(selector)].filter((el) => el.offsetParent !== null).length;
      return {
        steps: document.querySelectorAll("ol.steps > li").length,
        stepsShown: shown("ol.steps > li .step-text"),
        warnings: document.querySelectorAll(".warning").length,
        warningsShown: shown(".warning"),
        onScreenOnly: shown(".fix-prompt") + shown(".skip:focus") + shown(".site-header") + shown(".toc"),
      };
    });
    await page.close();
    assert(state.steps > 0 && state.stepsShown === state.steps, `${state.stepsShown} of ${state.steps} steps printed`);
    assert(state.warningsShown === state.warnings, `${state.warningsShown} of ${state.warnings} warnings printed`);
    assert(state.onScreenOnly === 0, `${state.onScreenOnly} screen-only elements printed`);
  });

  await check("pictures load from the site itself", async () => {
    for (const name of guidePages) {
      const page = await open(context, name);
      await page.evaluate(() => Promise.all([...document.images].map((img) => { img.loading = "eager"; return img.decode().catch(() => null); })));
      const broken = await page.$$eval("img", (imgs) => imgs.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.getAttribute("src")));
      await page.close();
      assert(broken.length === 0, `${name}: pictures that did not load: ${broken.join(", ")}`);
    }
  });

  if (screenshots) {
    await check(`screenshots of a guide page and the index in ${screenshots}`, async () => {
      mkdirSync(screenshots, { recursive: true });
      const shots = await newContext({ viewport: { width: 1000, height: 1100 }, deviceScaleFactor: 1, reducedMotion: "reduce" });
      const guide = await open(shots, guidePages[0], "");
      await guide.evaluate(() => document.querySelector("section.method")?.scrollIntoView());
      await guide.evaluate(() => window.scrollBy(0, -20));
      await guide.screenshot({ path: join(screenshots, "site-guide.png") });
      await guide.close();
      const index = await open(shots, "index.html");
      await index.fill("#search_input", "restart");
      await index.screenshot({ path: join(screenshots, "site-index.png") });
      await index.close();
      await shots.close();
    });
  }
}

await check("nothing was requested from outside the site", async () => {
  assert(outside.length === 0, [...new Set(outside)].join("\n"));
});

await context.close();
await browser.close();
console.log(`\nsite in Chromium: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
