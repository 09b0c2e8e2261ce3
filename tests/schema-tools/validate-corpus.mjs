// Validates every NCCO file of a corpus against a JSON Schema with ajv (draft 2020-12) in one process and prints
// one JSON array: [{ "file": "valid/x.json", "valid": true|false, "errors": [...], "parseError": "..." }].
// Usage: node validate-corpus.mjs <schema.json> <corpus dir> (files under valid/ and invalid/)
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";

const [schemaPath, corpusDir] = process.argv.slice(2);
if (!schemaPath || !corpusDir) {
  console.error("usage: node validate-corpus.mjs <schema.json> <corpus dir>");
  process.exit(2);
}

const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false });
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));

const results = [];
for (const folder of ["valid", "invalid"]) {
  for (const name of readdirSync(join(corpusDir, folder)).filter((n) => n.endsWith(".json")).sort()) {
    const file = `${folder}/${name}`;
    let data;
    try {
      data = JSON.parse(readFileSync(join(corpusDir, file), "utf8"));
    } catch (e) {
      results.push({ file, valid: false, parseError: String(e.message) });
      continue;
    }
    const valid = validate(data);
    results.push({
      file,
      valid,
      errors: valid ? [] : validate.errors.slice(0, 10).map((e) => ({ instancePath: e.instancePath, keyword: e.keyword, message: e.message })),
    });
  }
}
process.stdout.write(JSON.stringify(results));
