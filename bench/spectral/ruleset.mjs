// A Spectral ruleset that checks, as far as Spectral can, what `remedy lint` checks: the peer in
// `cargo xtask bench --peers` (xtask/src/bench/peers.rs). Written for the bench, not for writers:
// it approximates each rule's core condition, with messages much shorter than remedy's.
//
// The bench sets two variables: REMEDY_GUIDE_SCHEMA (schemas/guide.schema.json) and REMEDY_GUIDES
// (the content root, read once per process for the cross-guide rules, as remedy's index is).
//
// The rules' names are remedy's; the bench report lists the `RULES` table (bottom) and the rules
// it lacks. Those are not expressed here: `yaml-syntax` and `io-error` are Spectral's own parse
// and read errors; `unused-suppression` and `unjustified-suppression` read `# remedy: ignore`
// comments, which Spectral never sees; `unsupported-markup` needs a CommonMark parser;
// `stale-review` is off by default in remedy too.

import { readFileSync, readdirSync, statSync, openSync, readSync, closeSync } from "fs";
import { basename, dirname, extname, join, resolve } from "path";
import { schema } from "@stoplight/spectral-functions";
import { Yaml } from "@stoplight/spectral-parsers";

const guideSchema = JSON.parse(readFileSync(process.env.REMEDY_GUIDE_SCHEMA, "utf8"));

// ---------------------------------------------------------------------------------------------
// Walking a guide.

const list = (value) => (Array.isArray(value) ? value : []);
const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

/** Every step of a method in reading order, with its path and depth (1 = top level). */
function steps(method, methodPath) {
  const out = [];
  const visit = (items, path, depth) => {
    list(items).forEach((step, i) => {
      if (!isObject(step)) return;
      const here = [...path, i];
      out.push({ step, path: here, depth });
      visit(step.steps, [...here, "steps"], depth + 1);
    });
  };
  visit(method.steps, [...methodPath, "steps"], 1);
  return out;
}

/** The methods with their paths. */
const methods = (guide) =>
  list(guide.methods)
    .map((method, i) => ({ method, path: ["methods", i] }))
    .filter(({ method }) => isObject(method));

/** Every id a guide declares, with its kind and path. */
function declarations(guide) {
  const out = [];
  list(guide.causes).forEach((cause, i) => {
    if (isObject(cause) && typeof cause.id === "string")
      out.push({ id: cause.id, kind: "cause", path: ["causes", i, "id"] });
  });
  for (const { method, path } of methods(guide)) {
    if (typeof method.id === "string") out.push({ id: method.id, kind: "method", path: [...path, "id"] });
    for (const { step, path: stepPath } of steps(method, path)) {
      if (typeof step.id === "string") out.push({ id: step.id, kind: "step", path: [...stepPath, "id"] });
    }
  }
  return out;
}

/** Every string in the guide with its path. */
function strings(value, path = [], out = []) {
  if (typeof value === "string") out.push({ text: value, path });
  else if (Array.isArray(value)) value.forEach((item, i) => strings(item, [...path, i], out));
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) strings(item, [...path, key], out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The cross-guide index: every guide under the content root, read once.

let index = null;

function yamlFiles(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    let isDirectory;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      continue; // a broken link: remedy's io-error, not the index's business
    }
    if (isDirectory) yamlFiles(path, out);
    else if (name.endsWith(".yaml") || name.endsWith(".yml")) out.push(path);
  }
  return out;
}

function crossIndex() {
  if (index) return index;
  index = { guides: new Map(), filesById: new Map(), filesByTitle: new Map() };
  for (const file of yamlFiles(resolve(process.env.REMEDY_GUIDES))) {
    let guide;
    try {
      guide = Yaml.parse(readFileSync(file, "utf8")).data;
    } catch {
      continue;
    }
    if (!isObject(guide) || typeof guide.id !== "string") continue;
    const ids = new Map(declarations(guide).map(({ id, kind }) => [id, kind]));
    index.guides.set(guide.id, ids);
    index.filesById.set(guide.id, [...(index.filesById.get(guide.id) ?? []), file]);
    if (typeof guide.title === "string")
      index.filesByTitle.set(guide.title, [...(index.filesByTitle.get(guide.title) ?? []), file]);
  }
  return index;
}

// ---------------------------------------------------------------------------------------------
// The rules, each a Spectral function on the whole document.

const at = (path, message) => ({ path, message });

function idMismatch(guide, _options, context) {
  const stem = basename(context.document.source, extname(context.document.source));
  return guide.id === stem ? [] : [at(["id"], `id \`${guide.id}\` differs from the file stem \`${stem}\``)];
}

function duplicateId(guide, _options, context) {
  const seen = new Set();
  const out = [];
  for (const { id, path } of declarations(guide)) {
    if (seen.has(id)) out.push(at(path, `the id \`${id}\` is used twice`));
    seen.add(id);
  }
  const files = crossIndex().filesById.get(guide.id) ?? [];
  if (files.length > 1 && files[0] !== resolve(context.document.source))
    out.push(at(["id"], `the guide id \`${guide.id}\` is also ${files[0]}'s`));
  return out;
}

function danglingReference(guide) {
  const { guides } = crossIndex();
  const own = new Map(declarations(guide).map(({ id, kind }) => [id, kind]));
  const out = [];
  const check = (reference, path, kinds, field) => {
    if (typeof reference !== "string") return;
    const hash = reference.indexOf("#");
    const ids = hash < 0 ? own : guides.get(reference.slice(0, hash));
    const id = hash < 0 ? reference : reference.slice(hash + 1);
    const kind = ids?.get(id);
    if (!kind || !kinds.includes(kind)) out.push(at(path, `\`${field}\` refers to \`${reference}\`, which is not there`));
  };
  for (const { method, path } of methods(guide)) {
    list(method.addresses).forEach((cause, i) => check(cause, [...path, "addresses", i], ["cause"], "addresses"));
    for (const { step, path: stepPath } of steps(method, path)) {
      const see = Array.isArray(step.see) ? step.see : step.see === undefined ? [] : [step.see];
      see.forEach((reference, i) => check(reference, [...stepPath, "see", i], ["method", "step"], "see"));
    }
  }
  list(guide.faq).forEach((entry, i) =>
    list(entry?.see).forEach((reference, j) => check(reference, ["faq", i, "see", j], ["method", "step"], "see")),
  );
  list(guide.scenarios).forEach((scenario, i) =>
    list(scenario?.try).forEach((reference, j) => check(reference, ["scenarios", i, "try", j], ["method"], "try")),
  );
  list(guide.related).forEach((entry, i) => {
    if (typeof entry === "string" && !guides.has(entry))
      out.push(at(["related", i], `\`related\` names \`${entry}\`, which is no guide`));
  });
  for (const { text, path } of strings(guide)) {
    for (const match of text.matchAll(/\]\(([^)\s]*)\)/g)) {
      const destination = match[1];
      if (destination.includes(":") || destination.startsWith("/")) continue;
      const hash = destination.indexOf("#");
      if (hash < 0) continue;
      const reference = hash === 0 ? destination.slice(1) : destination;
      check(reference, path, ["method", "step"], "link");
    }
  }
  return out;
}

function selfReference(guide) {
  const out = [];
  list(guide.related).forEach((entry, i) => {
    if (entry === guide.id) out.push(at(["related", i], "the guide lists itself in `related`"));
  });
  for (const { method, path } of methods(guide)) {
    for (const { step, path: stepPath } of steps(method, path)) {
      const see = Array.isArray(step.see) ? step.see : [step.see];
      if (step.id && see.some((s) => s === step.id || s === `${guide.id}#${step.id}`))
        out.push(at([...stepPath, "see"], "the step's `see` is itself"));
    }
  }
  return out;
}

function missingBackupWarning(guide) {
  const out = [];
  for (const { method, path } of methods(guide)) {
    let backedUp = false;
    for (const { step, path: stepPath } of steps(method, path)) {
      if (step.backup === true) backedUp = true;
      if (step.destructive === true && !backedUp)
        out.push(at([...stepPath, "destructive"], "a destructive step with no backup step before it"));
    }
    if (method.risk === "high" && !steps(method, path).some(({ step }) => step.backup === true))
      out.push(at([...path, "risk"], "a high-risk method with no backup step"));
  }
  return out;
}

function riskUnderstated(guide) {
  const out = [];
  for (const { method, path } of methods(guide)) {
    const all = steps(method, path);
    if ((method.risk === "very-low" || method.risk === "low") && all.some(({ step }) => step.destructive === true))
      out.push(at([...path, "risk"], `risk \`${method.risk}\` for a method with a destructive step`));
    else if (method.risk === "very-low" && all.some(({ step }) => step.resets === true))
      out.push(at([...path, "risk"], "risk `very-low` for a method with a reset step"));
  }
  return out;
}

function orphanCause(guide) {
  const addressed = new Set(methods(guide).flatMap(({ method }) => list(method.addresses)));
  return list(guide.causes)
    .map((cause, i) => ({ cause, i }))
    .filter(({ cause }) => isObject(cause) && !addressed.has(cause.id))
    .map(({ cause, i }) => at(["causes", i, "id"], `cause \`${cause.id}\` is addressed by no method`));
}

function methodWithoutCause(guide) {
  return methods(guide)
    .filter(({ method }) => list(method.addresses).length === 0)
    .map(({ path }) => at(path, "a method with no addresses"));
}

function missingProsCons(guide) {
  const out = [];
  for (const { method, path } of methods(guide)) {
    if (list(method.pros).length === 0) out.push(at(path, "a method without pros"));
    if (list(method.cons).length === 0) out.push(at(path, "a method without cons"));
  }
  return out;
}

function danglingStep(guide) {
  const out = [];
  for (const { method, path } of methods(guide)) {
    for (const { step, path: stepPath } of steps(method, path)) {
      const announces = typeof step.text === "string" && step.text.trimEnd().endsWith(":");
      if (Array.isArray(step.steps) && step.steps.length === 0)
        out.push(at([...stepPath, "steps"], "`steps: []`"));
      else if (announces && !step.steps && !step.code && !step.image)
        out.push(at([...stepPath, "text"], "the step announces sub-steps it does not have"));
    }
  }
  return out;
}

function deepNesting(guide) {
  return methods(guide).flatMap(({ method, path }) =>
    steps(method, path)
      .filter(({ depth }) => depth > 3)
      .map(({ path: stepPath }) => at(stepPath, "a step nested deeper than three levels")),
  );
}

function duplicateTitle(guide, _options, context) {
  const out = [];
  const titles = new Set();
  for (const { method, path } of methods(guide)) {
    if (titles.has(method.title)) out.push(at([...path, "title"], `two methods are called \`${method.title}\``));
    titles.add(method.title);
  }
  const files = crossIndex().filesByTitle.get(guide.title) ?? [];
  if (files.length > 1 && files[0] !== resolve(context.document.source))
    out.push(at(["title"], `${files[0]} has the same title`));
  return out;
}

function futureDate(guide) {
  if (typeof guide.updated !== "string") return [];
  const updated = Date.parse(`${guide.updated}T00:00:00Z`) / 86_400_000;
  const today = Math.floor(Date.now() / 86_400_000);
  return updated > today + 1 ? [at(["updated"], `\`updated\` is ${guide.updated}, after today`)] : [];
}

function invalidTimeRange(guide) {
  return methods(guide)
    .filter(({ method }) => isObject(method.time) && method.time.min > method.time.max)
    .map(({ path }) => at([...path, "time"], "`time.min` is greater than `time.max`"));
}

const NUMBERED = /^\s*(\d+[.)]|[a-z][.)]|step\s+\d+\s*[:.]?)\s/i;

function manualNumbering(guide) {
  return methods(guide).flatMap(({ method, path }) =>
    steps(method, path)
      .filter(({ step }) => typeof step.text === "string" && NUMBERED.test(step.text))
      .map(({ path: stepPath }) => at([...stepPath, "text"], "the step text starts with its own number")),
  );
}

const PLACEHOLDER = /\b(TODO|TBD|FIXME)\b|lorem ipsum/i;

function placeholderText(guide) {
  return strings(guide)
    .filter(({ text }) => PLACEHOLDER.test(text))
    .map(({ path }) => at(path, "placeholder text"));
}

const DESTRUCTIVE =
  /\b(erase|wipe|delete|uninstall|discard|overwrite|factory|format)\b|\bremove\b.*\bfrom\b|\b(sign|log)\s+out\b|\b(turn|switch|disable)\b.*\boff\b|\bempty\b.*\btrash\b|\breset\b/i;

function undeclaredDestructive(guide) {
  return methods(guide).flatMap(({ method, path }) =>
    steps(method, path)
      .filter(({ step }) => step.destructive === undefined && step.backup !== true && step.resets !== true)
      .filter(({ step }) => typeof step.text === "string" && DESTRUCTIVE.test(step.text))
      .map(({ path: stepPath }) => at([...stepPath, "text"], "the step reads as destructive")),
  );
}

function unknownPlatform(guide) {
  const out = [];
  const guidePlatforms = list(guide.platforms);
  for (const { method, path } of methods(guide)) {
    list(method.platforms).forEach((platform, i) => {
      if (!guidePlatforms.includes(platform))
        out.push(at([...path, "platforms", i], `platform \`${platform}\` is not the guide's`));
    });
    const allowed = method.platforms ? list(method.platforms) : guidePlatforms;
    for (const { step, path: stepPath } of steps(method, path)) {
      list(step.platforms).forEach((platform, i) => {
        if (!allowed.includes(platform))
          out.push(at([...stepPath, "platforms", i], `platform \`${platform}\` is not the method's`));
      });
    }
  }
  return out;
}

/** The images a guide shows, with their paths. */
function images(guide) {
  const out = [];
  for (const { method, path } of methods(guide)) {
    if (isObject(method.image)) out.push({ image: method.image, path: [...path, "image"] });
    for (const { step, path: stepPath } of steps(method, path))
      if (isObject(step.image)) out.push({ image: step.image, path: [...stepPath, "image"] });
  }
  return out;
}

function imageAltText(guide) {
  return images(guide)
    .filter(({ image }) => {
      const alt = typeof image.alt === "string" ? image.alt.trim() : "";
      const file = typeof image.src === "string" ? basename(image.src) : "";
      return alt === file || /^(image|picture|screenshot)$/i.test(alt) || /^screenshot of\b/i.test(alt) || alt.length > 250;
    })
    .map(({ path }) => at([...path, "alt"], "the alt text does not describe the picture"));
}

function missingImage(guide, _options, context) {
  const out = [];
  for (const { image, path } of images(guide)) {
    if (typeof image.src !== "string") continue;
    const file = resolve(dirname(context.document.source), image.src);
    const head = Buffer.alloc(4);
    try {
      const fd = openSync(file, "r");
      readSync(fd, head, 0, 4, 0);
      closeSync(fd);
    } catch {
      out.push(at([...path, "src"], `\`${image.src}\` cannot be read`));
      continue;
    }
    const png = head[0] === 0x89 && head[1] === 0x50;
    const jpeg = head[0] === 0xff && head[1] === 0xd8;
    if (!png && !jpeg) out.push(at([...path, "src"], `\`${image.src}\` is not a PNG or JPEG`));
  }
  return out;
}

const UNPRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\ufffd]/;

function unprintableCharacter(guide) {
  return strings(guide)
    .filter(({ text }) => UNPRINTABLE.test(text))
    .map(({ path }) => at(path, "a character the handout would not print"));
}

// ---------------------------------------------------------------------------------------------

const RULES = {
  schema: { function: schema, functionOptions: { schema: guideSchema, dialect: "auto", allErrors: true } },
  "id-mismatch": { function: idMismatch },
  "duplicate-id": { function: duplicateId },
  "dangling-reference": { function: danglingReference },
  "self-reference": { function: selfReference },
  "missing-backup-warning": { function: missingBackupWarning },
  "risk-understated": { function: riskUnderstated },
  "orphan-cause": { function: orphanCause },
  "method-without-cause": { function: methodWithoutCause },
  "missing-pros-cons": { function: missingProsCons },
  "dangling-step": { function: danglingStep },
  "deep-nesting": { function: deepNesting },
  "duplicate-title": { function: duplicateTitle },
  "future-date": { function: futureDate },
  "invalid-time-range": { function: invalidTimeRange },
  "manual-numbering": { function: manualNumbering },
  "placeholder-text": { function: placeholderText },
  "undeclared-destructive": { function: undeclaredDestructive },
  "unknown-platform": { function: unknownPlatform },
  "image-alt-text": { function: imageAltText },
  "missing-image": { function: missingImage },
  "unprintable-character": { function: unprintableCharacter },
};

// A document that is not a mapping (empty, a list) is the schema rule's alone.
const onGuides = (then) =>
  then.function === schema
    ? then
    : { ...then, function: (input, options, context) => (isObject(input) ? then.function(input, options, context) : []) };

export default {
  rules: Object.fromEntries(
    Object.entries(RULES).map(([name, then]) => [
      name,
      { description: name, message: "{{error}}", severity: "error", given: "$", then: onGuides(then) },
    ]),
  ),
};
